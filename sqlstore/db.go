// Package sqlstore keeps tenantd's data in SQLite (the default, embedded) or PostgreSQL and
// implements the domain's service interfaces on them, with one implementation for both.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tenantd/tenantd"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database. SQLite allows one writer at a time, so writes go through a pool of
// exactly one connection (queued in Go, never spinning on SQLITE_BUSY) while reads use a
// separate pool that runs alongside it under WAL. On PostgreSQL, read and write are one pool.
type DB struct {
	write *dbPool
	read  *dbPool
	path  string // SQLite
	url   string // PostgreSQL
	pool  PoolConfig
	r     *rebinder
	ids   *idGenerator
	jobs  sync.Map // job name -> *sync.Mutex, for WithJobLock on SQLite

	// commits batches SQLite write transactions; nil until Open, and on PostgreSQL.
	commits *committer

	// auth caches the actors of access tokens; nil on PostgreSQL (see authCache).
	auth *authCache

	// hashSlots bounds the password hashes running at once.
	hashSlots chan struct{}

	// Now returns the current time; tests replace it to move the clock.
	Now func() time.Time
}

// New returns a DB for the SQLite file at path. It does no I/O; Open does.
func New(path string) *DB {
	return &DB{
		path:      path,
		r:         &rebinder{d: sqliteDialect},
		ids:       newIDGenerator(),
		hashSlots: make(chan struct{}, 2),
		Now:       time.Now,
	}
}

// Open opens the database, creating it if needed, and applies pending migrations.
func (db *DB) Open(ctx context.Context) error {
	if db.r.d == postgresDialect {
		if err := db.openPostgres(ctx); err != nil {
			return err
		}
		return db.migrate(ctx)
	}
	if db.path == "" {
		return errors.New("sqlstore: empty database path")
	}

	write, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return fmt.Errorf("sqlstore: open writer: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db.write = newPool(write, db.r, false)

	read, err := sql.Open("sqlite", dsn(db.path, true))
	if err != nil {
		return fmt.Errorf("sqlstore: open reader: %w", err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	db.read = newPool(read, db.r, true)

	if err := db.migrate(ctx); err != nil {
		return err
	}
	db.auth = newAuthCache()
	if db.commits, err = newCommitter(ctx, write, db.r, db.auth.invalidate); err != nil {
		return err
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.commits != nil {
		db.commits.close()
	}
	if db.read != nil {
		errs = append(errs, db.read.close())
	}
	if db.write != nil && db.write != db.read {
		errs = append(errs, db.write.close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers. It gives up when ctx ends; callers that probe
// readiness pass a context with a deadline.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.db.PingContext(ctx)
}

// dsn builds the connection string. WAL lets readers run beside the writer. synchronous=FULL
// makes SQLite sync the WAL on every commit: with NORMAL, a commit acknowledged to a client
// can vanish on power loss, which we do not accept. The busy timeout covers the moments a
// checkpoint or another process holds a lock. Writers begin IMMEDIATE so that a transaction
// that reads and then writes never fails half-way with SQLITE_BUSY.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(memory)") // savepoints of the group commit journal in memory
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// migrate applies, in order and each in its own transaction, every numbered migration that
// the database has not seen yet. On PostgreSQL several processes may start at once: an
// advisory lock lets one of them migrate while the others wait, then find nothing to do.
func (db *DB) migrate(ctx context.Context) error {
	if db.r.d == postgresDialect {
		_, err := db.withAdvisoryLock(ctx, "migrate", true, db.applyMigrations)
		return err
	}
	return db.applyMigrations(ctx)
}

func (db *DB) applyMigrations(ctx context.Context) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`
	if _, err := db.write.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlstore: migrations table: %w", err)
	}

	dir := "sqlite"
	if db.r.d == postgresDialect {
		dir = "postgres"
	}
	names, err := fs.Glob(migrations, "migrations/"+dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("sqlstore: list migrations: %w", err)
	}
	sort.Strings(names)

	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	base := filepath.Base(name)
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("sqlstore: migration %s: bad number: %w", base, err)
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("sqlstore: migration %s: %w", base, err)
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		var seen int
		err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&seen)
		if err != nil || seen > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("sqlstore: migration %s: %w", base, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at)
			VALUES (?, ?)`, version, db.Now().Unix())
		return err
	})
}

// maxTxAttempts bounds how often inTx runs a transaction that collides with others.
const maxTxAttempts = 5

// inTx runs fn in a write transaction and commits when it returns nil.
//
// When ctx carries a transaction of db (see Idempotent), fn joins it instead, and the owner of
// that transaction commits or rolls back: the single writer connection is held by it, so a
// transaction of our own would wait for ever.
//
// On SQLite the transaction goes through the group committer: it may share its COMMIT with
// other requests' transactions, and inTx returns only once that COMMIT is durable.
//
// On PostgreSQL a transaction that fails on a serialization failure or a deadlock is run
// again, up to maxTxAttempts times with a growing, jittered pause; fn must therefore be safe
// to run again (set its results, never accumulate into them).
func (db *DB) inTx(ctx context.Context, fn func(*dbTx) error) error {
	if outer, ok := ctx.Value(txKey{db}).(*dbTx); ok {
		return fn(outer)
	}
	if db.commits != nil {
		return db.commits.run(ctx, fn)
	}

	for attempt := 1; ; attempt++ {
		err := db.runTx(ctx, fn)
		if err == nil || !isRetryable(err) || attempt == maxTxAttempts {
			return err
		}

		pause := time.Duration(5<<attempt) * time.Millisecond
		pause += rand.N(pause)
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		}
	}
}

func (db *DB) runTx(ctx context.Context, fn func(*dbTx) error) error {
	tx, err := db.write.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()

	if err := fn(&dbTx{x: tx, r: db.r}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a broken UNIQUE or PRIMARY KEY constraint, read
// from the driver's extended result code (SQLite) or SQLSTATE (PostgreSQL).
func isUniqueViolation(err error) bool {
	if pgCode(err) == "23505" {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code()
	return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// notFound is the error for any id the actor cannot see.
func notFound(what string) error {
	return tenantd.Errorf(tenantd.ENotFound, "%s not found", what)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
