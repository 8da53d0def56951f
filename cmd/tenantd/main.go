// Command tenantd serves the PortSIP-compatible tenant control plane.
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
	var level slog.Level
	if err := level.UnmarshalText([]byte(os.Getenv("TENANTD_LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg, err := daemon.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tenantd: configuration:", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := daemon.Run(ctx, cfg, logger, nil); err != nil {
		logger.Error("tenantd stopped", "err", err)
		os.Exit(1)
	}
}
