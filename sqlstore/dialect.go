package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"time"
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

	// timer, when set by DB.ObserveStatements, times every statement; nil costs nothing.
	timer *stmtTimer
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
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer t.r.timer.since(q, time.Now())
	return t.tx.ExecContext(ctx, t.r.rebind(q), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer t.r.timer.since(q, time.Now())
	return t.tx.QueryContext(ctx, t.r.rebind(q), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	defer t.r.timer.since(q, time.Now())
	return t.tx.QueryRowContext(ctx, t.r.rebind(q), args...)
}

// dbPool is a connection pool that rewrites placeholders for its dialect.
type dbPool struct {
	db *sql.DB
	r  *rebinder
}

func (p *dbPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer p.r.timer.since(q, time.Now())
	return p.db.ExecContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer p.r.timer.since(q, time.Now())
	return p.db.QueryContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	defer p.r.timer.since(q, time.Now())
	return p.db.QueryRowContext(ctx, p.r.rebind(q), args...)
}

// queryer is what reads need from a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
