// Package daemon wires tenantd together: configuration, the database, the HTTP server and
// its orderly shutdown. cmd/tenantd and the end-to-end tests both run it.
package daemon

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tenantd/tenantd/sqlstore"
)

// Config is tenantd's configuration, read from TENANTD_* environment variables.
type Config struct {
	Addr          string // TENANTD_ADDR
	DataDir       string // TENANTD_DATA_DIR
	DatabaseURL   string // TENANTD_DATABASE_URL; empty means SQLite in DataDir
	AdminPassword string // TENANTD_ADMIN_PASSWORD; used on first start only

	// DebugAddr, when set, serves Go's pprof profiles there (TENANTD_DEBUG_ADDR). Keep it on
	// a loopback address: profiles reveal internals.
	DebugAddr string

	// DBPool sizes the PostgreSQL connection pool (TENANTD_DB_MAX_CONNS,
	// TENANTD_DB_MAX_IDLE_CONNS, TENANTD_DB_CONN_MAX_LIFETIME, TENANTD_DB_CONN_MAX_IDLE_TIME).
	DBPool sqlstore.PoolConfig

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
		DebugAddr:       getenv("TENANTD_DEBUG_ADDR"),
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
	pool, err := poolFromEnv(getenv)
	if err != nil {
		return c, err
	}
	c.DBPool = pool
	c.DataDir = filepath.Clean(c.DataDir)
	return c, nil
}

// Pool defaults: enough connections for a busy process without exhausting a server shared by
// several processes (PostgreSQL's default max_connections is 100), and connections recycled
// often enough to follow a failover or a load balancer in front of the database.
const (
	defaultMaxConns        = 20
	defaultMaxIdleConns    = 10
	defaultConnMaxLifetime = 30 * time.Minute
	defaultConnMaxIdleTime = 5 * time.Minute
)

// poolFromEnv reads the PostgreSQL pool settings; each has a default.
func poolFromEnv(getenv func(string) string) (sqlstore.PoolConfig, error) {
	p := sqlstore.PoolConfig{
		MaxOpenConns:    defaultMaxConns,
		MaxIdleConns:    defaultMaxIdleConns,
		ConnMaxLifetime: defaultConnMaxLifetime,
		ConnMaxIdleTime: defaultConnMaxIdleTime,
	}
	var errs []error
	intVar(getenv, "TENANTD_DB_MAX_CONNS", 2, &p.MaxOpenConns, &errs)
	intVar(getenv, "TENANTD_DB_MAX_IDLE_CONNS", 1, &p.MaxIdleConns, &errs)
	durationVar(getenv, "TENANTD_DB_CONN_MAX_LIFETIME", &p.ConnMaxLifetime, &errs)
	durationVar(getenv, "TENANTD_DB_CONN_MAX_IDLE_TIME", &p.ConnMaxIdleTime, &errs)
	if len(errs) > 0 {
		return p, errs[0]
	}

	if p.MaxIdleConns > p.MaxOpenConns {
		p.MaxIdleConns = p.MaxOpenConns
	}
	return p, nil
}

// intVar sets *dst from the variable name when it is set: an integer not below least.
func intVar(getenv func(string) string, name string, least int, dst *int, errs *[]error) {
	v := getenv(name)
	if v == "" {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		*errs = append(*errs, fmt.Errorf("%s %q: want an integer of at least %d", name, v, least))
		return
	}
	*dst = n
}

// durationVar sets *dst from the variable name when it is set: a positive Go duration such
// as 30m or 1h.
func durationVar(getenv func(string) string, name string, dst *time.Duration, errs *[]error) {
	v := getenv(name)
	if v == "" {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Errorf("%s %q: want a positive duration like 30m", name, v))
		return
	}
	*dst = d
}
