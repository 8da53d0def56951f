package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the SQLite database at path to dest, which must not
// exist. It is safe beside a running tenantd: VACUUM INTO reads one snapshot of the database
// through an ordinary connection, so under WAL writers carry on while it runs and the copy
// holds exactly the transactions committed before it began. The copy is written to a
// temporary file, synced and only then renamed to dest, so dest never holds half a backup.
func Backup(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("sqlstore: backup: %s already exists", dest)
	}

	// Not dsn(path, true): query_only would refuse VACUUM INTO, which writes the copy.
	return vacuumInto(ctx, fileURI(path, "_pragma=busy_timeout(10000)"), dest)
}

// Restore copies the backup at src to path, which must not exist, after checking that src is
// an intact tenantd database; it checks the copy again before it is renamed into place.
// Migrations the backup lacks are applied when tenantd next opens the database.
func Restore(ctx context.Context, src, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("sqlstore: restore: %s already exists", path)
	}
	srcDSN := fileURI(src, "mode=ro&_pragma=busy_timeout(10000)")
	if err := checkBackup(ctx, srcDSN); err != nil {
		return fmt.Errorf("sqlstore: restore: %s: %w", src, err)
	}

	return vacuumInto(ctx, srcDSN, path)
}

// IntegrityCheck runs SQLite's integrity check on the database file at path and returns nil
// only when it reports ok.
func IntegrityCheck(ctx context.Context, path string) error {
	return integrityCheck(ctx, fileURI(path, "mode=ro"))
}

// checkBackup requires an intact database that tenantd made.
func checkBackup(ctx context.Context, dsn string) error {
	if err := integrityCheck(ctx, dsn); err != nil {
		return err
	}

	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n)
	if err != nil || n == 0 {
		return errors.Join(errors.New("not a tenantd database"), err)
	}
	return nil
}

func integrityCheck(ctx context.Context, dsn string) error {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer conn.Close()

	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var report []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		report = append(report, line)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(report) != 1 || report[0] != "ok" {
		return fmt.Errorf("integrity check failed: %s", strings.Join(report, "; "))
	}
	return nil
}

// vacuumInto copies the database opened by srcDSN to dest through a synced temporary file in
// dest's directory, checks the copy and renames it into place.
func vacuumInto(ctx context.Context, srcDSN, dest string) error {
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return fmt.Errorf("sqlstore: copy database: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close() // VACUUM INTO writes into an existing file only when it is empty
	defer os.Remove(tmpName)

	if err := runVacuumInto(ctx, srcDSN, tmpName); err != nil {
		return err
	}
	if err := syncFile(tmpName); err != nil {
		return err
	}
	if err := integrityCheck(ctx, fileURI(tmpName, "mode=ro")); err != nil {
		return fmt.Errorf("sqlstore: copy database: the copy: %w", err)
	}

	if err := os.Rename(tmpName, dest); err != nil {
		return fmt.Errorf("sqlstore: copy database: %w", err)
	}
	return syncFile(filepath.Dir(dest))
}

func runVacuumInto(ctx context.Context, srcDSN, dest string) error {
	conn, err := sql.Open("sqlite", srcDSN)
	if err != nil {
		return fmt.Errorf("sqlstore: copy database: %w", err)
	}
	defer conn.Close()

	// A plain name (not "file:...") is taken literally, whatever characters it holds.
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("sqlstore: copy database: %w", err)
	}
	return nil
}

// fileURI names a database file as an SQLite URI with the given query, escaping the
// characters ('?', '#', '%') that would otherwise end or change the path.
func fileURI(path, query string) string {
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath() + "?" + query
}

// syncFile flushes a file, or a directory's entries, to stable storage.
func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("sqlstore: sync: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sqlstore: sync %s: %w", name, err)
	}
	return nil
}
