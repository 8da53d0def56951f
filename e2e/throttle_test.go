package e2e

import (
	"net/http"
	"strconv"
	"testing"
)

func wrongPassword(t *testing.T, s *server, user string) *response {
	t.Helper()
	return s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": user, "password": "not-the-password"})
}

func TestWrongPasswordsAreThrottled(t *testing.T) {
	s := startServer(t)

	first := 0
	for i := 1; i <= 30; i++ {
		res := wrongPassword(t, s, "admin")
		if res.Status == http.StatusTooManyRequests {
			first = i
			if res.errorCode(t) != "TOO_MANY_REQUESTS" {
				t.Fatalf("429 with code %s", res.errorCode(t))
			}
			wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if err != nil || wait < 1 {
				t.Fatalf("Retry-After %q, want a positive number of seconds",
					res.Header.Get("Retry-After"))
			}
			break
		}
		res.want(t, http.StatusUnauthorized)
	}
	if first == 0 || first > 10 {
		t.Fatalf("first 429 at attempt %d, want one within the first 10", first)
	}

	// Even the right password waits while the account is locked.
	s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}).
		want(t, http.StatusTooManyRequests)
}

func TestSuccessResetsFailures(t *testing.T) {
	s := startServer(t)
	for round := 0; round < 3; round++ {
		for i := 0; i < 4; i++ {
			wrongPassword(t, s, "admin").want(t, http.StatusUnauthorized)
		}
		s.signIn(t, "admin", adminPassword, "")
	}
}
