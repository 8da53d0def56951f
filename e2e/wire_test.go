package e2e

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// referencePath is where the PortSIP reference schema sits, relative to a directory that is
// an ancestor of the test's working directory.
const referencePath = "shared/reference/portsip-v22-tenants.openapi.json"

// loadReference finds and decodes the reference schema by walking up from the working
// directory. Without it the wire tests cannot judge anything and are skipped.
func loadReference(t *testing.T) map[string]any {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, referencePath))
		if err == nil {
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("decode %s: %v", referencePath, err)
			}
			return doc
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("reference schema %s not found in any parent directory; wire format unchecked",
				referencePath)
		}
		dir = parent
	}
}

// responseSchema returns the JSON schema of one documented answer of the reference.
func responseSchema(t *testing.T, doc map[string]any, path, method, status string) map[string]any {
	t.Helper()
	keys := []string{"paths", path, method, "responses", status, "content", "application/json",
		"schema"}
	var v any = doc
	for _, k := range keys {
		m, _ := v.(map[string]any)
		if v = m[k]; v == nil {
			t.Fatalf("reference has no %s", strings.Join(keys, " / "))
		}
	}
	return v.(map[string]any)
}

// nullableStrings are the members, by path, that DESIGN.md lets be null: optional free-text
// strings are written as null when blank.
var nullableStrings = []string{
	"website", "custom_options", "email_recipients", "avatar_file_name", "avatar_file_url",
	"e164.international_code", "e164.country", "e164.area_code", "e164.national_code",
	"e164.prefix", "outbound_caller_ids[].description",
	"cdr_event.username", "cdr_event.password", "cdr_event.token", "cdr_event.url",
	"extension_event.username", "extension_event.password", "extension_event.token",
	"extension_event.url",
	"items[].website", "items[].avatar_file_name", "items[].avatar_file_url",
}

// matchSchema reports, as messages, where v departs from schema: a different set of member
// names in any object, or a value of another JSON type. path names v in the messages.
func matchSchema(schema map[string]any, v any, path string) []string {
	schema = flatten(schema)
	typ, _ := schema["type"].(string)
	if v == nil {
		if typ == "string" && slices.Contains(nullableStrings, strings.TrimPrefix(path, ".")) {
			return nil
		}
		return []string{path + ": null, want " + typ}
	}

	switch typ {
	case "object":
		return matchObject(schema, v, path)
	case "array":
		items, ok := v.([]any)
		if !ok {
			return []string{path + ": not an array"}
		}
		var out []string
		itemSchema, _ := schema["items"].(map[string]any)
		for _, item := range items {
			out = append(out, matchSchema(itemSchema, item, path+"[]")...)
		}
		return out
	case "string":
		if _, ok := v.(string); !ok {
			return []string{path + ": not a string"}
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != math.Trunc(n) {
			return []string{path + ": not an integer"}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{path + ": not a boolean"}
		}
	default:
		return []string{path + ": schema type " + typ + " is not handled by the test"}
	}
	return nil
}

func matchObject(schema map[string]any, v any, path string) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{path + ": not an object"}
	}
	props, _ := schema["properties"].(map[string]any)
	var out []string
	for name := range props {
		if _, ok := obj[name]; !ok {
			out = append(out, path+"."+name+": missing")
		}
	}
	for name, val := range obj {
		sub, ok := props[name].(map[string]any)
		if !ok {
			out = append(out, path+"."+name+": not in the reference")
			continue
		}
		out = append(out, matchSchema(sub, val, path+"."+name)...)
	}
	slices.Sort(out)
	return out
}

// flatten folds allOf wrappers, which the reference uses to attach descriptions, into one
// schema.
func flatten(schema map[string]any) map[string]any {
	all, ok := schema["allOf"].([]any)
	if !ok {
		return schema
	}
	out := map[string]any{}
	for _, part := range all {
		if m, ok := part.(map[string]any); ok {
			for k, v := range flatten(m) {
				out[k] = v
			}
		}
	}
	return out
}

func wantSchema(t *testing.T, schema map[string]any, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	if problems := matchSchema(schema, v, ""); len(problems) > 0 {
		t.Fatalf("answer departs from the schema:\n%s\nbody: %s",
			strings.Join(problems, "\n"), body)
	}
}

// fullTenant fills every optional member, so that no nullable string hides as null and every
// array holds an item to check.
var fullTenant = map[string]any{
	"website":          "https://full.example.com",
	"custom_options":   `{"k":"v"}`,
	"email_recipients": "ops@example.com",
	"e164": map[string]any{"international_code": "00", "country": "41", "area_code": "44",
		"national_code": "0", "prefix": "9"},
	"cdr_event": map[string]any{"enabled": true, "auth": "BASIC", "username": "cdruser",
		"password": "cdrpass1", "token": "tok", "url": "https://cdr.example.com/hook"},
	"extension_event": map[string]any{"enabled": true, "auth": "BEARER", "username": "extuser",
		"password": "extpass1", "token": "tok", "url": "https://ext.example.com/hook"},
	"outbound_caller_ids": []any{
		map[string]any{"provider_id": "1", "caller_id": "100", "description": "main line"},
	},
}

func TestWireTenant(t *testing.T) {
	doc := loadReference(t)
	s := startServer(t)
	detail := responseSchema(t, doc, "/tenants/{id}", "get", "200")
	list := responseSchema(t, doc, "/tenants", "get", "200")
	created := responseSchema(t, doc, "/tenants", "post", "201")

	res := s.do(t, "POST", "/api/tenants", s.Admin,
		tenantBody("Default", "default.example.com", nil)).want(t, http.StatusCreated)
	wantSchema(t, created, res.Body)
	defaultID, _ := res.object(t)["id"].(string)
	fullID := s.createTenant(t, "Full", "full.example.com", fullTenant)

	for _, id := range []string{defaultID, fullID} {
		res := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK)
		wantSchema(t, detail, res.Body)
		wantSchema(t, detail, s.update(t, id, map[string]any{}).want(t, http.StatusOK).Body)
	}
	wantSchema(t, list, s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, http.StatusOK).Body)

	// A blank optional string is null, never "" or absent.
	got := s.tenant(t, defaultID)
	for _, name := range []string{"website", "custom_options", "email_recipients",
		"avatar_file_name", "avatar_file_url"} {
		if v, ok := got[name]; !ok || v != nil {
			t.Errorf("%s of a new tenant is %#v, want null", name, v)
		}
	}
	// Ids are decimal strings; times are RFC 3339 in UTC with Z, to the second.
	for _, m := range append(s.list(t, "").Items, got) {
		id, _ := m["id"].(string)
		if _, err := strconv.ParseInt(id, 10, 64); err != nil || strings.HasPrefix(id, "0") {
			t.Errorf("id %q is not a decimal string", id)
		}
		at, _ := m["created_at"].(string)
		when, err := time.Parse(time.RFC3339, at)
		if err != nil || !strings.HasSuffix(at, "Z") || when.Nanosecond() != 0 ||
			time.Since(when) > time.Hour || time.Until(when) > time.Minute {
			t.Errorf("created_at %q is not a recent RFC 3339 UTC time to the second", at)
		}
	}

	// The full tenant's members are all strings where the reference says string.
	got = s.tenant(t, fullID)
	for _, name := range []string{"website", "custom_options", "email_recipients"} {
		if _, ok := got[name].(string); !ok {
			t.Errorf("%s of the full tenant is %#v, want a string", name, got[name])
		}
	}
}

func TestWireToken(t *testing.T) {
	doc := loadReference(t)
	s := startServer(t)
	refresh := responseSchema(t, doc, "/auth/refresh_token", "post", "200")
	user := responseSchema(t, doc, "/auth/user", "get", "200")

	// sign_in answers one of two shapes; without two-factor it is the token object, the same
	// as refresh_token's.
	signIn := s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}).want(t, http.StatusOK)
	wantSchema(t, refresh, signIn.Body)
	if tt := signIn.object(t)["token_type"]; tt != "Bearer" {
		t.Errorf("token_type %v, want Bearer", tt)
	}
	if exp := signIn.object(t)["expires_in"]; exp != float64(1800) {
		t.Errorf("expires_in %v, want 1800", exp)
	}

	rt, _ := signIn.object(t)["refresh_token"].(string)
	res := s.do(t, "POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": rt})
	wantSchema(t, refresh, res.want(t, http.StatusOK).Body)

	form := url.Values{"grant_type": {"password"}, "username": {"admin"},
		"password": {adminPassword}}
	wantSchema(t, refresh, s.form(t, "/api/login/oauth/token", form).want(t, http.StatusOK).Body)

	res = s.do(t, "GET", "/api/auth/user", s.Admin, nil).want(t, http.StatusOK)
	wantSchema(t, user, res.Body)
}

// errorSchema is tenantd's own error envelope, in the reference's schema notation.
var errorSchema = map[string]any{"type": "object", "properties": map[string]any{
	"errors": map[string]any{"type": "array", "items": map[string]any{
		"type": "object", "properties": map[string]any{
			"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
			"detail": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "properties": map[string]any{
					"field":  map[string]any{"type": "string"},
					"reason": map[string]any{"type": "string"},
				}}},
		}}},
}}

func TestWireErrorEnvelope(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Taken", "taken.example.com", nil)

	cases := []struct {
		name   string
		res    *response
		status int
		code   string
	}{
		{"validation", s.do(t, "POST", "/api/tenants", s.Admin, map[string]any{}),
			400, "VALIDATE_FAILED"},
		{"unauthorized", s.do(t, "GET", "/api/tenants", "", nil), 401, "UNAUTHORIZED"},
		{"not found", s.do(t, "GET", "/api/tenants/1", s.Admin, nil), 404, "NOT_FOUND"},
		{"no route", s.do(t, "GET", "/api/nowhere", s.Admin, nil), 404, "NOT_FOUND"},
		{"method", s.do(t, "DELETE", "/api/tenants/"+id, s.Admin, nil), 405, ""},
		{"conflict", s.do(t, "POST", "/api/tenants", s.Admin,
			tenantBody("Again", "taken.example.com", nil)), 409, "CONFLICT"},
		{"too large", s.do(t, "POST", "/api/tenants", s.Admin,
			strings.Repeat(" ", 1<<20+1)), 413, "PAYLOAD_TOO_LARGE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.res.want(t, c.status)
			wantSchema(t, errorSchema, c.res.Body)
			if c.code != "" && c.res.errorCode(t) != c.code {
				t.Fatalf("code %q, want %q", c.res.errorCode(t), c.code)
			}
			if ct := c.res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q, want application/json", ct)
			}
			// detail is always an array, [] when there is nothing to list.
			var env struct {
				Errors []struct{ Detail json.RawMessage } `json:"errors"`
			}
			_ = json.Unmarshal(c.res.Body, &env)
			if len(env.Errors) != 1 || !strings.HasPrefix(string(env.Errors[0].Detail), "[") {
				t.Fatalf("detail is not an array: %s", c.res.Body)
			}
		})
	}
}
