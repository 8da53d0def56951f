package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestShutdownUnderLoad sends SIGTERM to a child tenantd while 50 create requests are in
// flight. Every request must either complete with 201 or fail at the transport (refused or
// closed before any answer), tenantd must exit cleanly, and after a restart every
// acknowledged tenant must be there.
func TestShutdownUnderLoad(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir)

	var inFlight atomic.Int32
	var mu sync.Mutex
	acked := map[string]string{} // domain -> id
	refused := 0

	var wg sync.WaitGroup
	for w := range 50 {
		wg.Go(func() {
			for n := 0; ; n++ {
				domain := fmt.Sprintf("w%d-n%d.shutdown.example", w, n)
				inFlight.Add(1)
				res, err := send(context.Background(), p.URL, "POST", "/api/tenants", p.Admin,
					createBody(domain), nil)
				inFlight.Add(-1)

				mu.Lock()
				switch {
				case err != nil:
					refused++
				case res.Status == http.StatusCreated:
					acked[domain], _ = res.object(t)["id"].(string)
				default:
					t.Errorf("create during shutdown: status %d: %s", res.Status, res.Body)
				}
				mu.Unlock()
				if err != nil || res.Status != http.StatusCreated {
					return
				}
			}
		})
	}

	// Let the load settle on open connections, then stop the server the next moment all 50
	// writers have a request out.
	time.Sleep(300 * time.Millisecond)
	for inFlight.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	if err := p.terminate(t, 30*time.Second); err != nil {
		t.Fatalf("tenantd exited with %v after SIGTERM\n%s", err, p.logText())
	}
	wg.Wait()
	if !strings.Contains(p.logText(), `msg=stopped`) {
		t.Fatalf("tenantd did not log a clean stop:\n%s", p.logText())
	}

	// Closing the last connection checkpoints the WAL into the database and removes it.
	if _, err := os.Stat(filepath.Join(dir, "tenantd.db-wal")); err == nil {
		t.Fatal("the database was not closed cleanly: its WAL file is still there")
	}
	integrityCheck(t, filepath.Join(dir, "tenantd.db"))

	p = startProc(t, dir)
	for domain, id := range acked {
		v := readVersion(t, p.URL, p.Admin, tracked{domain: domain, id: id})
		if v != 1 {
			t.Fatalf("%s holds version %d", domain, v)
		}
	}
	n := tenantCount(t, p.URL, p.Admin)
	if n < len(acked) {
		t.Fatalf("%d tenants after restart, %d acknowledged", n, len(acked))
	}
	t.Logf("%d creates acknowledged, %d refused at shutdown, %d tenants stored",
		len(acked), refused, n)
}
