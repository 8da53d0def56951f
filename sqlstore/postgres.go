package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// tenantd reaches PostgreSQL through pgx's database/sql adapter rather than its native pool:
// SQLite is served through database/sql too, so one store implementation (the same *sql.Tx,
// *sql.Rows and scan adapters, the same queries with rebound placeholders) serves both
// databases, and the dialects differ only in the few places dialect.go names. The native pool
// would be somewhat faster but would split every query path in two.

// PoolConfig bounds the connections a PostgreSQL database keeps. The zero value of a field
// keeps database/sql's default for it. A bound on open connections must allow two: migrations
// and background jobs hold one connection for their lock while they work through another.
type PoolConfig struct {
	MaxOpenConns    int           // connections open at once, in use or idle; 0 or >= 2
	MaxIdleConns    int           // idle connections kept for reuse
	ConnMaxLifetime time.Duration // a connection is replaced after this long
	ConnMaxIdleTime time.Duration // an idle connection is closed after this long
}

// apply sets the pool's bounds, leaving database/sql's default where a field is zero.
func (c PoolConfig) apply(pool *sql.DB) {
	if c.MaxOpenConns > 0 {
		pool.SetMaxOpenConns(c.MaxOpenConns)
	}
	if c.MaxIdleConns > 0 {
		pool.SetMaxIdleConns(c.MaxIdleConns)
	}
	if c.ConnMaxLifetime > 0 {
		pool.SetConnMaxLifetime(c.ConnMaxLifetime)
	}
	if c.ConnMaxIdleTime > 0 {
		pool.SetConnMaxIdleTime(c.ConnMaxIdleTime)
	}
}

// defaultApplicationName marks tenantd's sessions in pg_stat_activity unless the URL names
// another application_name.
const defaultApplicationName = "tenantd"

// connectTimeout bounds each connection attempt when the URL sets no connect_timeout, so that
// an unreachable server makes requests fail (503) instead of hanging.
const connectTimeout = 5 * time.Second

// NewPostgres returns a DB for the PostgreSQL database at url (a postgres:// URL; its query
// options, such as search_path or application_name, are passed to the server). It does no
// I/O; Open connects, sizes the pool from pool and applies pending migrations. On PostgreSQL
// reads and writes share one pool.
func NewPostgres(url string, pool PoolConfig) *DB {
	db := New("")
	db.url, db.pool = url, pool
	db.r = &rebinder{d: postgresDialect}
	return db
}

// openPostgres is Open for PostgreSQL.
func (db *DB) openPostgres(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(db.url)
	if err != nil {
		return fmt.Errorf("sqlstore: database URL: %w", err)
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = defaultApplicationName
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}

	pool := stdlib.OpenDB(*cfg)
	db.pool.apply(pool)
	// pgx keeps its own cache of prepared statements on each connection, so the pool needs
	// none of ours.
	db.write = newPool(pool, db.r, false)
	db.read = db.write

	if err := pool.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: connect: %w", err)
	}
	return nil
}

// withAdvisoryLock runs fn while this process holds the PostgreSQL advisory lock called name,
// on a connection of its own. With wait it waits for the lock; without, it gives up at once
// and reports ran == false when another session holds it.
//
// The lock is scoped to the current schema, so that separate deployments (or test runs) in
// one database do not exclude each other. The connection is discarded afterwards rather than
// returned to the pool, which releases the lock even if unlocking fails. Should the connection
// die while fn runs, the server releases the lock and another process may start the same
// work: work done under the lock must still be safe to repeat, transaction by transaction.
func (db *DB) withAdvisoryLock(ctx context.Context, name string, wait bool,
	fn func(context.Context) error) (ran bool, err error) {
	conn, err := db.write.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlstore: lock %s: %w", name, err)
	}
	defer discard(conn)

	const key = `hashtextextended(current_schema() || '/' || $1, 0)`
	if wait {
		_, err = conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`, name)
		ran = err == nil
	} else {
		err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+key+`)`, name).Scan(&ran)
	}
	if err != nil || !ran {
		return false, wrapErr("lock "+name, err)
	}
	return true, fn(ctx)
}

// discard closes a dedicated connection for good, so that nothing it holds (advisory locks,
// session settings) goes back to the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}

// pgCode returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// isRetryable reports whether a transaction failed only because it collided with another one
// (a serialization failure or a deadlock), so that running it again may succeed.
func isRetryable(err error) bool {
	code := pgCode(err)
	return code == "40001" || code == "40P01"
}

// IsUnavailable reports whether err means the database could not be reached or dropped the
// connection, as opposed to refusing the statement: the request may succeed later, and the
// client is told so (503) rather than shown an internal error. It reads driver types and
// SQLSTATE codes, never message text.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}

	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &ce), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		pgconn.Timeout(err):
		return true
	}

	switch code := pgCode(err); {
	case len(code) == 5 && code[:2] == "08": // connection exception
		return true
	case code == "57P01", code == "57P02", code == "57P03": // server shut down or starting
		return true
	case code == "53300": // too many connections
		return true
	}

	// A broken socket under pgconn: its errors carry SafeToRetry, which tells them apart from
	// an io.EOF of some other origin.
	var fromPgconn interface{ SafeToRetry() bool }
	var ne net.Error
	return errors.As(err, &fromPgconn) && (errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}
