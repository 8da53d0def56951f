package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
)

// benchSchema is a PostgreSQL schema the harness made for one run, so that the run starts on
// an empty database and leaves nothing behind.
type benchSchema struct {
	admin *sql.DB
	name  string
	url   string // the server's URL, with search_path set to the schema
}

// newBenchSchema creates a fresh schema in the database at base.
func newBenchSchema(ctx context.Context, base string) (*benchSchema, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("tenantd_bench_%d", rand.Uint32())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create schema: %w", err)
	}

	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return &benchSchema{admin: admin, name: name, url: u.String()}, nil
}

// drop removes the schema and everything in it.
func (s *benchSchema) drop() {
	_, _ = s.admin.Exec("DROP SCHEMA " + s.name + " CASCADE")
	s.admin.Close()
}
