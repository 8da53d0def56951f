package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tenantd/tenantd/sqlstore"
)

// errPostgresBackup is returned for backup and restore on PostgreSQL, which has its own tools.
var errPostgresBackup = errors.New("backup and restore cover the SQLite database only; " +
	"use pg_dump and pg_restore for PostgreSQL")

// Backup writes a consistent copy of the SQLite database in cfg.DataDir to file, which must
// not exist. tenantd may keep running meanwhile: the copy holds every write committed before
// the backup began.
func Backup(ctx context.Context, cfg Config, file string) error {
	if cfg.DatabaseURL != "" {
		return errPostgresBackup
	}
	dest, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := sqlstore.Backup(ctx, cfg.DatabasePath(), dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore makes the backup in file the database of cfg.DataDir. The data directory must be
// empty or absent, so that a restore can never overwrite live data; the backup is checked
// for integrity before it is copied and the copy again before it is put in place.
func Restore(ctx context.Context, cfg Config, file string) error {
	if cfg.DatabaseURL != "" {
		return errPostgresBackup
	}
	src, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := requireEmptyDir(cfg.DataDir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: data directory: %w", err)
	}

	dest, err := filepath.Abs(cfg.DatabasePath())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := sqlstore.Restore(ctx, src, dest); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// requireEmptyDir accepts a directory that does not exist or holds nothing.
func requireEmptyDir(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	defer f.Close()

	names, err := f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	return fmt.Errorf("data directory %s is not empty (it holds %s); restore only into an "+
		"empty directory", dir, names[0])
}
