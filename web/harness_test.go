package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tenantd/tenantd/internal/daemon"
)

const adminPassword = "console-admin-password"

// server is a tenantd started in this process on a free loopback port with a fresh database.
type server struct {
	URL   string
	token string // the system admin's access token, for checks through the API
}

func startServer(t *testing.T) *server {
	t.Helper()

	cfg := daemon.Config{
		Addr:            "127.0.0.1:0",
		DataDir:         t.TempDir(),
		AdminPassword:   adminPassword,
		ShutdownTimeout: 5 * time.Second,
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, logger, started) }()

	var addr string
	select {
	case addr = <-started:
	case err := <-done:
		cancel()
		t.Fatalf("tenantd did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("tenantd stopped with an error: %v", err)
		}
	})

	s := &server{URL: "http://" + addr}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	s.call(t, "POST", "/api/auth/sign_in",
		map[string]string{"username": "admin", "password": adminPassword}, http.StatusOK, &tok)
	s.token = tok.AccessToken
	return s
}

// call sends a JSON request as the system admin, requires the status and decodes the answer
// into out (when not nil).
func (s *server) call(t *testing.T, method, path string, body any, status int, out any) {
	t.Helper()

	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}

	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode: %v: %s", method, path, err, raw)
		}
	}
}

// chromiumPath finds Debian's chromium, or skips the test with the reason.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium binary on PATH; install Debian's chromium package to run the " +
		"console's browser tests")
	return ""
}

// newBrowser starts a headless Chromium for one test with a laptop-sized window and a fresh
// profile. It makes no network connection of its own (no sync, updates, or background
// traffic) and resolves no host name but the loopback address: the console is all it loads.
func newBrowser(t *testing.T) context.Context {
	t.Helper()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("hide-scrollbars", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)

	// The first action starts the browser, which lives as long as the context of that call;
	// the bound on the whole test goes on a context derived afterwards.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	bounded, cancelBound := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelBound()
		cancelCtx()
		cancelAlloc()
	})
	return bounded
}

// run runs browser actions and fails the test with what was being done.
func run(t *testing.T, ctx context.Context, what string,
	actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond)) }()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\npage at %s:\n%s", what, err, pageText(ctx, "location.hash"),
			pageText(ctx, "document.body.innerText.slice(0, 3000)"))
	}
}

// pageText evaluates expr for a failure message; errors become part of the text.
func pageText(ctx context.Context, expr string) string {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return v
}
