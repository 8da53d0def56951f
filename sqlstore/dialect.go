package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/tenantd/tenantd/filter"
)

// dialect is the SQL flavour of the open database. Queries are written once, with ?
// placeholders; for PostgreSQL they are rewritten to $1, $2, ... before they run.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// filterDialect is the filter package's name for d.
func (d dialect) filterDialect() filter.Dialect {
	if d == postgresDialect {
		return filter.Postgres
	}
	return filter.SQLite
}

// contains is a condition true when the text column col contains the next argument as a
// literal substring (no wildcards), compared byte for byte.
func (d dialect) contains(col string) string {
	if d == postgresDialect {
		return "strpos(" + col + ", ?) > 0"
	}
	return "instr(" + col + ", ?) > 0"
}

// forUpdate is the suffix of a SELECT, inside a write transaction, whose rows the
// transaction is going to change or whose values a limit depends on: on PostgreSQL it locks
// them until commit (FOR UPDATE, or FOR UPDATE OF the given table aliases when the query
// joins nullable sides), so that concurrent transactions queue instead of acting on stale
// reads. On SQLite it is empty: the single writer already runs write transactions one at a
// time.
func (d dialect) forUpdate(of ...string) string {
	switch {
	case d != postgresDialect:
		return ""
	case len(of) > 0:
		return " FOR UPDATE OF " + strings.Join(of, ", ")
	}
	return " FOR UPDATE"
}

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
}

// forUpdate is dialect.forUpdate for this transaction's database.
func (t *dbTx) forUpdate(of ...string) string {
	return t.r.d.forUpdate(of...)
}

// lockRow locks the row of table with the given id until the transaction ends, on
// PostgreSQL; it does nothing on SQLite (see forUpdate). Use it before reading what a limit
// depends on, e.g. lock the tenant, then count its users, then insert one. A missing row is
// not an error here: the reads that follow report it.
func (t *dbTx) lockRow(ctx context.Context, table string, id int64) error {
	if t.r.d != postgresDialect {
		return nil
	}
	rows, err := t.QueryContext(ctx, "SELECT id FROM "+table+" WHERE id = ? FOR UPDATE", id)
	if err != nil {
		return fmt.Errorf("sqlstore: lock %s %d: %w", table, id, err)
	}
	return rows.Close()
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.r.rebind(q), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.r.rebind(q), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.r.rebind(q), args...)
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
