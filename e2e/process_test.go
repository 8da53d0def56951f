package e2e

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// The tests that run tenantd as a child process share one binary, built on first use.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// removeBinary deletes the binary tenantdBinary built, if any; TestMain calls it on exit.
func removeBinary() {
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
}

// tenantdBinary builds cmd/tenantd once and returns its path.
func tenantdBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "tenantd-e2e-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "tenantd")
		out, err := exec.Command("go", "build", "-o", binary.path,
			"github.com/tenantd/tenantd/cmd/tenantd").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// childEnv is the environment of a child tenantd: this process's, without any TENANTD_
// setting, plus the given ones.
func childEnv(dataDir string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TENANTD_") {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{"TENANTD_DATA_DIR=" + dataDir,
		"TENANTD_ADMIN_PASSWORD=" + adminPassword}, extra...)...)
}

// runTenantd runs a tenantd subcommand (backup, restore) to completion.
func runTenantd(t testing.TB, dataDir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(tenantdBinary(t), args...)
	cmd.Env = childEnv(dataDir)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// proc is tenantd running as a child process on a data directory of the test's choosing.
type proc struct {
	URL    string
	Admin  string
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // the exit status, once exited is closed

	mu   sync.Mutex
	logs bytes.Buffer
}

var listeningAddr = regexp.MustCompile(`msg="tenantd listening" addr=(\S+)`)

// startProc starts tenantd on dataDir, waits until it listens and signs in as admin. The
// process is killed when the test ends if it still runs.
func startProc(t testing.TB, dataDir string) *proc {
	t.Helper()
	p := &proc{exited: make(chan struct{})}
	p.cmd = exec.Command(tenantdBinary(t))
	p.cmd.Env = childEnv(dataDir, "TENANTD_ADDR=127.0.0.1:0")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}

	addr := make(chan string, 1)
	go p.readLogs(stderr, addr)
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})

	select {
	case a := <-addr:
		p.URL = "http://" + a
	case <-p.exited:
		t.Fatalf("tenantd exited at start: %v\n%s", p.err, p.logText())
	case <-time.After(30 * time.Second):
		t.Fatalf("tenantd did not listen within 30s\n%s", p.logText())
	}

	res, err := send(context.Background(), p.URL, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}, nil)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("sign in: %v %v", err, res)
	}
	p.Admin, _ = res.object(t)["access_token"].(string)
	return p
}

func (p *proc) readLogs(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.logs.WriteString(line + "\n")
		p.mu.Unlock()
		if m := listeningAddr.FindStringSubmatch(line); m != nil {
			addr <- m[1]
		}
	}
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// kill ends the process with SIGKILL, as a crash or power cut would, and waits for it.
func (p *proc) kill(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// terminate sends SIGTERM and returns the exit status once the process has stopped.
func (p *proc) terminate(t testing.TB, within time.Duration) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		return p.err
	case <-time.After(within):
		t.Fatalf("tenantd did not stop within %v after SIGTERM\n%s", within, p.logText())
	}
	return nil
}

// childClient talks to child processes; many writers share its connections.
var childClient = &http.Client{
	Timeout:   20 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64},
}

// send makes one request and returns the error of the transport rather than failing the
// test: against a process that is being killed, failed requests are expected.
func send(ctx context.Context, base, method, path, token string, body any,
	header map[string]string) (*response, error) {
	raw, ok := body.([]byte)
	if !ok && body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}

	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}

	res, err := childClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: got}, nil
}

// integrityCheck opens the SQLite file directly, as an operator's tool would (recovering the
// WAL if a crash left one), and fails the test unless PRAGMA integrity_check says ok.
func integrityCheck(t testing.TB, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var report []string
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		report = append(report, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(report) != 1 || report[0] != "ok" {
		t.Fatalf("integrity_check of %s: %q", path, report)
	}
}
