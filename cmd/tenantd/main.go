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
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

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
		err = daemon.Run(ctx, cfg, logger, nil)
	case len(args) == 2 && args[0] == "backup":
		err = daemon.Backup(ctx, cfg, args[1])
	case len(args) == 2 && args[0] == "restore":
		err = daemon.Restore(ctx, cfg, args[1])
	default:
		fmt.Fprintln(os.Stderr, "usage: tenantd [backup FILE | restore FILE]")
		os.Exit(2)
	}
	if err != nil {
		logger.Error("tenantd stopped", "err", err)
		os.Exit(1)
	}
}
