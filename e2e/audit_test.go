package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// tenantUpdates lists the UPDATE entries of tenants that token may see.
func tenantUpdates(t *testing.T, s *server, token string) []map[string]any {
	t.Helper()
	q := url.QueryEscape("action eq 'UPDATE' and object_type eq 'TENANT'")
	return s.do(t, "GET", "/api/audit_logs?filter="+q, token, nil).want(t, http.StatusOK).items(t)
}

func decodeState(t *testing.T, v any) map[string]any {
	t.Helper()
	s, _ := v.(string)
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("state %q is not a JSON object: %v", s, err)
	}
	return m
}

func TestAuditShowsMaskedTenantUpdate(t *testing.T) {
	w := newWorld(t)
	adminA := w.tokens["admin of the tenant"]

	w.do(t, "POST", "/api/tenant", adminA, map[string]any{
		"website": "https://after.example",
		"cdr_event": map[string]any{"enabled": true, "auth": "BASIC", "username": "cdruser",
			"password": "cdrsecret1", "url": "https://cdr.example/push"},
	}).want(t, http.StatusOK)

	entries := tenantUpdates(t, w.server, adminA)
	if len(entries) != 1 {
		t.Fatalf("admin A sees %d tenant updates, want 1: %v", len(entries), entries)
	}
	e := entries[0]
	if e["user_name"] != "admin-a" || e["object_name"] != "Tenant A" || e["ip"] != "127.0.0.1" {
		t.Fatalf("entry %v", e)
	}

	old, new := decodeState(t, e["old_state"]), decodeState(t, e["new_state"])
	if old["website"] != nil || new["website"] != "https://after.example" {
		t.Errorf("website went from %v to %v", old["website"], new["website"])
	}
	cdr, _ := new["cdr_event"].(map[string]any)
	if cdr["password"] != "******" || cdr["username"] != "cdruser" {
		t.Errorf("new cdr_event %v: want the password masked and the user name shown", cdr)
	}
	raw, _ := json.Marshal(entries)
	if strings.Contains(string(raw), "cdrsecret1") {
		t.Errorf("the secret appears in the audit list: %s", raw)
	}

	// The other tenant's admin does not see it; the tenant's dealer and the system admin do.
	if n := len(tenantUpdates(t, w.server, w.tokens["admin of another tenant"])); n != 0 {
		t.Errorf("admin B sees %d of tenant A's updates", n)
	}
	if n := len(tenantUpdates(t, w.server, w.tokens["dealer, other's tenant"])); n != 0 {
		t.Errorf("dealer B sees %d of tenant A's updates", n)
	}
	for _, actor := range []string{"dealer, own tenant", "system admin"} {
		if n := len(tenantUpdates(t, w.server, w.tokens[actor])); n != 1 {
			t.Errorf("%s sees %d tenant updates, want 1", actor, n)
		}
	}
}

func TestAuditRecordsSignInAndOut(t *testing.T) {
	s := startServer(t)
	token := s.signIn(t, "admin", adminPassword, "")
	s.do(t, "POST", "/api/auth/sign_out", token, nil).want(t, http.StatusOK)

	q := url.QueryEscape("action eq 'LOGIN' or action eq 'LOGOUT'")
	items := s.do(t, "GET", "/api/audit_logs?orderby=id&filter="+q, s.Admin, nil).
		want(t, http.StatusOK).items(t)
	var actions []any
	for _, e := range items {
		actions = append(actions, e["action"])
	}
	if len(actions) != 3 || actions[0] != "LOGIN" || actions[1] != "LOGIN" ||
		actions[2] != "LOGOUT" {
		t.Fatalf("actions %v, want two sign-ins and a sign-out", actions)
	}
}

func TestAuditPurgeHonoursLogRetention(t *testing.T) {
	w := newWorld(t)
	w.do(t, "POST", "/api/tenants/"+w.tenantA, w.Admin, map[string]any{"log_retention": 1}).
		want(t, http.StatusOK)
	if n := len(tenantUpdates(t, w.server, w.Admin)); n != 1 {
		t.Fatalf("%d tenant updates recorded, want 1", n)
	}

	// A second handle on the server's database, with its clock moved ahead, runs the purge
	// job as the daemon would at that time.
	db := w.openStore(t)

	purge := func(after time.Duration) {
		t.Helper()
		db.Now = func() time.Time { return time.Now().Add(after) }
		if _, err := db.PurgeAuditLogs(context.Background(), db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	purge(12 * time.Hour)
	if n := len(tenantUpdates(t, w.server, w.Admin)); n != 1 {
		t.Fatalf("half a day later %d tenant updates remain, want 1", n)
	}

	purge(49 * time.Hour)
	if n := len(tenantUpdates(t, w.server, w.Admin)); n != 0 {
		t.Fatalf("two days later %d tenant updates remain, want 0", n)
	}

	// Entries outside any tenant keep the default retention of 180 days.
	q := url.QueryEscape("action eq 'LOGIN' and user_name eq 'admin'")
	if n := w.do(t, "GET", "/api/audit_logs?filter="+q, w.Admin, nil).count(t); n == 0 {
		t.Fatal("the system admin's sign-in was purged with tenant A's entries")
	}
}
