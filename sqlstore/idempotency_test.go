package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/tenantd/tenantd"
)

// openTestDB opens a fresh database with a system admin and a movable clock, and returns the
// admin as an actor.
func openTestDB(t *testing.T, now *time.Time) (*DB, tenantd.Actor) {
	t.Helper()
	db := New(filepath.Join(t.TempDir(), "test.db"))
	db.Now = func() time.Time { return *now }
	ctx := context.Background()
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.EnsureAdmin(ctx, "test-admin-password"); err != nil {
		t.Fatal(err)
	}

	actor := tenantd.Actor{Role: tenantd.RoleSystemAdmin}
	if err := db.read.QueryRowContext(ctx, `SELECT id FROM users`).Scan(&actor.UserID); err != nil {
		t.Fatal(err)
	}
	return db, actor
}

// TestIdempotencyKeyLifetime checks that a key answers with its first reply for 24 hours,
// is free after that, and is purged.
func TestIdempotencyKeyLifetime(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	db, actor := openTestDB(t, &now)
	ctx := context.Background()

	runs := 0
	create := func(context.Context) (*tenantd.Reply, error) {
		runs++
		return &tenantd.Reply{Status: 201, Body: []byte{byte('0' + runs)}}, nil
	}
	call := func(hash string) (string, bool, error) {
		reply, replayed, err := db.Idempotent(ctx, actor, "k", hash, create)
		if err != nil {
			return "", false, err
		}
		return string(reply.Body), replayed, nil
	}

	steps := []struct {
		advance  time.Duration
		hash     string
		body     string
		replayed bool
		code     string
	}{
		{0, "h1", "1", false, ""},
		{time.Hour, "h1", "1", true, ""},
		{23*time.Hour - time.Second, "h1", "1", true, ""},
		{0, "h2", "", false, tenantd.EIdemMismatch},
		{time.Second, "h2", "2", false, ""}, // 24 hours after the first use: free again
		{time.Minute, "h2", "2", true, ""},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		body, replayed, err := call(s.hash)
		if tenantd.ErrorCode(err) != s.code || body != s.body || replayed != s.replayed {
			t.Fatalf("step %d: body %q replayed %v err %v", i, body, replayed, err)
		}
	}

	now = now.Add(tenantd.IdempotencyTTL)
	if n, err := db.PurgeIdempotencyKeys(ctx); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if n, err := db.PurgeIdempotencyKeys(ctx); err != nil || n != 0 {
		t.Fatalf("second purge: %d, %v", n, err)
	}
}

// TestIdempotentStoresOnlySuccess checks that a create that fails, or answers other than 2xx,
// leaves nothing behind: neither its writes nor the key.
func TestIdempotentStoresOnlySuccess(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	db, actor := openTestDB(t, &now)
	ctx := context.Background()

	makeTenant := func(ctx context.Context) error {
		tn := tenantd.NewTenant()
		tn.Name, tn.Domain, tn.Timezone, tn.Currency, tn.Region =
			"T", "t.example", "UTC", "EUR", "DEU"
		return db.CreateTenant(ctx, actor, tn)
	}
	failures := []func(context.Context) (*tenantd.Reply, error){
		func(ctx context.Context) (*tenantd.Reply, error) {
			return nil, errors.Join(makeTenant(ctx), errors.New("later step failed"))
		},
		func(ctx context.Context) (*tenantd.Reply, error) {
			return &tenantd.Reply{Status: 409}, makeTenant(ctx)
		},
	}
	for i, fail := range failures {
		if _, _, err := db.Idempotent(ctx, actor, "k", "h", fail); err == nil && i == 0 {
			t.Fatalf("failure %d: no error", i)
		}
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tenants) +
			(SELECT count(*) FROM idempotency_keys)`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("failure %d left %d rows behind (%v)", i, n, err)
		}
	}
}
