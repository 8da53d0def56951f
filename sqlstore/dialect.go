package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// dialect is the SQL flavour of the open database. Queries are written once, with ?
// placeholders; for PostgreSQL they are rewritten to $1, $2, ... before they run.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// rebinder rewrites placeholders and remembers the result, since the same few dozen query
// texts run again and again.
type rebinder struct {
	d     dialect
	cache sync.Map // query text -> rewritten text
}

func (r *rebinder) rebind(query string) string {
	if r.d == sqliteDialect {
		return query
	}
	if v, ok := r.cache.Load(query); ok {
		return v.(string)
	}
	out := numberPlaceholders(query)
	r.cache.Store(query, out)
	return out
}

// numberPlaceholders turns each ? outside quoted text into $n.
func numberPlaceholders(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// dbTx is a transaction that rewrites placeholders for its dialect.
type dbTx struct {
	tx *sql.Tx
	r  *rebinder

	// ctx, when set, replaces the context of every statement: a transaction shared by several
	// requests must not be interrupted by one of them going away.
	ctx context.Context
}

func (t *dbTx) use(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.use(ctx), t.r.rebind(q), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.use(ctx), t.r.rebind(q), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.use(ctx), t.r.rebind(q), args...)
}

// dbPool is a connection pool that rewrites placeholders for its dialect.
type dbPool struct {
	db *sql.DB
	r  *rebinder
}

func (p *dbPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, p.r.rebind(q), args...)
}

// queryer is what reads need from a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
