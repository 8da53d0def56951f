package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const benchPassword = "bench-admin-password"

// report is what one run of the harness found; it is printed as a table and saved as JSON.
type report struct {
	Date         string    `json:"date"`
	Machine      string    `json:"machine"`
	Database     string    `json:"database"`
	Tenants      int       `json:"tenants"`
	Clients      int       `json:"clients"`
	Duration     string    `json:"duration_per_scenario"`
	SeedSeconds  float64   `json:"seed_seconds"`
	StartSeconds float64   `json:"server_start_seconds"`
	PeakRSSMB    float64   `json:"server_peak_rss_mb"`
	Results      []*result `json:"results"`
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "tenantd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bin, err := tenantdBinary(ctx, o, dir)
	if err != nil {
		return err
	}
	rep := &report{
		Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(),
		Database: "sqlite", Tenants: o.tenants, Clients: o.clients, Duration: o.duration.String(),
	}
	if o.dbURL != "" {
		rep.Database = "postgres"
		schema, err := newBenchSchema(ctx, o.dbURL)
		if err != nil {
			return err
		}
		defer schema.drop()
		o.dbURL = schema.url
	}

	dataDir := filepath.Join(dir, "data")
	start := time.Now()
	ids, err := seed(ctx, dataDir, o.dbURL, o.tenants)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	rep.SeedSeconds = time.Since(start).Seconds()
	fmt.Printf("seeded %d tenants in %.1fs\n", o.tenants, rep.SeedSeconds)

	srv, err := startTenantd(ctx, bin, dataDir, o.dbURL)
	if err != nil {
		return err
	}
	defer srv.stop()
	rep.StartSeconds = srv.startup.Seconds()
	fmt.Printf("tenantd answered /healthz %.3fs after start\n", rep.StartSeconds)

	if err := runScenarios(ctx, o, srv, ids, rep); err != nil {
		return err
	}
	rep.PeakRSSMB = srv.peakRSSMB()

	printReport(os.Stdout, rep)
	if o.out != "" {
		return writeJSON(o.out, rep)
	}
	return nil
}

// tenantdBinary returns the binary to bench, building ./cmd/tenantd when none was given.
func tenantdBinary(ctx context.Context, o options, dir string) (string, error) {
	if o.binary != "" {
		return o.binary, nil
	}
	bin := filepath.Join(dir, "tenantd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/tenantd")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build tenantd (run from the repository root): %w", err)
	}
	return bin, nil
}

// child is a server process the harness started.
type child struct {
	cmd     *exec.Cmd
	url     string
	debug   string // the pprof listener, if any
	startup time.Duration
}

var listenLine = regexp.MustCompile(`tenantd listening addr=(\S+)`)

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startTenantd runs tenantd on a free port and waits until /healthz answers 200.
func startTenantd(ctx context.Context, bin, dataDir, dbURL string) (*child, error) {
	addr, err1 := freeAddr()
	debug, err2 := freeAddr()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "TENANTD_ADDR="+addr, "TENANTD_DATA_DIR="+dataDir,
		"TENANTD_ADMIN_PASSWORD="+benchPassword, "TENANTD_DEBUG_ADDR="+debug,
		"TENANTD_DATABASE_URL="+dbURL, "TENANTD_LOG_LEVEL=error")
	cmd.Stderr = os.Stderr

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start tenantd: %w", err)
	}
	c := &child{cmd: cmd, url: "http://" + addr, debug: "http://" + debug}

	for time.Since(start) < time.Minute {
		res, err := http.Get(c.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				c.startup = time.Since(start)
				return c, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.stop()
	return nil, fmt.Errorf("tenantd did not become healthy within a minute")
}

// readAddresses scans the child's log for its listen addresses, then keeps draining it.
func (c *child) readAddresses(stderr io.Reader) error {
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if m := listenLine.FindStringSubmatch(line); m != nil {
			c.url = "http://" + m[1]
			go io.Copy(io.Discard, stderr)
			return nil
		}
		if strings.Contains(line, "level=ERROR") {
			fmt.Fprintln(os.Stderr, line)
		}
	}
	return fmt.Errorf("tenantd exited before listening")
}

func (c *child) stop() {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = c.cmd.Process.Kill()
		}
	}
}

// peakRSSMB reads the child's high-water resident set size from /proc (Linux only).
func (c *child) peakRSSMB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// signIn returns an access token of the benchmark's system admin.
func signIn(url string) (string, error) {
	body := fmt.Sprintf(`{"username":"admin","password":%q}`, benchPassword)
	res, err := http.Post(url+"/api/auth/sign_in", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()

	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("sign in: status %d", res.StatusCode)
	}
	return tok.AccessToken, nil
}

func machine() string {
	host, _ := os.Hostname()
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			if k, v, ok := strings.Cut(string(line), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores (%s), %s %s/%s", host, runtime.NumCPU(), model,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
