// Package sqlstore keeps tenantd's data in SQLite (the default, embedded) and implements the
// domain's service interfaces on it.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tenantd/tenantd"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database. SQLite allows one writer at a time, so writes go through a pool of
// exactly one connection (queued in Go, never spinning on SQLITE_BUSY) while reads use a
// separate pool that runs alongside it under WAL.
type DB struct {
	write *dbPool
	read  *dbPool
	path  string
	r     *rebinder
	ids   *idGenerator

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
	if db.path == "" {
		return errors.New("sqlstore: empty database path")
	}

	write, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return fmt.Errorf("sqlstore: open writer: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db.write = &dbPool{db: write, r: db.r}

	read, err := sql.Open("sqlite", dsn(db.path, true))
	if err != nil {
		return fmt.Errorf("sqlstore: open reader: %w", err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	db.read = &dbPool{db: read, r: db.r}

	if err := db.migrate(ctx); err != nil {
		return err
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.db.Close())
	}
	if db.write != nil && db.write != db.read {
		errs = append(errs, db.write.db.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
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
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// migrate applies, in order and each in its own transaction, every numbered migration that
// the database has not seen yet.
func (db *DB) migrate(ctx context.Context) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`
	if _, err := db.write.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlstore: migrations table: %w", err)
	}

	names, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
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

// inTx runs fn in a write transaction and commits when it returns nil. When ctx carries a
// transaction of db (see Idempotent), fn joins it instead, and the owner of that transaction
// commits or rolls back: the single writer connection is held by it, so a transaction of our
// own would wait for ever.
func (db *DB) inTx(ctx context.Context, fn func(*dbTx) error) error {
	if outer, ok := ctx.Value(txKey{db}).(*dbTx); ok {
		return fn(outer)
	}

	tx, err := db.write.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()

	if err := fn(&dbTx{tx: tx, r: db.r}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a broken UNIQUE or PRIMARY KEY constraint, read
// from the driver's extended result code.
func isUniqueViolation(err error) bool {
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
