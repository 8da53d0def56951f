// Package daemon wires tenantd together: configuration, the database, the HTTP server and
// its orderly shutdown. cmd/tenantd and the end-to-end tests both run it.
package daemon

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"time"
)

// Config is tenantd's configuration, read from TENANTD_* environment variables.
type Config struct {
	Addr          string // TENANTD_ADDR
	DataDir       string // TENANTD_DATA_DIR
	DatabaseURL   string // TENANTD_DATABASE_URL; empty means SQLite in DataDir
	AdminPassword string // TENANTD_ADMIN_PASSWORD; used on first start only

	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration

	// ReadHeaderTimeout and ReadTimeout cut off clients that send a request too slowly; zero
	// means the defaults (10 s for the header, 60 s for the whole request).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
}

// DatabasePath is the SQLite database file in the data directory.
func (c Config) DatabasePath() string {
	return filepath.Join(c.DataDir, "tenantd.db")
}

// ConfigFromEnv reads the configuration through getenv and checks it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:            getenv("TENANTD_ADDR"),
		DataDir:         getenv("TENANTD_DATA_DIR"),
		DatabaseURL:     getenv("TENANTD_DATABASE_URL"),
		AdminPassword:   getenv("TENANTD_ADMIN_PASSWORD"),
		ShutdownTimeout: 15 * time.Second,
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8887"
	}
	if c.DataDir == "" {
		c.DataDir = "./tenantd-data"
	}

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("TENANTD_ADDR %q: want host:port: %w", c.Addr, err)
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, fmt.Errorf("TENANTD_DATABASE_URL: want a postgres:// URL or nothing")
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		return c, fmt.Errorf("TENANTD_ADMIN_PASSWORD: want at least 8 characters")
	}
	c.DataDir = filepath.Clean(c.DataDir)
	return c, nil
}
