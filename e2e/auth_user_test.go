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

// TestPasswordChange checks that a new password works, the old one does not, and the
// sessions begun with the old one end.
func TestPasswordChange(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Pw", "pw.example.com", nil)
	s.switchTo(t, s.Admin, id)
	user := s.createUser(t, s.Admin, "clerk", "101", "Admin")
	old := s.signIn(t, "clerk", userPassword, "pw.example.com")

	s.do(t, "POST", "/api/users/"+user, s.Admin, map[string]any{"password": "brand-new-pass-1"}).
		want(t, http.StatusOK)
	s.do(t, "GET", "/api/tenant", old, nil).want(t, http.StatusUnauthorized)
	s.do(t, "POST", "/api/auth/sign_in", "", map[string]string{
		"username": "clerk", "password": userPassword, "domain": "pw.example.com",
	}).want(t, http.StatusUnauthorized)
	fresh := s.signIn(t, "clerk", "brand-new-pass-1", "pw.example.com")
	s.do(t, "GET", "/api/tenant", fresh, nil).want(t, http.StatusOK)
}
