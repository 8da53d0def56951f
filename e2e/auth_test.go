package e2e

import (
	"net/http"
	"net/url"
	"testing"
)

// tokens is the decoded token object of a sign-in or refresh.
type tokens struct{ access, refresh string }

func (r *response) tokens(t *testing.T) tokens {
	t.Helper()
	m := r.want(t, http.StatusOK).object(t)
	access, _ := m["access_token"].(string)
	refresh, _ := m["refresh_token"].(string)
	if access == "" || refresh == "" || access == refresh {
		t.Fatalf("token object without two distinct tokens: %s", r.Body)
	}
	return tokens{access, refresh}
}

func (s *server) signInPair(t *testing.T) tokens {
	t.Helper()
	return s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}).tokens(t)
}

func (s *server) refresh(t *testing.T, refreshToken string) *response {
	t.Helper()
	return s.do(t, "POST", "/api/auth/refresh_token", "",
		map[string]string{"refresh_token": refreshToken})
}

// wantAccess fails unless the access token works (ok) or is refused with 401 (!ok).
func (s *server) wantAccess(t *testing.T, token string, ok bool) {
	t.Helper()
	res := s.do(t, "GET", "/api/auth/user", token, nil)
	if ok {
		res.want(t, http.StatusOK)
		return
	}
	res.wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
}

func TestEveryRouteNeedsAToken(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Guarded", "guarded.example.com", nil)

	routes := []struct{ method, path string }{
		{"GET", "/api/tenants"}, {"POST", "/api/tenants"},
		{"GET", "/api/tenants/" + id}, {"POST", "/api/tenants/" + id},
		{"POST", "/api/tenants/" + id + "/destroy"}, {"GET", "/api/tenants/1"},
		{"POST", "/api/auth/sign_out"}, {"GET", "/api/auth/user"},
	}
	headers := map[string]string{
		"none":          "",
		"garbage":       "Bearer not-a-real-token",
		"empty bearer":  "Bearer ",
		"basic scheme":  "Basic YWRtaW46dGVzdA==",
		"bare token":    s.Admin,
		"too long":      "Bearer " + repeat("x", 600),
		"refresh token": "Bearer " + s.signInPair(t).refresh,
	}
	for _, rt := range routes {
		for name, h := range headers {
			req, _ := http.NewRequest(rt.method, s.URL+rt.path, nil)
			if h != "" {
				req.Header.Set("Authorization", h)
			}
			res := s.send(t, req)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("%s %s with %s: status %d, want 401; body %s", rt.method, rt.path,
					name, res.Status, res.Body)
			}
			res.wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
		}
	}
	// Nothing was destroyed on the way.
	s.tenant(t, id)
}

func TestSignIn(t *testing.T) {
	s := startServer(t)

	for name, body := range map[string]map[string]string{
		"wrong password": {"username": "admin", "password": "wrong-password"},
		"unknown user":   {"username": "nobody", "password": adminPassword},
		"wrong case":     {"username": "Admin", "password": adminPassword},
		"unknown domain": {"username": "admin", "password": adminPassword,
			"domain": "nowhere.example.com"},
	} {
		t.Run(name, func(t *testing.T) {
			s.do(t, "POST", "/api/auth/sign_in", "", body).
				wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
		})
	}

	for _, c := range []struct {
		body  string
		field []string
	}{
		{`{"username":"admin"}`, []string{"password"}},
		{`{"password":"x"}`, []string{"username"}},
		{`{"username":"admin","password":""}`, []string{"password"}},
		{`{"username":"admin","password":5}`, []string{"password"}},
		{`{"username":null,"password":"x"}`, []string{"username"}},
		{`{"username":"admin","password":"x","remember":true}`, []string{"remember"}},
		{`[]`, []string{"body"}},
	} {
		s.do(t, "POST", "/api/auth/sign_in", "", c.body).wantInvalid(t, c.field...)
	}

	s.wantAccess(t, s.signInPair(t).access, true)
	res := s.do(t, "GET", "/api/auth/user", s.Admin, nil).want(t, http.StatusOK).object(t)
	if res["role"] != "SystemAdmin" || res["password_verified"] != true ||
		res["password_force_reset"] != false {
		t.Fatalf("auth/user answered %v", res)
	}
}

func TestRefreshToken(t *testing.T) {
	s := startServer(t)

	first := s.signInPair(t)
	second := s.refresh(t, first.refresh).tokens(t)
	if second == first {
		t.Fatal("refresh handed back the same tokens")
	}
	s.wantAccess(t, second.access, true)

	// The spent refresh token fails, and its reuse revokes everything descended from the
	// sign-in: the pair it was exchanged for stops working too.
	s.refresh(t, first.refresh).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	s.wantAccess(t, second.access, false)
	s.refresh(t, second.refresh).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// Other sign-ins are not affected.
	s.wantAccess(t, s.Admin, true)

	s.refresh(t, "garbage").wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	s.refresh(t, s.Admin).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	for _, body := range []string{`{"refresh_token":""}`, `{}`, `{"refresh_token":5}`,
		`{"refresh_token":null}`} {
		s.do(t, "POST", "/api/auth/refresh_token", "", body).wantInvalid(t, "refresh_token")
	}
}

func TestSignOut(t *testing.T) {
	s := startServer(t)
	pair := s.signInPair(t)
	refreshed := s.refresh(t, pair.refresh).tokens(t)

	s.do(t, "POST", "/api/auth/sign_out", refreshed.access, nil).want(t, http.StatusOK)

	s.wantAccess(t, refreshed.access, false)
	s.refresh(t, refreshed.refresh).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	s.do(t, "POST", "/api/auth/sign_out", refreshed.access, nil).
		wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	// Signing out ends one sign-in, not the account's others.
	s.wantAccess(t, s.Admin, true)
}

func TestOAuthForm(t *testing.T) {
	s := startServer(t)
	const path = "/api/login/oauth/token"

	login := url.Values{"grant_type": {"password"}, "username": {"admin"},
		"password": {adminPassword}, "client_id": {"any-client"}, "scope": {"openid"}}
	pair := s.form(t, path, login).tokens(t)
	s.wantAccess(t, pair.access, true)

	next := s.form(t, path, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {pair.refresh}}).tokens(t)
	s.wantAccess(t, next.access, true)
	s.form(t, path, url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {pair.refresh}}).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")

	bad := url.Values{"grant_type": {"password"}, "username": {"admin"},
		"password": {"wrong-password"}}
	s.form(t, path, bad).wantError(t, http.StatusUnauthorized, "UNAUTHORIZED")
	s.form(t, path, url.Values{"grant_type": {"client_credentials"}}).wantInvalid(t, "grant_type")
	s.form(t, path, url.Values{}).wantInvalid(t, "grant_type")
}
