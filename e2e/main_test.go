package e2e

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop test schemas
)

// Every test in this package runs twice: once on SQLite, and once on PostgreSQL when
// TENANTD_TEST_DATABASE_URL names a database to use. TestMain runs the SQLite pass, then runs
// this same test binary again, with the same flags, as a child process with backendVar set,
// and the child runs the PostgreSQL pass. No test has to opt in: startServer reads which pass
// it is in. On the PostgreSQL pass each server gets a schema of its own (see databaseURL), so
// tests, and concurrent runs of the suite, never see each other's data.
const (
	backendVar = "TENANTD_E2E_BACKEND"
	urlVar     = "TENANTD_TEST_DATABASE_URL"
)

// postgresURL is the database of the PostgreSQL pass; it is empty on the SQLite pass.
var postgresURL string

func TestMain(m *testing.M) {
	if os.Getenv(backendVar) == "postgres" {
		postgresURL = os.Getenv(urlVar)
		if postgresURL == "" {
			fmt.Fprintf(os.Stderr, "e2e: %s=postgres needs %s\n", backendVar, urlVar)
			exit(2)
		}
		fmt.Println("e2e: PostgreSQL pass")
		code := m.Run()
		closeAdminDB()
		exit(code)
	}

	fmt.Println("e2e: SQLite pass")
	code := m.Run()
	if listing() {
		exit(code)
	}
	if os.Getenv(urlVar) == "" {
		fmt.Printf("e2e: %s is unset; the PostgreSQL pass is SKIPPED\n", urlVar)
		exit(code)
	}
	if err := runPostgresPass(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: PostgreSQL pass: %v\n", err)
		code = 1
	}
	exit(code)
}

// exit ends the test binary after removing what the tests built.
func exit(code int) {
	removeBinary()
	os.Exit(code)
}

// listing reports whether the binary was asked only to list tests.
func listing() bool {
	f := flag.Lookup("test.list")
	return f != nil && f.Value.String() != ""
}

// runPostgresPass runs the test binary again for the PostgreSQL pass. It passes on every flag
// but those that name output files, which the second run would overwrite.
func runPostgresPass() error {
	var args []string
	for _, a := range os.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "test.testlogfile", "test.coverprofile", "test.cpuprofile", "test.memprofile",
			"test.blockprofile", "test.mutexprofile", "test.trace":
			continue
		}
		args = append(args, a)
	}

	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), backendVar+"=postgres")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// adminDB is the connection the harness creates and drops schemas through.
var adminDB = sync.OnceValues(func() (*sql.DB, error) {
	return sql.Open("pgx", postgresURL)
})

func closeAdminDB() {
	if db, err := adminDB(); err == nil {
		db.Close()
	}
}

// pgAdmin returns the harness's own connection to the test database; it fails the test on the
// SQLite pass.
func pgAdmin(t testing.TB) *sql.DB {
	t.Helper()
	if postgresURL == "" {
		t.Fatal("pgAdmin: not on the PostgreSQL pass")
	}
	db, err := adminDB()
	if err != nil {
		t.Fatalf("open %s: %v", urlVar, err)
	}
	return db
}

// requirePostgres skips t on the SQLite pass; the PostgreSQL pass runs it.
func requirePostgres(t testing.TB) {
	t.Helper()
	if postgresURL == "" {
		t.Skip("needs PostgreSQL; runs in the PostgreSQL pass")
	}
}

// adminExec runs statements on the admin connection, failing t on error.
func adminExec(t testing.TB, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range stmts {
		if _, err := pgAdmin(t).ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// databaseURL returns "" on the SQLite pass (the server uses a fresh SQLite file). On the
// PostgreSQL pass it creates a new, empty schema, dropped when t ends, and returns a URL whose
// connections use it (search_path) and name themselves after it (application_name), so that
// a test can find its server's sessions in pg_stat_activity. Give several servers the same
// URL to run them on one database.
func databaseURL(t testing.TB) string {
	t.Helper()
	if postgresURL == "" {
		return ""
	}
	schema := newSchemaName(t)
	adminExec(t, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { adminExec(t, "DROP SCHEMA "+schema+" CASCADE") })
	return schemaURL(t, schema, "")
}

// newSchemaName returns a random name, safe to use unquoted, for a schema or a role.
func newSchemaName(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "tenantd_test_" + hex.EncodeToString(b)
}

// schemaURL returns the test database URL set to use schema, with application_name schema,
// and, if user is not empty, connecting as user.
func schemaURL(t testing.TB, schema, user string) string {
	t.Helper()
	u, err := url.Parse(postgresURL)
	if err != nil {
		t.Fatalf("%s: %v", urlVar, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}
