// Package e2e drives a real tenantd server over HTTP, as clients do.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenantd/tenantd/internal/daemon"
)

const adminPassword = "test-admin-password"

// server is a tenantd started for one test on a free port with a fresh data directory.
type server struct {
	URL   string
	Admin string // an access token of the system admin
	http  *http.Client
}

// startServer runs tenantd in this process until the test ends.
func startServer(t testing.TB) *server {
	t.Helper()

	cfg := daemon.Config{
		Addr:            "127.0.0.1:0",
		DataDir:         t.TempDir(),
		AdminPassword:   adminPassword,
		ShutdownTimeout: 5 * time.Second,
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, fuzzing := t.(*testing.F); testing.Verbose() && !fuzzing { // F may not log in targets
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}

	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, logger, started) }()

	var addr string
	select {
	case addr = <-started:
	case err := <-done:
		cancel()
		t.Fatalf("tenantd did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("tenantd did not start within 30s")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("tenantd stopped with an error: %v", err)
		}
	})

	s := &server{URL: "http://" + addr, http: &http.Client{Timeout: 30 * time.Second}}
	s.Admin = s.signIn(t, "admin", adminPassword, "")
	return s
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// response is one answer of the server.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request. body may be nil, a string or []byte (sent as it is) or any other value
// (sent as JSON). token may be empty for an anonymous request.
func (s *server) do(t testing.TB, method, path, token string, body any) *response {
	t.Helper()

	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}

	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	res, err := s.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// object decodes the body as a JSON object.
func (r *response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// want fails the test unless the status is the expected one.
func (r *response) want(t testing.TB, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

// errorFields returns the fields named in an error envelope.
func (r *response) errorFields(t testing.TB) []string {
	t.Helper()
	var env struct {
		Errors []struct {
			Code   string `json:"code"`
			Detail []struct {
				Field string `json:"field"`
			} `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("body is not an error envelope: %s", r.Body)
	}
	var fields []string
	for _, d := range env.Errors[0].Detail {
		fields = append(fields, d.Field)
	}
	return fields
}

// errorCode returns the code of an error envelope.
func (r *response) errorCode(t testing.TB) string {
	t.Helper()
	var env struct {
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.Body, &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("body is not an error envelope: %s", r.Body)
	}
	return env.Errors[0].Code
}

// signIn signs in and returns the access token.
func (s *server) signIn(t testing.TB, user, password, domain string) string {
	t.Helper()
	body := map[string]string{"username": user, "password": password}
	if domain != "" {
		body["domain"] = domain
	}
	res := s.do(t, "POST", "/api/auth/sign_in", "", body).want(t, http.StatusOK)
	tok, _ := res.object(t)["access_token"].(string)
	if tok == "" {
		t.Fatalf("sign-in answered no access token: %s", res.Body)
	}
	return tok
}

// tenantBody returns a valid create body for a tenant with the given name and domain, with
// extra members merged in.
func tenantBody(name, domain string, extra map[string]any) map[string]any {
	b := map[string]any{
		"name": name, "domain": domain, "timezone": "Europe/Zurich",
		"currency": "CHF", "region": "CHE",
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// createTenant creates a tenant as the system admin and returns its id.
func (s *server) createTenant(t testing.TB, name, domain string, extra map[string]any) string {
	t.Helper()
	res := s.do(t, "POST", "/api/tenants", s.Admin, tenantBody(name, domain, extra))
	res.want(t, http.StatusCreated)
	id, _ := res.object(t)["id"].(string)
	if id == "" {
		t.Fatalf("create answered no id: %s", res.Body)
	}
	return id
}
