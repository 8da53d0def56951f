package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
)

const dealerPassword = "dealer-password-1"

const userPassword = "user-password-1"

// createDealer creates a dealer as the system admin and returns its id.
func (s *server) createDealer(t testing.TB, name string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{
		"name": name, "level": "DISTRIBUTOR", "password": dealerPassword,
		"max_tenants": 100, "max_extensions": 50000,
	}
	for k, v := range extra {
		body[k] = v
	}
	res := s.do(t, "POST", "/api/dealers", s.Admin, body).want(t, http.StatusCreated)
	return res.id(t)
}

// createTenantAs creates a tenant with the given token and returns its id.
func (s *server) createTenantAs(t testing.TB, token, name, domain string,
	extra map[string]any) string {
	t.Helper()
	res := s.do(t, "POST", "/api/tenants", token, tenantBody(name, domain, extra))
	return res.want(t, http.StatusCreated).id(t)
}

// switchTo makes the tenant current for the session of token.
func (s *server) switchTo(t testing.TB, token, tenantID string) {
	t.Helper()
	s.do(t, "POST", "/api/tenants/switch?id="+tenantID, token, nil).want(t, http.StatusOK)
}

// userBody returns a valid create body for a user, with extra members merged in.
func userBody(name, extension, role string, extra map[string]any) map[string]any {
	b := map[string]any{
		"name": name, "display_name": "User " + name, "password": userPassword,
		"email": name + "@example.com", "role": role, "extension_number": extension,
		"extension_password": "sip-secret-" + extension, "voicemail_pin": "135792",
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// createUser creates a user in the current tenant of token and returns its id.
func (s *server) createUser(t testing.TB, token, name, extension, role string) string {
	t.Helper()
	res := s.do(t, "POST", "/api/users", token, userBody(name, extension, role, nil))
	return res.want(t, http.StatusCreated).id(t)
}

// id returns the id member of an object answer.
func (r *response) id(t testing.TB) string {
	t.Helper()
	id, _ := r.object(t)["id"].(string)
	if id == "" {
		t.Fatalf("answer has no id: %s", r.Body)
	}
	return id
}

// count returns the count member of a list answer.
func (r *response) count(t testing.TB) int {
	t.Helper()
	n, ok := r.object(t)["count"].(float64)
	if !ok {
		t.Fatalf("answer has no count: %s", r.Body)
	}
	return int(n)
}

// items decodes the items of a list answer.
func (r *response) items(t testing.TB) []map[string]any {
	t.Helper()
	var body struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("not a list: %v: %s", err, r.Body)
	}
	return body.Items
}
