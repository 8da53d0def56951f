package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDatabaseOutage takes the database away from a running tenantd in two ways: by killing
// its sessions again and again while requests run, then by refusing its logins altogether.
// Throughout, tenantd answers 503 (never 500) when it cannot reach the database, keeps every
// write it acknowledged, and serves again, without a restart, once the database is back.
func TestDatabaseOutage(t *testing.T) {
	requirePostgres(t)

	// tenantd connects as a role of its own, so that the test can refuse its logins without
	// disturbing anyone else on the server.
	name := newSchemaName(t)
	adminExec(t, "CREATE ROLE "+name+" LOGIN", "CREATE SCHEMA "+name+" AUTHORIZATION "+name)
	t.Cleanup(func() {
		adminExec(t, "DROP SCHEMA "+name+" CASCADE", "DROP ROLE "+name)
	})
	s := startServerOn(t, schemaURL(t, name, name))

	acked := churn(t, s, name)

	t.Run("unreachable", func(t *testing.T) {
		adminExec(t, "ALTER ROLE "+name+" NOLOGIN")
		killSessions(t, name)

		for _, req := range []struct{ method, path string }{
			{"GET", "/readyz"},
			{"GET", "/api/tenants"},
			{"POST", "/api/tenants"},
		} {
			body := any(nil)
			if req.method == "POST" {
				body = tenantBody("Down", "down.example", nil)
			}
			res := s.do(t, req.method, req.path, s.Admin, body).want(t, http.StatusServiceUnavailable)
			if code := res.errorCode(t); code != "SERVICE_UNAVAILABLE" {
				t.Errorf("%s %s: code %s, want SERVICE_UNAVAILABLE", req.method, req.path, code)
			}
		}
		s.do(t, "GET", "/healthz", "", nil).want(t, http.StatusOK)
	})

	t.Run("back", func(t *testing.T) {
		adminExec(t, "ALTER ROLE "+name+" LOGIN")
		waitReady(t, s)

		s.createTenant(t, "After", "after.example", nil)
		for _, id := range acked {
			s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK)
		}
	})
}

// churn creates tenants from several goroutines while another one terminates tenantd's
// database sessions after every few answers. Every answer must be 201, or 503 when the
// session died under the request; it returns the ids of the acknowledged tenants.
func churn(t *testing.T, s *server, appName string) []string {
	t.Helper()

	var (
		mu       sync.Mutex
		acked    []string
		answered atomic.Int64
		down     atomic.Int64
		done     atomic.Bool
		wg       sync.WaitGroup
	)
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				body := tenantBody("Churn", fmt.Sprintf("c%d-%d.churn.example", w, i), nil)
				res, err := rawRequest(s, "POST", "/api/tenants", s.Admin, body)
				answered.Add(1)
				switch {
				case err != nil:
					t.Errorf("create: %v", err)
				case res.Status == http.StatusCreated:
					var id string
					if m, ok := decodeObject(res.Body); ok {
						id, _ = m["id"].(string)
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				case res.Status == http.StatusServiceUnavailable:
					down.Add(1)
				default:
					t.Errorf("create answered %d, want 201 or 503: %s", res.Status, res.Body)
				}
			}
		})
	}

	// Kill after every four answers, so that requests both fail and succeed between kills.
	killed := make(chan int)
	go func() {
		n, last := 0, int64(0)
		for !done.Load() {
			if now := answered.Load(); now >= last+4 {
				n += killSessionsQuietly(appName)
				last = now
			}
			time.Sleep(time.Millisecond) // polls; asserts nothing about time
		}
		killed <- n
	}()
	wg.Wait()
	done.Store(true)
	t.Logf("terminated %d sessions; %d creates acknowledged, %d answered 503",
		<-killed, len(acked), down.Load())

	if len(acked) == 0 {
		t.Fatal("no create succeeded between the kills")
	}
	for _, id := range acked {
		if id == "" {
			t.Fatal("a 201 answer carried no id")
		}
	}
	return acked
}

// killSessions terminates every session of the application appName, failing t on error.
func killSessions(t *testing.T, appName string) {
	t.Helper()
	_, err := pgAdmin(t).Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND application_name = $1`, appName)
	if err != nil {
		t.Fatalf("terminate sessions: %v", err)
	}
}

// killSessionsQuietly is killSessions for other goroutines: it returns how many sessions it
// terminated, 0 on error.
func killSessionsQuietly(appName string) int {
	db, err := adminDB()
	if err != nil {
		return 0
	}
	var n int
	_ = db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND application_name = $1`, appName).Scan(&n)
	return n
}

// waitReady polls /readyz until it answers 200, failing t if it does not within a minute.
func waitReady(t *testing.T, s *server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		res, err := rawRequest(s, "GET", "/readyz", "", nil)
		if err == nil && res.Status == http.StatusOK {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("tenantd did not become ready again: %v %v", res, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// decodeObject decodes a JSON object without failing a test, for use in other goroutines.
func decodeObject(b []byte) (map[string]any, bool) {
	var m map[string]any
	return m, json.Unmarshal(b, &m) == nil
}
