package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// richTenant sets every nested member away from its default, so that a merge that loses or
// resets anything shows.
var richTenant = map[string]any{
	"website":          "https://rich.example.com",
	"custom_options":   `{"theme": "dark"}`,
	"email_recipients": "ops@example.com",
	"disk_quota":       "10GB",
	"max_extensions":   42,
	"office_hours": map[string]any{
		"monday": map[string]any{"enabled": true,
			"ranges": []any{r("08:00", "12:00"), r("13:00", "17:00")}},
		"saturday": map[string]any{"enabled": true, "ranges": []any{r("10:00", "14:00")}},
	},
	"e164": map[string]any{"enabled": true, "international_code": "00", "country": "41",
		"area_code": "44", "national_code": "0", "prefix": "9", "remove_special_chars": true},
	"cdr_event": map[string]any{"enabled": true, "auth": "BASIC", "username": "cdruser",
		"password": "cdrpass1", "url": "https://cdr.example.com/hook"},
	"extension_event": map[string]any{"enabled": true, "auth": "BEARER", "token": "secret-token",
		"url": "https://ext.example.com/hook"},
	"outbound_caller_ids": []any{
		map[string]any{"provider_id": "1", "caller_id": "100", "description": "main"},
		map[string]any{"provider_id": "2", "caller_id": "200"},
	},
}

func r(from, to string) map[string]any { return map[string]any{"from": from, "to": to} }

// TestMerge sends partial updates to a rich tenant. Each must change exactly the members the
// case says, in place, and keep everything else, nested members included.
func TestMerge(t *testing.T) {
	s := startServer(t)

	cases := []struct {
		name   string
		body   string
		change func(m map[string]any) // applies the expected change to the tenant as read
	}{
		{"website only", `{"website":"https://new.example.com"}`, func(m map[string]any) {
			m["website"] = "https://new.example.com"
		}},
		{"empty body", `{}`, func(map[string]any) {}},
		{"one day of office hours",
			`{"office_hours":{"tuesday":{"enabled":true,` +
				`"ranges":[{"from":"07:00","to":"09:00"}]}}}`,
			func(m map[string]any) {
				oh(m)["tuesday"] = map[string]any{"enabled": true,
					"ranges": []any{r("07:00", "09:00")}}
			}},
		{"a day is replaced whole", `{"office_hours":{"monday":{"enabled":false}}}`,
			func(m map[string]any) {
				oh(m)["monday"] = map[string]any{"enabled": false, "ranges": []any{}}
			}},
		{"two days", `{"office_hours":{"sunday":{"enabled":true,"ranges":[]},` +
			`"saturday":{"enabled":false,"ranges":[]}}}`,
			func(m map[string]any) {
				oh(m)["sunday"] = map[string]any{"enabled": true, "ranges": []any{}}
				oh(m)["saturday"] = map[string]any{"enabled": false, "ranges": []any{}}
			}},
		{"empty office hours", `{"office_hours":{}}`, func(map[string]any) {}},
		{"one e164 key", `{"e164":{"country":"33"}}`, func(m map[string]any) {
			obj(m, "e164")["country"] = "33"
		}},
		{"e164 key cleared with null", `{"e164":{"prefix":null}}`, func(m map[string]any) {
			obj(m, "e164")["prefix"] = nil
		}},
		{"e164 key cleared with blank", `{"e164":{"area_code":""}}`, func(m map[string]any) {
			obj(m, "e164")["area_code"] = nil
		}},
		{"one e164 flag", `{"e164":{"remove_duplicate_countries":false}}`, func(m map[string]any) {
			obj(m, "e164")["remove_duplicate_countries"] = false
		}},
		{"one cdr_event key", `{"cdr_event":{"url":"https://new.example.com/cdr"}}`,
			func(m map[string]any) { obj(m, "cdr_event")["url"] = "https://new.example.com/cdr" }},
		{"one extension_event key", `{"extension_event":{"token":"other-token"}}`,
			func(m map[string]any) { obj(m, "extension_event")["token"] = "other-token" }},
		{"event switched off and url cleared", `{"cdr_event":{"enabled":false,"url":null}}`,
			func(m map[string]any) {
				obj(m, "cdr_event")["enabled"] = false
				obj(m, "cdr_event")["url"] = nil
			}},
		{"event auth disabled keeps credentials", `{"cdr_event":{"auth":"DISABLE"}}`,
			func(m map[string]any) { obj(m, "cdr_event")["auth"] = "DISABLE" }},
		{"bearer needs only a token", `{"cdr_event":{"auth":"BEARER","token":"t0ken"}}`,
			func(m map[string]any) {
				obj(m, "cdr_event")["auth"] = "BEARER"
				obj(m, "cdr_event")["token"] = "t0ken"
			}},
		{"digest with credentials", `{"extension_event":{"auth":"DIGEST","username":"extuser",` +
			`"password":"extpass1"}}`,
			func(m map[string]any) {
				obj(m, "extension_event")["auth"] = "DIGEST"
				obj(m, "extension_event")["username"] = "extuser"
				obj(m, "extension_event")["password"] = "extpass1"
			}},
		{"caller ids replaced whole",
			`{"outbound_caller_ids":[{"provider_id":"3","caller_id":"300"}]}`,
			func(m map[string]any) {
				m["outbound_caller_ids"] = []any{map[string]any{"provider_id": "3",
					"caller_id": "300", "description": nil}}
			}},
		{"caller ids emptied", `{"outbound_caller_ids":[]}`, func(m map[string]any) {
			m["outbound_caller_ids"] = []any{}
		}},
		{"several members at once", `{"name":"Renamed","enabled":false,"disk_quota":"5tb",` +
			`"e164":{"enabled":false}}`,
			func(m map[string]any) {
				m["name"], m["enabled"], m["disk_quota"] = "Renamed", false, "5TB"
				obj(m, "e164")["enabled"] = false
			}},
		{"read-only members ignored", `{"id":"1","created_at":"2001-01-01T00:00:00Z",` +
			`"used_disk_quota":"5GB","avatar_file_name":"x.png","avatar_file_size":5,` +
			`"avatar_file_url":"/api/blobs/x"}`,
			func(map[string]any) {}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := s.createTenant(t, uniq("Rich "), uniq("rich")+".example.com", richTenant)
			defer s.destroy(t, id)
			want := s.tenant(t, id)
			c.change(want)

			s.update(t, id, c.body).want(t, http.StatusOK)
			if diff := cmp.Diff(want, s.tenant(t, id)); diff != "" {
				t.Fatalf("after %s (-want +got):\n%s", c.body, diff)
			}
		})
	}
}

// TestSendBackWhatWasRead checks that a client may post back the object it read, read-only
// members and nulls included, and that this changes nothing.
func TestSendBackWhatWasRead(t *testing.T) {
	s := startServer(t)
	for _, extra := range []map[string]any{nil, richTenant} {
		id := s.createTenant(t, uniq("Echo "), uniq("echo")+".example.com", extra)
		before := s.tenant(t, id)

		s.update(t, id, before).want(t, http.StatusOK)
		if diff := cmp.Diff(before, s.tenant(t, id)); diff != "" {
			t.Fatalf("posting back the tenant changed it (-before +after):\n%s", diff)
		}

		// The same object creates an equal tenant once name and domain differ.
		copied := clone(before)
		copied["name"], copied["domain"] = "Copy", uniq("copy")+".example.com"
		copyID := s.createTenant(t, "", "", copied)
		got := s.tenant(t, copyID)
		want := clone(before)
		for _, k := range []string{"id", "name", "domain", "created_at"} {
			want[k] = got[k]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("create from a read tenant (-want +got):\n%s", diff)
		}
	}
}

// TestFailedUpdateChangesNothing sends good and bad members together: the error names every
// bad one and not even the good ones are stored.
func TestFailedUpdateChangesNothing(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Atomic", "atomic.example.com", richTenant)
	before := s.tenant(t, id)

	cases := []struct {
		body string
		bad  []string
	}{
		{`{"website":"https://good.example.com","name":"","currency":"XYZ","max_extensions":-1}`,
			[]string{"name", "currency", "max_extensions"}},
		{`{"office_hours":{"tuesday":{"enabled":false,"ranges":[]},"monday":{"enabled":"no"}}}`,
			[]string{"office_hours.monday.enabled"}},
		{`{"e164":{"country":"33","prefix":"x"}}`, []string{"e164.prefix"}},
		{`{"cdr_event":{"url":"https://new.example.com","password":null}}`,
			[]string{"cdr_event.password"}},
		{`{"cdr_event":{"url":null}}`, []string{"cdr_event.url"}},
		{`{"extension_event":{"token":null}}`, []string{"extension_event.token"}},
		{`{"cdr_event":{"auth":"BEARER"},"extension_event":{"enabled":true,"url":""}}`,
			[]string{"cdr_event.token", "extension_event.url"}},
		{`{"outbound_caller_ids":[{"provider_id":"9","caller_id":"900"},{"provider_id":"9"}]}`,
			[]string{"outbound_caller_ids[1].caller_id"}},
		{`{"outbound_caller_ids":[{"provider_id":"9","caller_id":"900","description":` +
			q(repeat("d", 1025)) + `}]}`,
			[]string{"outbound_caller_ids[0].description"}},
		{`{"disk_quota":"1GB","im_disk_quota":"1.5GB","unknown":1}`,
			[]string{"im_disk_quota", "unknown"}},
	}
	for _, c := range cases {
		s.update(t, id, c.body).wantInvalid(t, c.bad...)
		if diff := cmp.Diff(before, s.tenant(t, id)); diff != "" {
			t.Fatalf("failed update %s changed the tenant (-before +after):\n%s", c.body, diff)
		}
	}
}

func TestCreateRequiredMembers(t *testing.T) {
	s := startServer(t)
	for _, field := range []string{"name", "domain", "timezone", "currency", "region"} {
		body := tenantBody("Missing", "missing.example.com", nil)
		delete(body, field)
		s.do(t, "POST", "/api/tenants", s.Admin, body).wantInvalid(t, field)
	}
	s.do(t, "POST", "/api/tenants", s.Admin, `{}`).
		wantInvalid(t, "name", "domain", "timezone", "currency", "region")
	if n := s.tenantCount(t); n != 0 {
		t.Fatalf("%d tenants stored after failed creates", n)
	}

	// Everything else takes PortSIP's defaults.
	id := s.createTenant(t, "Defaults", "defaults.example.com", nil)
	got := s.tenant(t, id)
	want := map[string]any{
		"enabled": true, "enable_feature_call_statistics": true, "enable_billing": false,
		"max_extensions": 1000.0, "max_concurrent_calls": 20.0, "max_conference_rooms": 20.0,
		"disk_quota": "", "im_disk_quota": "", "extension_im_disk_quota": "1GB",
		"used_disk_quota": "0KB", "recording_retention": 180.0, "call_report_retention": 30.0,
		"contact_match_type": "MATCH_EXACTLY", "contact_append_type": "APPEND",
		"contact_update_interval": 720.0, "outbound_caller_ids": []any{},
		"cdr_event": map[string]any{"enabled": false, "auth": "DISABLE", "username": nil,
			"password": nil, "token": nil, "url": nil},
	}
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("default %s (-want +got):\n%s", k, diff)
		}
	}
}

func TestUnknownTenantIDs(t *testing.T) {
	s := startServer(t)
	gone := s.createTenant(t, "Gone", "gone.example.com", nil)
	s.destroy(t, gone)

	for _, id := range []string{gone, "1", "0", "-1", "abc", "01", "9223372036854775808",
		"1e3", "%20"} {
		s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).wantError(t, 404, "NOT_FOUND")
		s.update(t, id, `{"name":"x"}`).wantError(t, 404, "NOT_FOUND")
		s.do(t, "POST", "/api/tenants/"+id+"/destroy", s.Admin, nil).
			wantError(t, 404, "NOT_FOUND")
	}
}

func TestDomainUniqueness(t *testing.T) {
	s := startServer(t)

	s.createTenant(t, "Case", "pbx-case.example.com", nil)
	s.do(t, "POST", "/api/tenants", s.Admin, tenantBody("Case 2", "PBX-Case.Example.COM", nil)).
		wantError(t, http.StatusConflict, "CONFLICT", "domain")
	if n := s.list(t, "search=pbx-case").Count; n != 1 {
		t.Fatalf("%d tenants with the domain stored, want 1", n)
	}

	dot := s.createTenant(t, "Dot", "dot.example.com.", nil)
	if d := s.tenant(t, dot)["domain"]; d != "dot.example.com" {
		t.Fatalf("domain stored as %v, want dot.example.com", d)
	}
	for _, d := range []string{"dot.example.com", "DOT.example.com.", "Dot.Example.Com"} {
		s.do(t, "POST", "/api/tenants", s.Admin, tenantBody("Dot 2", d, nil)).
			wantError(t, http.StatusConflict, "CONFLICT", "domain")
	}
	s.createTenant(t, "Unicode", "bücher.example", nil)
	s.do(t, "POST", "/api/tenants", s.Admin, tenantBody("Puny", "xn--bcher-kva.example", nil)).
		wantError(t, http.StatusConflict, "CONFLICT", "domain")

	// Taking another tenant's domain by update is a conflict too, and changes nothing.
	other := s.createTenant(t, "Other", "other.example.com", nil)
	before := s.tenant(t, other)
	s.update(t, other, `{"domain":"PBX-CASE.example.com","name":"Changed"}`).
		wantError(t, http.StatusConflict, "CONFLICT", "domain")
	if diff := cmp.Diff(before, s.tenant(t, other)); diff != "" {
		t.Fatalf("conflicting update changed the tenant (-before +after):\n%s", diff)
	}

	// A tenant may keep its own domain in another spelling.
	s.update(t, dot, `{"domain":"DOT.EXAMPLE.COM."}`).want(t, http.StatusOK)
	if n := s.tenantCount(t); n != 4 {
		t.Fatalf("%d tenants stored, want 4", n)
	}

	// A freed domain can be taken again.
	s.destroy(t, dot)
	s.createTenant(t, "Dot again", "dot.example.com", nil)
}

// TestIssueCases walks the inputs that issue 2 lists, one by one, with their stated outcomes.
func TestIssueCases(t *testing.T) {
	s := startServer(t)

	t.Run("name length", func(t *testing.T) {
		for _, name := range []string{repeat("n", 1025), "    "} {
			s.do(t, "POST", "/api/tenants", s.Admin, tenantBody(name, "len.example.com", nil)).
				wantInvalid(t, "name")
		}
		id := s.createTenant(t, repeat("n", 1024), "len.example.com", nil)
		if got := s.tenant(t, id)["name"]; got != repeat("n", 1024) {
			t.Fatalf("name stored as %v", got)
		}
	})

	t.Run("quotas", func(t *testing.T) {
		id := s.createTenant(t, "Quota", "quota.example.com", nil)
		for value, want := range map[string]string{"100MB": "100MB", "1000GB": "1000GB",
			"": "", "100mb": "100MB"} {
			s.update(t, id, map[string]any{"disk_quota": value}).want(t, http.StatusOK)
			if got := s.tenant(t, id)["disk_quota"]; got != want {
				t.Fatalf("disk_quota %q stored as %v, want %q", value, got, want)
			}
		}
		for _, value := range []string{"1.5GB", "100", "0MB", "abc", "100 MB"} {
			s.update(t, id, map[string]any{"disk_quota": value}).wantInvalid(t, "disk_quota")
		}
	})

	t.Run("max limits", func(t *testing.T) {
		id := s.createTenant(t, "Max", "max.example.com", map[string]any{"max_extensions": 7})
		for _, v := range []string{"-1", "2147483648", "1.5", `"20"`} {
			s.update(t, id, `{"max_extensions":`+v+`}`).wantInvalid(t, "max_extensions")
			if got := s.tenant(t, id)["max_extensions"]; got != 7.0 {
				t.Fatalf("max_extensions %v after refusing %s, want 7", got, v)
			}
		}
	})

	t.Run("timezone and currency", func(t *testing.T) {
		id := s.createTenant(t, "Locale", "locale.example.com", nil)
		for _, tz := range []string{"Asia/Calcutta", "US/Eastern", "Etc/GMT+6"} {
			s.update(t, id, map[string]any{"timezone": tz}).want(t, http.StatusOK)
		}
		for _, tz := range []string{"Europe/Athnes", "Europe"} {
			s.update(t, id, map[string]any{"timezone": tz}).wantInvalid(t, "timezone")
		}
		for _, c := range []string{"CHF", "XOF", "JPY"} {
			s.update(t, id, map[string]any{"currency": c}).want(t, http.StatusOK)
		}
		for _, c := range []string{"EURO", "XYZ", "US$"} {
			s.update(t, id, map[string]any{"currency": c}).wantInvalid(t, "currency")
		}
		s.update(t, id, map[string]any{"currency": "eur"}).want(t, http.StatusOK)
		if got := s.tenant(t, id)["currency"]; got != "EUR" {
			t.Fatalf("currency eur stored as %v", got)
		}
	})

	t.Run("custom options", func(t *testing.T) {
		const text = "{ \"a\" :\t[1,  2.50, \"\\u00e9\"],\n \"b\": {} }"
		id := s.createTenant(t, "Options", "options.example.com",
			map[string]any{"custom_options": text})
		s.update(t, id, map[string]any{"custom_options": `{"a":`}).wantInvalid(t, "custom_options")
		res := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK)
		var got struct {
			CustomOptions json.RawMessage `json:"custom_options"`
		}
		if err := json.Unmarshal(res.Body, &got); err != nil {
			t.Fatal(err)
		}
		var str string
		if err := json.Unmarshal(got.CustomOptions, &str); err != nil || str != text {
			t.Fatalf("custom_options read back as %s, want %q", got.CustomOptions, text)
		}
	})
}

func oh(m map[string]any) map[string]any { return obj(m, "office_hours") }

func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
