package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPortSIPLogin covers PortSIP's /login pair: POST signs in and keeps the token in a cookie
// scoped to /api/login; GET reads the session back from that cookie or from a bearer token.
func TestPortSIPLogin(t *testing.T) {
	s := startServer(t)

	res := s.do(t, "POST", "/api/login", "", map[string]string{
		"username": "admin", "password": adminPassword,
	}).want(t, http.StatusOK)
	token, _ := res.object(t)["access_token"].(string)
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "tenantd_session" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != token || cookie.Path != "/api/login" || !cookie.HttpOnly {
		t.Fatalf("login cookie %+v, want the access token, HttpOnly, path /api/login", cookie)
	}

	req, _ := http.NewRequest("GET", s.URL+"/api/login", nil)
	req.AddCookie(cookie)
	statusRes := s.send(t, req).want(t, http.StatusOK)
	if cc := statusRes.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("login status Cache-Control %q, want no-store", cc)
	}
	status := statusRes.object(t)
	expires, err := time.Parse(time.RFC3339, status["expires_at"].(string))
	if status["access_token"] != token || status["role"] != "SystemAdmin" || err != nil ||
		time.Until(expires) < 25*time.Minute {
		t.Fatalf("login status %v", status)
	}

	byBearer := s.do(t, "GET", "/api/login", token, nil).want(t, http.StatusOK).object(t)
	if byBearer["access_token"] != token {
		t.Fatalf("login status by bearer token: %v", byBearer)
	}

	// The cookie opens nothing but /api/login, and ends with the session.
	req, _ = http.NewRequest("GET", s.URL+"/api/tenants", nil)
	req.AddCookie(cookie)
	s.send(t, req).want(t, http.StatusUnauthorized)
	s.do(t, "POST", "/api/auth/sign_out", token, nil).want(t, http.StatusOK)
	req, _ = http.NewRequest("GET", s.URL+"/api/login", nil)
	req.AddCookie(cookie)
	s.send(t, req).want(t, http.StatusUnauthorized)

	s.do(t, "GET", "/api/login", "", nil).want(t, http.StatusUnauthorized)

	// A cross-site form can post text/plain; only JSON logs in.
	req, _ = http.NewRequest("POST", s.URL+"/api/login",
		strings.NewReader(`{"username":"admin","password":"`+adminPassword+`"}`))
	req.Header.Set("Content-Type", "text/plain")
	s.send(t, req).wantError(t, http.StatusBadRequest, "VALIDATE_FAILED", "Content-Type")
	bad := s.do(t, "POST", "/api/login", "", map[string]string{
		"username": "admin", "password": "wrong-" + strings.Repeat("x", 8),
	}).want(t, http.StatusUnauthorized)
	if len((&http.Response{Header: bad.Header}).Cookies()) != 0 {
		t.Fatal("a failed login set a cookie")
	}
}
