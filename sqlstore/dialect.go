package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

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

// maxStatements bounds the prepared statements a pool keeps. Most query texts are fixed;
// list queries vary with the shape of a client's filter, so the cache must not grow with them.
// Texts beyond the bound run unprepared.
const maxStatements = 512

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

// dbPool is a connection pool that rewrites placeholders for its dialect and keeps each query
// text prepared: the SQLite driver would otherwise parse and plan it anew every time, which
// costs more than running it.
type dbPool struct {
	db *sql.DB
	r  *rebinder

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // query text as written -> prepared statement
}

func newPool(db *sql.DB, r *rebinder, prepare bool) *dbPool {
	p := &dbPool{db: db, r: r}
	if prepare {
		p.stmts = map[string]*sql.Stmt{}
	}
	return p
}

// stmt returns the prepared statement for q, or nil when it cannot or should not be cached.
func (p *dbPool) stmt(ctx context.Context, q string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()

	if s, ok := p.stmts[q]; ok {
		return s
	}
	if p.stmts == nil || len(p.stmts) >= maxStatements {
		return nil
	}
	s, err := p.db.PrepareContext(ctx, p.r.rebind(q))
	if err != nil {
		return nil // the unprepared path will report the error
	}
	p.stmts[q] = s
	return s
}

// close releases the prepared statements and the pool.
func (p *dbPool) close() error {
	p.mu.Lock()
	for _, s := range p.stmts {
		s.Close()
	}
	p.stmts = nil
	p.mu.Unlock()
	return p.db.Close()
}

func (p *dbPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer p.r.timer.since(q, time.Now())
	if s := p.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer p.r.timer.since(q, time.Now())
	if s := p.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, p.r.rebind(q), args...)
}

func (p *dbPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	defer p.r.timer.since(q, time.Now())
	if s := p.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, p.r.rebind(q), args...)
}

// execer is what a transaction runs statements on: a *sql.Tx, or the SQLite writer's own
// connection while the committer holds a transaction open on it.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbTx is a transaction that rewrites placeholders for its dialect and, where it can, runs
// statements prepared once for its connection.
type dbTx struct {
	x execer
	r *rebinder

	// prepared, when set, returns q prepared on the transaction's connection, or nil.
	prepared func(q string) *sql.Stmt

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

func (t *dbTx) stmt(q string) *sql.Stmt {
	if t.prepared == nil {
		return nil
	}
	return t.prepared(q)
}

func (t *dbTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer t.r.timer.since(q, time.Now())
	if s := t.stmt(q); s != nil {
		return s.ExecContext(t.use(ctx), args...)
	}
	return t.x.ExecContext(t.use(ctx), t.r.rebind(q), args...)
}

func (t *dbTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer t.r.timer.since(q, time.Now())
	if s := t.stmt(q); s != nil {
		return s.QueryContext(t.use(ctx), args...)
	}
	return t.x.QueryContext(t.use(ctx), t.r.rebind(q), args...)
}

func (t *dbTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	defer t.r.timer.since(q, time.Now())
	if s := t.stmt(q); s != nil {
		return s.QueryRowContext(t.use(ctx), args...)
	}
	return t.x.QueryRowContext(t.use(ctx), t.r.rebind(q), args...)
}

// queryer is what reads need from a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
