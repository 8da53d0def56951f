package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// startDaemon runs Run with short read timeouts until the test ends and returns its address.
func startDaemon(t *testing.T) string {
	t.Helper()
	cfg := Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), AdminPassword: "test-admin-password",
		ShutdownTimeout:   5 * time.Second,
		ReadHeaderTimeout: 300 * time.Millisecond,
		ReadTimeout:       600 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- Run(ctx, cfg, slog.New(slog.DiscardHandler), started) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})

	select {
	case addr := <-started:
		return addr
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	return ""
}

// TestSlowClientsAreCutOff trickles a request to the server, one header line or one body byte
// at a time, well within any per-byte timeout: the server must close the connection once
// the whole request has taken longer than its read timeouts.
func TestSlowClientsAreCutOff(t *testing.T) {
	addr := startDaemon(t)

	cases := []struct {
		name  string
		start string // sent at once
		drip  string // then sent every 50 ms, over and over
	}{
		{"header", "GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n"},
		{"body", "POST /api/auth/sign_in HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n" +
			"\r\n{\"username\":\"", "a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, c.start); err != nil {
				t.Fatal(err)
			}

			// The reader returns once the server gives up on the connection.
			var closed atomic.Bool
			go func() {
				_, _ = io.Copy(io.Discard, conn)
				closed.Store(true)
			}()

			// Ten times the timeouts is the limit of patience; the server needs far less.
			for deadline := time.Now().Add(6 * time.Second); !closed.Load(); {
				if time.Now().After(deadline) {
					t.Fatal("the server kept the slow connection open")
				}
				if _, err := io.WriteString(conn, c.drip); err != nil {
					break // the server closed its side
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// TestJobsStopWaitsForRunningJob checks the background job mechanism: stop cancels the
// context a running job sees and returns only after the job has returned; no run starts
// after stop.
func TestJobsStopWaitsForRunningJob(t *testing.T) {
	bg := newJobs(slog.New(slog.DiscardHandler))
	running := make(chan struct{})
	var runs, finished atomic.Int32

	bg.every("test", time.Millisecond, func(ctx context.Context) error {
		if runs.Add(1) == 1 {
			close(running)
		}
		<-ctx.Done() // a job's unit of work, which rolls back when cancelled
		finished.Add(1)
		return ctx.Err()
	})
	<-running

	bg.stop()
	if finished.Load() != runs.Load() {
		t.Fatalf("stop returned with a job still running: %d runs, %d finished",
			runs.Load(), finished.Load())
	}
	n := runs.Load()
	bg.stop() // a second stop is harmless
	if runs.Load() != n {
		t.Fatal("a job ran after stop")
	}
	if !errors.Is(bg.ctx.Err(), context.Canceled) {
		t.Fatal("the jobs' context is not cancelled")
	}
}
