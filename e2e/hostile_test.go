package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHostileBodies sends malformed and oversized bodies to every endpoint that reads one:
// each is refused with the envelope and its status, never a 5xx, and nothing is written.
func TestHostileBodies(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)

	valid := `"name":"N","domain":"n.example","timezone":"UTC","currency":"EUR","region":"DEU"`
	deep := strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33)
	cases := []struct {
		name   string
		body   string
		status int
		field  string // the field the error names, "" when any
	}{
		{"too large", `{"name":"` + strings.Repeat("x", 1<<20) + `"}`, 413, ""},
		{"invalid UTF-8", "{" + valid + `,"website":"\xff"}`, 400, "body"},
		{"duplicate key", "{" + valid + `,"name":"M"}`, 400, "body"},
		{"too deep", `{"custom_options":` + deep + "}", 400, "body"},
		{"trailing garbage", "{" + valid + "} x", 400, "body"},
		{"two objects", "{" + valid + "}{}", 400, "body"},
		{"not an object", "[1]", 400, "body"},
		{"empty", "", 400, "body"},
		{"number beyond int64", "{" + valid + `,"max_extensions":99999999999999999999}`,
			400, "max_extensions"},
		{"number beyond int32", "{" + valid + `,"max_extensions":2147483648}`,
			400, "max_extensions"},
		{"huge exponent", "{" + valid + `,"max_extensions":1e400}`, 400, "max_extensions"},
		{"fraction", "{" + valid + `,"max_extensions":1.5}`, 400, "max_extensions"},
		{"number of 65 digits", "{" + valid + `,"x":` + strings.Repeat("9", 65) + "}",
			400, "body"},
		{"nested huge number", "{" + valid +
			`,"office_hours":{"monday":{"enabled":99999999999999999999}}}`,
			400, "office_hours.monday.enabled"},
		{"numeric string", "{" + valid + `,"max_extensions":"10"}`, 400, "max_extensions"},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/api/tenants", "/api/tenants/" + id} {
				res := s.do(t, "POST", path, s.Admin, c.body).want(t, c.status)
				if fields := res.errorFields(t); c.field != "" && !slices.Contains(fields, c.field) {
					t.Fatalf("%s: fields %v, want %s", path, fields, c.field)
				}
			}
			res := s.do(t, "POST", "/api/auth/sign_in", "", c.body)
			if res.Status != c.status && res.Status != http.StatusBadRequest {
				t.Fatalf("sign_in: status %d: %s", res.Status, res.Body)
			}
		})
	}

	list := s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, http.StatusOK).object(t)
	if list["count"] != float64(1) {
		t.Fatalf("refused requests wrote tenants: %v", list)
	}
	got := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).object(t)
	if got["name"] != "Acme" || got["max_extensions"] != float64(1000) {
		t.Fatalf("refused updates changed the tenant: %v", got)
	}
}

// TestHostileRequestLines covers limits outside the body: query string, numbers in the query
// and header size.
func TestHostileRequestLines(t *testing.T) {
	s := startServer(t)

	long := s.do(t, "GET", "/api/tenants?search="+strings.Repeat("a", 8<<10), s.Admin, nil)
	if fields := long.want(t, http.StatusBadRequest).errorFields(t); !slices.Equal(fields,
		[]string{"query"}) {
		t.Fatalf("long query: fields %v", fields)
	}
	s.do(t, "GET", "/api/tenants?search="+strings.Repeat("a", 1000), s.Admin, nil).
		want(t, http.StatusOK)

	for _, q := range []string{"skip=99999999999999999999", "top=-99999999999999999999",
		"skip=1e3", "top=0x10"} {
		res := s.do(t, "GET", "/api/tenants?"+q, s.Admin, nil).want(t, http.StatusBadRequest)
		if name, _, _ := strings.Cut(q, "="); !slices.Equal(res.errorFields(t),
			[]string{name}) {
			t.Fatalf("%s: fields %v", q, res.errorFields(t))
		}
	}

	req, err := http.NewRequest("GET", s.URL+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Big", strings.Repeat("b", 100<<10))
	res, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB header: status %d", res.StatusCode)
	}
}

// TestNestedMemberNamesAreExact checks that members of nested objects must be spelled exactly:
// a name in another case is an unknown field, never a silent alias of the real one.
func TestNestedMemberNamesAreExact(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)

	cases := []struct{ body, field string }{
		{`{"outbound_caller_ids":[{"PROVIDER_ID":"p1","caller_id":"c1"}]}`,
			"outbound_caller_ids[0]"},
		{`{"office_hours":{"monday":{"ranges":[{"from":"09:00","to":"10:00","FROM":"08:00"}]}}}`,
			"office_hours.monday.ranges[0]"},
		{`{"office_hours":{"monday":{"ranges":[{"From":"09:00","to":"10:00"}]}}}`,
			"office_hours.monday.ranges[0]"},
	}
	for _, c := range cases {
		res := s.do(t, "POST", "/api/tenants/"+id, s.Admin, c.body).want(t, http.StatusBadRequest)
		if fields := res.errorFields(t); !slices.Equal(fields, []string{c.field}) {
			t.Fatalf("%s: fields %v, want %s", c.body, fields, c.field)
		}
	}
}
