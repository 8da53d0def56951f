// Command tenantd-bench measures tenantd against a bare net/http server on the same machine in
// the same run: it seeds a fresh database, starts tenantd as a child process, loads it with
// keep-alive clients scenario by scenario, and reports requests per second as a ratio to the
// baseline, latency percentiles, errors and the server's peak memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

// options are the harness's flags.
type options struct {
	tenants   int
	duration  time.Duration
	clients   int
	dbURL     string
	out       string
	profile   string
	binary    string
	scenarios string
	serveBase string // internal: run as the baseline server on this address
	uploadMB  int    // upload mode: the size of the file to upload
	chunkMB   int    // upload mode: the size of each chunk
}

func main() {
	var o options
	flag.IntVar(&o.tenants, "tenants", 100_000, "tenants to seed before the run")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long each scenario runs")
	flag.IntVar(&o.clients, "clients", 8, "concurrent keep-alive clients")
	flag.StringVar(&o.dbURL, "db", "", "a postgres:// URL to bench PostgreSQL instead of SQLite")
	flag.StringVar(&o.out, "out", "", "write the results as JSON to this file")
	flag.StringVar(&o.profile, "profile", "", "capture CPU and allocation profiles of the "+
		"server during this scenario, into the current directory")
	flag.StringVar(&o.binary, "binary", "", "a tenantd binary to run (default: build ./cmd/tenantd)")
	flag.StringVar(&o.scenarios, "scenarios", "", "comma-separated scenarios to run (default all)")
	flag.StringVar(&o.serveBase, "serve-baseline", "", "")
	flag.IntVar(&o.uploadMB, "upload-mb", 0, "instead of the scenarios, upload (and download) "+
		"one file of this many MiB and report throughput and the server's peak memory")
	flag.IntVar(&o.chunkMB, "chunk-mb", 8, "upload mode: MiB per append request")
	flag.Parse()

	if o.serveBase != "" {
		serveBaseline(o.serveBase)
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runMode := run
	if o.uploadMB > 0 {
		runMode = runUpload
	}
	if err := runMode(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "tenantd-bench:", err)
		os.Exit(1)
	}
}
