package e2e

import (
	"net/http"
	"testing"
)

// TestAuthUserForcedReset checks that GET /api/auth/user reports a tenant's
// password_force_reset to the tenant's people, follows it when it changes, and never applies
// it to the system admin.
func TestAuthUserForcedReset(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Reset", "reset.example.com",
		map[string]any{"password_force_reset": true})
	s.switchTo(t, s.Admin, id)
	s.createUser(t, s.Admin, "clerk", "101", "Admin")
	clerk := s.signIn(t, "clerk", userPassword, "reset.example.com")

	reset := func(token string) any {
		t.Helper()
		return s.do(t, "GET", "/api/auth/user", token, nil).want(t, http.StatusOK).
			object(t)["password_force_reset"]
	}
	if got := reset(clerk); got != true {
		t.Fatalf("tenant user: password_force_reset %v, want true", got)
	}
	if got := reset(s.Admin); got != false {
		t.Fatalf("system admin: password_force_reset %v, want false", got)
	}

	s.do(t, "POST", "/api/tenants/"+id, s.Admin, map[string]any{"password_force_reset": false}).
		want(t, http.StatusOK)
	if got := reset(clerk); got != false {
		t.Fatalf("after the tenant cleared it: password_force_reset %v, want false", got)
	}
}
