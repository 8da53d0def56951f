// Package e2e drives a real tenantd server over HTTP, as clients do.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantd/tenantd/internal/daemon"
	"github.com/tenantd/tenantd/sqlstore"
)

const adminPassword = "test-admin-password"

// server is a tenantd started for one test on a free port with a fresh data directory, and a
// fresh database of the pass's kind (see main_test.go).
type server struct {
	URL     string
	Admin   string // an access token of the system admin
	DataDir string // where the server keeps its SQLite database
	DBURL   string // the server's PostgreSQL database, or "" on SQLite
	http    *http.Client
}

// openStore opens a second handle on the server's database, as a background job or an
// operator's tool would, and closes it when the test ends.
func (s *server) openStore(t testing.TB) *sqlstore.DB {
	t.Helper()
	db := sqlstore.New(filepath.Join(s.DataDir, "tenantd.db"))
	if s.DBURL != "" {
		db = sqlstore.NewPostgres(s.DBURL, sqlstore.PoolConfig{MaxOpenConns: 2})
	}
	if err := db.Open(context.Background()); err != nil {
		t.Fatalf("open the server's database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// startServer runs tenantd in this process until the test ends.
func startServer(t testing.TB) *server {
	t.Helper()
	return startServerOn(t, databaseURL(t))
}

// startServerOn runs tenantd in this process until the test ends, on the PostgreSQL database
// at databaseURL, or on a new SQLite file if it is "".
func startServerOn(t testing.TB, databaseURL string) *server {
	t.Helper()

	cfg := daemon.Config{
		Addr:            "127.0.0.1:0",
		DataDir:         t.TempDir(),
		DatabaseURL:     databaseURL,
		AdminPassword:   adminPassword,
		ShutdownTimeout: 5 * time.Second,
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, fuzzing := t.(*testing.F); testing.Verbose() && !fuzzing { // F may not log in targets
		opts := &slog.HandlerOptions{Level: slog.LevelWarn}
		logger = slog.New(slog.NewTextHandler(testWriter{t}, opts))
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

	s := &server{URL: "http://" + addr, DataDir: cfg.DataDir, DBURL: databaseURL,
		http: &http.Client{Timeout: 30 * time.Second}}
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

// do sends a request. body may be nil, a string or []byte (sent as it is), url.Values (sent
// as a form) or any other value (sent as JSON). token may be empty for an anonymous request.
// Every answer is checked against the OpenAPI document.
func (s *server) do(t testing.TB, method, path, token string, body any) *response {
	t.Helper()

	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
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
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	return s.send(t, req)
}

// send sends a prepared request and reads the whole answer.
func (s *server) send(t testing.TB, req *http.Request) *response {
	t.Helper()
	res, err := s.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	answer := &response{Status: res.StatusCode, Header: res.Header, Body: body}
	checkContract(t, req.Method, req.URL.RequestURI(), answer)
	return answer
}

// checkContract fails the test when an answer breaks the OpenAPI document: an undocumented
// status for a documented operation, or a body that does not match its schema.
func checkContract(t testing.TB, method, path string, res *response) {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	documented, err := c.check(method, path, res)
	if err != nil {
		t.Errorf("%s %s answered %d against the OpenAPI document: %v", method, path, res.Status, err)
	}
	if !documented {
		t.Logf("%s %s is not in the OpenAPI document; its answer was not checked", method, path)
	}
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

// tenant reads the detailed tenant as the system admin, decoded into generic JSON values so
// that tests compare exactly what a client sees.
func (s *server) tenant(t testing.TB, id string) map[string]any {
	t.Helper()
	return s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK).object(t)
}

// update sends a partial update of the tenant as the system admin.
func (s *server) update(t testing.TB, id string, body any) *response {
	t.Helper()
	return s.do(t, "POST", "/api/tenants/"+id, s.Admin, body)
}

// destroy deletes the tenant as the system admin.
func (s *server) destroy(t testing.TB, id string) {
	t.Helper()
	s.do(t, "POST", "/api/tenants/"+id+"/destroy", s.Admin, nil).want(t, http.StatusNoContent)
}

// page is one decoded answer of GET /api/tenants.
type page struct {
	Count int64            `json:"count"`
	Items []map[string]any `json:"items"`
}

// names returns the names of the page's items, in order.
func (p page) names() []string {
	out := []string{}
	for _, it := range p.Items {
		name, _ := it["name"].(string)
		out = append(out, name)
	}
	return out
}

// list fetches one page of tenants; query is the raw query string without "?".
func (s *server) list(t testing.TB, query string) page {
	t.Helper()
	res := s.do(t, "GET", "/api/tenants?"+query, s.Admin, nil).want(t, http.StatusOK)
	var p page
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatalf("list body: %v: %s", err, res.Body)
	}
	return p
}

// tenantCount returns how many tenants are stored.
func (s *server) tenantCount(t testing.TB) int64 {
	t.Helper()
	return s.list(t, "top=1").Count
}

// wantError fails the test unless the response is the error envelope with the given status
// and code, naming exactly the given fields in its detail (in any order).
func (r *response) wantError(t testing.TB, status int, code string, fields ...string) {
	t.Helper()
	r.want(t, status)
	if got := r.errorCode(t); got != code {
		t.Fatalf("error code %q, want %q; body: %s", got, code, r.Body)
	}
	got := r.errorFields(t)
	slices.Sort(got)
	want := slices.Clone(fields)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("error names fields %q, want %q; body: %s", got, want, r.Body)
	}
}

// wantInvalid fails the test unless the response is a 400 VALIDATE_FAILED naming exactly the
// given fields.
func (r *response) wantInvalid(t testing.TB, fields ...string) {
	t.Helper()
	r.wantError(t, http.StatusBadRequest, "VALIDATE_FAILED", fields...)
}

// raw decodes one JSON text into a generic value, for expected values in tables.
func raw(t testing.TB, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad JSON in test table %q: %v", text, err)
	}
	return v
}

// uniq returns a name unique within the test binary, for tenant names and domains.
func uniq(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, uniqCounter.Add(1))
}

var uniqCounter atomic.Int64

// form posts a URL-encoded form anonymously, as PortSIP's OAuth login expects.
func (s *server) form(t testing.TB, path string, values url.Values) *response {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+path, strings.NewReader(values.Encode()))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.send(t, req)
}
