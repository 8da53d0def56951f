package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// badBodies are request bodies no JSON endpoint may accept; each must be a 400 naming body.
var badBodies = map[string]string{
	"empty":               ``,
	"blank":               "  \n ",
	"invalid JSON":        `{"name":`,
	"bare word":           `name`,
	"single quotes":       `{'name':'x'}`,
	"trailing comma":      `{"name":"x",}`,
	"array":               `[]`,
	"array of object":     `[{"name":"x"}]`,
	"string":              `"x"`,
	"number":              `42`,
	"null":                `null`,
	"true":                `true`,
	"trailing garbage":    `{"name":"x"} x`,
	"two objects":         `{"name":"x"}{"name":"y"}`,
	"trailing comma obj":  `{"name":"x"},`,
	"duplicate key":       `{"name":"x","name":"y"}`,
	"duplicate nested":    `{"e164":{"country":"1","country":"2"}}`,
	"duplicate in array":  `{"outbound_caller_ids":[{"caller_id":"1","caller_id":"2"}]}`,
	"invalid UTF-8":       "{\"name\":\"\xff\xfe\"}",
	"invalid UTF-8 key":   "{\"\xc3\x28\":1}",
	"overlong UTF-8":      "{\"name\":\"\xc0\xaf\"}",
	"lone surrogate byte": "{\"name\":\"\xed\xa0\x80\"}",
	"deep nesting": `{"custom_options":` + strings.Repeat("[", 40) +
		strings.Repeat("]", 40) + `}`,
	"deep objects": strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40),
	"huge number":  `{"max_extensions":` + strings.Repeat("9", 100) + `}`,
}

func TestMalformedBodies(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Body", "body.example.com", nil)
	before := s.tenant(t, id)

	for name, body := range badBodies {
		t.Run(name, func(t *testing.T) {
			s.do(t, "POST", "/api/tenants", s.Admin, body).wantInvalid(t, "body")
			s.update(t, id, body).wantInvalid(t, "body")
			s.do(t, "POST", "/api/auth/sign_in", "", body).wantInvalid(t, "body")
		})
	}

	t.Run("over 1 MiB", func(t *testing.T) {
		big := `{"custom_options":"` + strings.Repeat("x", 1<<20) + `"}`
		s.do(t, "POST", "/api/tenants", s.Admin, big).
			wantError(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
		s.update(t, id, big).wantError(t, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})

	t.Run("exactly 1 MiB is read", func(t *testing.T) {
		// A body of exactly the limit gets past the size check and is judged on its content.
		body := `{"custom_options":"` + strings.Repeat("x", 1<<20-21) + `"}`
		if len(body) != 1<<20 {
			t.Fatalf("body is %d bytes", len(body))
		}
		s.update(t, id, body).wantInvalid(t, "custom_options")
	})

	if diff := cmp.Diff(before, s.tenant(t, id)); diff != "" {
		t.Fatalf("malformed bodies changed the tenant (-before +after):\n%s", diff)
	}
	if n := s.tenantCount(t); n != 1 {
		t.Fatalf("%d tenants stored, want 1", n)
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Route", "route.example.com", nil)

	// "/" is the web console (see web/); every other unknown path is an API 404.
	for _, path := range []string{"/nowhere", "/api", "/api/", "/api/nowhere", "/api/tenant5",
		"/api/tenants/" + id + "/bogus", "/api/tenants/" + id + "/destroy/now",
		"/api/auth", "/api/auth/nothing", "/API/tenants", "/healthz/x"} {
		for _, token := range []string{"", s.Admin} {
			s.do(t, "GET", path, token, nil).wantError(t, http.StatusNotFound, "NOT_FOUND")
			s.do(t, "POST", path, token, `{}`).wantError(t, http.StatusNotFound, "NOT_FOUND")
		}
	}

	for _, c := range []struct{ method, path string }{
		{"DELETE", "/api/tenants/" + id}, {"PUT", "/api/tenants/" + id},
		{"PATCH", "/api/tenants/" + id}, {"DELETE", "/api/tenants"},
		{"PUT", "/api/tenants"}, {"GET", "/api/tenants/" + id + "/destroy"},
		{"GET", "/api/auth/sign_in"}, {"GET", "/api/auth/sign_out"},
		{"POST", "/api/auth/user"}, {"GET", "/api/login/oauth/token"},
		{"POST", "/healthz"},
	} {
		for _, token := range []string{"", s.Admin} {
			res := s.do(t, c.method, c.path, token, nil)
			res.want(t, http.StatusMethodNotAllowed)
			wantSchema(t, errorSchema, res.Body)
		}
	}
	s.tenant(t, id)

	res := s.do(t, "GET", "/healthz", "", nil).want(t, http.StatusOK)
	if res.object(t)["status"] != "ok" {
		t.Fatalf("healthz answered %s", res.Body)
	}
}
