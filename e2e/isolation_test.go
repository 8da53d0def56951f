package e2e

import (
	"net/http"
	"net/url"
	"testing"
)

// TestTenantAdminIsolation tries every way an admin of tenant A might reach tenant B: ids in
// paths, in query strings and in bodies. Tenant B must read the same afterwards.
func TestTenantAdminIsolation(t *testing.T) {
	w := newWorld(t)
	adminA := w.tokens["admin of the tenant"]

	dB := w.tokens["dealer, other's tenant"]
	userB := w.createUser(t, dB, "victim", "300", "StandardUser")
	readB := func() string {
		var out string
		for _, p := range []string{"/api/tenants/" + w.tenantB, "/api/tenant/status",
			"/api/users/" + userB, "/api/users"} {
			res := w.do(t, "GET", p, dB, nil).want(t, http.StatusOK)
			out += string(res.Body) + "\n"
		}
		return out
	}
	before := readB()

	tries := []struct {
		method, path string
		body         any
		want         int
	}{
		// ids in paths
		{"GET", "/api/tenants/" + w.tenantB, nil, http.StatusForbidden},
		{"POST", "/api/tenants/" + w.tenantB, map[string]any{"name": "Owned"},
			http.StatusForbidden},
		{"POST", "/api/tenants/" + w.tenantB + "/destroy", nil, http.StatusForbidden},
		{"GET", "/api/users/" + userB, nil, http.StatusNotFound},
		{"POST", "/api/users/" + userB, map[string]any{"enabled": false}, http.StatusNotFound},
		{"POST", "/api/users/" + userB + "/destroy", nil, http.StatusNotFound},
		// ids in query strings
		{"POST", "/api/tenants/switch?id=" + w.tenantB, nil, http.StatusForbidden},
		{"GET", "/api/tenant?id=" + w.tenantB, nil, http.StatusOK},
		{"GET", "/api/users?filter=" + url.QueryEscape("id eq '"+userB+"'"), nil, http.StatusOK},
		{"GET", "/api/users?tenant_id=" + w.tenantB, nil, http.StatusOK},
		// ids in bodies
		{"POST", "/api/tenant", map[string]any{"id": w.tenantB, "website": "https://a.example"},
			http.StatusOK},
		{"POST", "/api/users", userBody("intruder", "301", "Admin",
			map[string]any{"tenant_id": w.tenantB}), http.StatusBadRequest},
		{"POST", "/api/users", userBody("intruder", "302", "Admin",
			map[string]any{"domain": "b.example"}), http.StatusBadRequest},
	}
	for _, try := range tries {
		res := w.do(t, try.method, try.path, adminA, try.body)
		if res.Status != try.want {
			t.Errorf("%s %s: status %d, want %d; body %s", try.method, try.path, res.Status,
				try.want, res.Body)
		}
	}

	// What answered 200 answered about tenant A only.
	cur := w.do(t, "GET", "/api/tenant?id="+w.tenantB, adminA, nil).want(t, 200).object(t)
	if cur["id"] != w.tenantA {
		t.Errorf("GET /api/tenant?id=B answered tenant %v, want A", cur["id"])
	}
	filtered := w.do(t, "GET", "/api/users?filter="+url.QueryEscape("id eq '"+userB+"'"),
		adminA, nil).want(t, 200)
	if filtered.count(t) != 0 {
		t.Errorf("a filter on B's user id found %s", filtered.Body)
	}
	if got := w.do(t, "GET", "/api/users?tenant_id="+w.tenantB, adminA, nil).count(t); got != 3 {
		t.Errorf("admin A lists %d users, want the 3 of tenant A", got)
	}

	if after := readB(); after != before {
		t.Fatalf("tenant B changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestDisabledTenant checks that disabling a tenant ends its people's sessions at once (they
// stay ended when it is enabled again) and that enabling it lets them sign in again.
func TestDisabledTenant(t *testing.T) {
	w := newWorld(t)
	adminA := w.tokens["admin of the tenant"]
	w.do(t, "GET", "/api/tenant", adminA, nil).want(t, http.StatusOK)

	w.do(t, "POST", "/api/tenants/"+w.tenantA, w.Admin, map[string]any{"enabled": false}).
		want(t, http.StatusOK)
	w.do(t, "GET", "/api/tenant", adminA, nil).want(t, http.StatusUnauthorized)
	w.do(t, "POST", "/api/auth/sign_in", "", map[string]string{
		"username": "admin-a", "password": userPassword, "domain": "a.example",
	}).want(t, http.StatusUnauthorized)

	w.do(t, "POST", "/api/tenants/"+w.tenantA, w.Admin, map[string]any{"enabled": true}).
		want(t, http.StatusOK)
	w.do(t, "GET", "/api/tenant", adminA, nil).want(t, http.StatusUnauthorized)
	token := w.signIn(t, "admin-a", userPassword, "a.example")
	w.do(t, "GET", "/api/tenant", token, nil).want(t, http.StatusOK)
}

// TestDisabledDealer checks the same for a dealer.
func TestDisabledDealer(t *testing.T) {
	w := newWorld(t)
	dA := w.tokens["dealer, own tenant"]

	w.do(t, "POST", "/api/dealers/"+w.dealerA, w.Admin, map[string]any{"enabled": false}).
		want(t, http.StatusOK)
	w.do(t, "GET", "/api/tenants", dA, nil).want(t, http.StatusUnauthorized)
	w.do(t, "POST", "/api/auth/sign_in", "", map[string]string{
		"username": "dealer-a", "password": dealerPassword,
	}).want(t, http.StatusUnauthorized)

	w.do(t, "POST", "/api/dealers/"+w.dealerA, w.Admin, map[string]any{"enabled": true}).
		want(t, http.StatusOK)
	w.do(t, "GET", "/api/tenants", dA, nil).want(t, http.StatusUnauthorized)
	token := w.signIn(t, "dealer-a", dealerPassword, "")
	if n := w.do(t, "GET", "/api/tenants", token, nil).want(t, 200).count(t); n != 1 {
		t.Fatalf("the dealer lists %d tenants, want 1", n)
	}
}

// TestDealerLosesTenant checks that a dealer whose tenant is taken away can no longer work in
// it, although its session had switched to it.
func TestDealerLosesTenant(t *testing.T) {
	w := newWorld(t)
	dA := w.tokens["dealer, own tenant"]

	w.do(t, "POST", "/api/tenants/"+w.tenantA+"/dealers/"+w.dealerA+"/destroy", w.Admin, nil).
		want(t, http.StatusNoContent)
	w.do(t, "GET", "/api/tenant", dA, nil).want(t, http.StatusNotFound)
	w.do(t, "GET", "/api/users", dA, nil).want(t, http.StatusNotFound)
	w.do(t, "GET", "/api/tenants/"+w.tenantA, dA, nil).want(t, http.StatusNotFound)
}
