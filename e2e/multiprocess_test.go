package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProcessesShareOneDatabase runs two tenantd processes on one PostgreSQL schema, started
// at the same moment (so they also race to migrate and to create the admin), and checks that
// they act as one service.
func TestProcessesShareOneDatabase(t *testing.T) {
	requirePostgres(t)

	bin := buildTenantd(t)
	dbURL := databaseURL(t)
	servers := make([]*server, 2)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() { servers[i] = startProcess(t, bin, dbURL) })
	}
	wg.Wait()
	for _, s := range servers {
		if s == nil {
			t.FailNow() // startProcess reported why
		}
		s.Admin = s.signIn(t, "admin", adminPassword, "")
	}

	t.Run("one domain, one tenant", func(t *testing.T) {
		statuses := make([]int, 20)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() {
				s := servers[i%2]
				body := tenantBody(fmt.Sprintf("Racer %d", i), "race.example", nil)
				statuses[i] = rawStatus(s, "POST", "/api/tenants", s.Admin, body)
			})
		}
		wg.Wait()

		created, conflicts := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
				conflicts++
			}
		}
		if created != 1 || conflicts != 19 {
			t.Fatalf("statuses %v: want one 201 and nineteen 409", statuses)
		}
		for _, s := range servers {
			list := s.do(t, "GET", "/api/tenants?search=race.example", s.Admin, nil).
				want(t, http.StatusOK).object(t)
			if list["count"] != float64(1) {
				t.Fatalf("%s lists %v tenants with the domain, want 1", s.URL, list["count"])
			}
		}
	})

	t.Run("twelve users over both processes against max_extensions 3", func(t *testing.T) {
		id := servers[0].createTenant(t, "Limited", "limited.example",
			map[string]any{"max_extensions": 3})
		for _, s := range servers {
			s.switchTo(t, s.Admin, id)
		}

		statuses := make([]int, 12)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() {
				s := servers[i%2]
				body := userBody(fmt.Sprintf("user%d", i), fmt.Sprint(100+i), "StandardUser", nil)
				statuses[i] = rawStatus(s, "POST", "/api/users", s.Admin, body)
			})
		}
		wg.Wait()

		created := 0
		for _, st := range statuses {
			switch st {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
			default:
				t.Fatalf("statuses %v: want only 201 and 409", statuses)
			}
		}
		if created != 3 {
			t.Fatalf("statuses %v: %d users created, want exactly 3", statuses, created)
		}
		for _, s := range servers {
			if n := s.do(t, "GET", "/api/users", s.Admin, nil).want(t, http.StatusOK).count(t); n != 3 {
				t.Fatalf("%s lists %d users, want 3", s.URL, n)
			}
		}
	})

	t.Run("sign-out on one process is seen by the other", func(t *testing.T) {
		a, b := servers[0], servers[1]
		token := a.signIn(t, "admin", adminPassword, "")
		b.do(t, "GET", "/api/auth/user", token, nil).want(t, http.StatusOK)

		a.do(t, "POST", "/api/auth/sign_out", token, nil).want(t, http.StatusOK)
		res := b.do(t, "GET", "/api/auth/user", token, nil).want(t, http.StatusUnauthorized)
		if code := res.errorCode(t); code != "UNAUTHORIZED" {
			t.Fatalf("code %s, want UNAUTHORIZED", code)
		}
	})
}

// buildTenantd builds cmd/tenantd into a directory of t's and returns the binary's path.
func buildTenantd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tenantd")
	out, err := exec.Command("go", "build", "-o", bin,
		"github.com/tenantd/tenantd/cmd/tenantd").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs the tenantd binary as a child process on a free port of 127.0.0.1 and the
// given database, and stops it when t ends. The server it returns has no admin token yet.
// It reports failures with t.Error, so it may run in any goroutine; it then returns nil.
func startProcess(t *testing.T, bin, dbURL string) *server {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "TENANTD_ADDR=127.0.0.1:0", "TENANTD_DATA_DIR="+t.TempDir(),
		"TENANTD_DATABASE_URL="+dbURL, "TENANTD_ADMIN_PASSWORD="+adminPassword)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := cmd.Start(); err != nil {
		t.Errorf("start tenantd: %v", err)
		return nil
	}

	// The log goes to a buffer, shown if the test fails; the first line naming the bound
	// address tells where the process listens.
	log := &lockedBuffer{}
	addrc := make(chan string, 1)
	go scanLog(stderr, log, addrc)
	t.Cleanup(func() {
		stopProcess(cmd)
		if t.Failed() {
			t.Logf("log of tenantd %d:\n%s", cmd.Process.Pid, log.String())
		}
	})

	addr, ok := <-addrc
	if !ok {
		t.Errorf("tenantd exited before listening:\n%s", log.String())
		return nil
	}
	return &server{URL: "http://" + addr, http: &http.Client{Timeout: 30 * time.Second}}
}

// scanLog copies a child's log into buf and sends the address of its listening line on addrc,
// closing addrc when the log ends.
func scanLog(r io.Reader, buf *lockedBuffer, addrc chan<- string) {
	defer close(addrc)
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		buf.WriteLine(line)
		if sent || !strings.Contains(line, `msg="tenantd listening"`) {
			continue
		}
		for _, field := range strings.Fields(line) {
			if addr, ok := strings.CutPrefix(field, "addr="); ok {
				addrc <- addr
				sent = true
			}
		}
	}
}

// stopProcess asks the child to shut down, and kills it if it does not within a while.
func stopProcess(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) WriteLine(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s + "\n")
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawStatus sends a request and returns its status, or 0 if the request failed on the way. It
// never fails a test, so it may run in any goroutine.
func rawStatus(s *server, method, path, token string, body any) int {
	res, err := rawRequest(s, method, path, token, body)
	if err != nil {
		return 0
	}
	return res.Status
}

// rawRequest is like server.do but returns errors instead of failing a test.
func rawRequest(s *server, method, path, token string, body any) (*response, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	res, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: out}, nil
}
