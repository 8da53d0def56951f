// Command tenantd serves the PortSIP-compatible tenant control plane.
//
//	tenantd                 serve the API
//	tenantd backup FILE     copy the SQLite database, even while tenantd runs
//	tenantd restore FILE    restore a backup into an empty data directory
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tenantd/tenantd/internal/daemon"
)

func main() {
	var level slog.Level // info unless TENANTD_LOG_LEVEL says otherwise
	if v := os.Getenv("TENANTD_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			fmt.Fprintln(os.Stderr, "tenantd: configuration: TENANTD_LOG_LEVEL: want debug, "+
				"info, warn or error")
			os.Exit(2)
		}
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg, err := daemon.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tenantd: configuration:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	args := os.Args[1:]
	switch {
	case len(args) == 0:
		if err := daemon.Run(ctx, cfg, logger, nil); err != nil {
			logger.Error("tenantd stopped", "err", err)
			os.Exit(1)
		}
	case len(args) == 2 && args[0] == "backup":
		exitOn(logger, daemon.Backup(ctx, cfg, args[1]), "backup written", args[1])
	case len(args) == 2 && args[0] == "restore":
		exitOn(logger, daemon.Restore(ctx, cfg, args[1]), "backup restored", cfg.DataDir)
	default:
		fmt.Fprintln(os.Stderr, "usage: tenantd [backup FILE | restore FILE]")
		os.Exit(2)
	}
}

// exitOn logs the outcome of a one-shot command and exits 1 if it failed.
func exitOn(logger *slog.Logger, err error, done, path string) {
	if err != nil {
		logger.Error("tenantd failed", "err", err)
		os.Exit(1)
	}
	logger.Info(done, "path", path)
}
