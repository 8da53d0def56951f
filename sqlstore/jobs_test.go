package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// TestWithJobLock checks that a job runs in one place at a time: on SQLite within the
// process, on PostgreSQL across two DB handles standing for two processes. On PostgreSQL it
// runs when TENANTD_TEST_DATABASE_URL is set.
func TestWithJobLock(t *testing.T) {
	ctx := context.Background()

	t.Run("sqlite", func(t *testing.T) {
		db := New(filepath.Join(t.TempDir(), "t.db"))
		openForTest(t, db)
		checkJobLock(t, ctx, db, db)
	})

	t.Run("postgres", func(t *testing.T) {
		u := postgresSchemaURL(t)
		a, b := NewPostgres(u, PoolConfig{}), NewPostgres(u, PoolConfig{MaxOpenConns: 2})
		openForTest(t, a)
		openForTest(t, b)
		checkJobLock(t, ctx, a, b)
	})
}

// checkJobLock runs a job on a and, inside it, tries the same job on b (refused) and another
// job on b (runs); once a's job is over, b may run it.
func checkJobLock(t *testing.T, ctx context.Context, a, b *DB) {
	t.Helper()
	var inner, other bool
	ran, err := a.WithJobLock(ctx, "purge", func(ctx context.Context) error {
		var err error
		if inner, err = b.WithJobLock(ctx, "purge", noop); err != nil {
			return err
		}
		other, err = b.WithJobLock(ctx, "retention", noop)
		return err
	})
	if err != nil || !ran {
		t.Fatalf("first run: ran %v, err %v", ran, err)
	}
	if inner || !other {
		t.Fatalf("while purge ran: purge ran again %v, retention ran %v; want false, true",
			inner, other)
	}

	if ran, err := b.WithJobLock(ctx, "purge", noop); err != nil || !ran {
		t.Fatalf("after the first run: ran %v, err %v", ran, err)
	}
}

func noop(context.Context) error { return nil }

func openForTest(t *testing.T, db *DB) {
	t.Helper()
	if err := db.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
}

// postgresSchemaURL skips t unless TENANTD_TEST_DATABASE_URL is set; else it creates a schema
// dropped when t ends and returns a URL that uses it.
func postgresSchemaURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TENANTD_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("TENANTD_TEST_DATABASE_URL is unset; skipping PostgreSQL")
	}

	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "tenantd_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Error(err)
		}
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
