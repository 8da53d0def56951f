package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/tenantd/tenantd/blobstore"
	"github.com/tenantd/tenantd/files"
	"github.com/tenantd/tenantd/httpapi"
	"github.com/tenantd/tenantd/internal/secret"
	"github.com/tenantd/tenantd/sqlstore"
	"github.com/tenantd/tenantd/web"
)

// Run serves tenantd until ctx is cancelled, then stops accepting connections, lets in-flight
// requests finish within cfg.ShutdownTimeout and closes the database. When listening starts,
// the bound address is sent on started (if not nil), so callers can use port 0.
func Run(ctx context.Context, cfg Config, logger *slog.Logger, started chan<- string) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}

	db, database := sqlstore.New(cfg.DatabasePath()), "sqlite"
	if cfg.DatabaseURL != "" {
		db, database = sqlstore.NewPostgres(cfg.DatabaseURL, cfg.DBPool), "postgres"
	}
	metrics, err := newMetrics(db, logger)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()

	if err := ensureAdmin(ctx, db, cfg, logger); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fileSvc := &files.Service{DB: db, Logger: logger,
		Blobs: blobstore.NewFS(filepath.Join(cfg.DataDir, "blobs"))}
	api := &httpapi.Server{Tenants: db, Current: db, Dealers: db, Users: db, Audit: db, Auth: db,
		Idempotency: db, Files: fileSvc, Logger: logger, Ready: db.Ping,
		Unavailable: sqlstore.IsUnavailable, Metrics: metrics}
	// The console answers GET / and its assets; everything else reaches the API unchanged.
	srv := newHTTPServer(web.Handler(api.Handler()), cfg, logger)
	srv.ConnState = metrics.ConnState

	// Background jobs stop before the database closes (defers run last in, first out).
	bg := newJobs(logger)
	defer bg.stop()
	startJobs(bg, db, fileSvc)

	logger.Info("tenantd listening", "addr", ln.Addr().String(),
		"url", "http://"+ln.Addr().String()+"/api", "data_dir", cfg.DataDir, "database", database,
		"sign_in", "POST /api/auth/sign_in with username admin")
	if started != nil {
		started <- ln.Addr().String()
	}

	if cfg.DebugAddr != "" {
		if err := serveDebug(ctx, cfg.DebugAddr, logger); err != nil {
			return err
		}
	}
	return serve(ctx, srv, ln, cfg.ShutdownTimeout, bg, logger)
}

// newHTTPServer sets every timeout, so that slow or stalled clients cannot hold connections
// or goroutines forever.
func newHTTPServer(h http.Handler, cfg Config, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDefault(cfg.ReadHeaderTimeout, 10*time.Second),
		ReadTimeout:       orDefault(cfg.ReadTimeout, 60*time.Second),
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// serve runs srv until ctx is cancelled. It then stops accepting connections and cancels
// the background jobs at once, lets in-flight requests finish within grace, cuts off those
// that do not, and waits for the jobs to return. The caller closes the database afterwards;
// database/sql lets statements already running finish first.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration,
	bg *jobs, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "grace", grace.String())
	bg.cancel()
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Requests still running lose their connections and their contexts are cancelled,
		// which rolls back their transactions.
		logger.Warn("in-flight requests outlived the grace period; closing them", "err", err)
		err = errors.Join(err, srv.Close())
	}
	bg.stop()

	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// ensureAdmin creates the system admin on first start. Without TENANTD_ADMIN_PASSWORD it
// generates a password and logs it this once; it is stored only as a hash.
func ensureAdmin(ctx context.Context, db *sqlstore.DB, cfg Config, logger *slog.Logger) error {
	exists, err := db.HasAdmin(ctx)
	if err != nil || exists {
		return err
	}

	password, generated := cfg.AdminPassword, false
	if password == "" {
		token, err := secret.NewToken()
		if err != nil {
			return err
		}
		password, generated = token[:20], true
	}

	created, err := db.EnsureAdmin(ctx, password)
	if err != nil {
		return err
	}
	if created && generated {
		logger.Warn("created the system admin with a generated password; it is shown only "+
			"this once", "username", "admin", "password", password)
	} else if created {
		logger.Info("created the system admin", "username", "admin")
	}
	return nil
}
