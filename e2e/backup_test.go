package e2e

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBackupWhileWriting takes a backup with `tenantd backup` while writers keep changing the
// running server, restores it with `tenantd restore` into an empty directory and checks that
// the restored database passes integrity_check and holds every write acknowledged before the
// backup began (and none that was never sent).
func TestBackupWhileWriting(t *testing.T) {
	live := t.TempDir()
	p := startProc(t, live)
	f := &fleet{}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 4 {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
		wg.Go(func() { f.write(ctx, t, p.URL, p.Admin, "b", w, rng) })
	}
	time.Sleep(500 * time.Millisecond)

	before := f.snapshot()
	file := filepath.Join(t.TempDir(), "tenantd backup?#.db")
	if out, err := runTenantd(t, live, "backup", file); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	time.Sleep(200 * time.Millisecond)
	stop()
	wg.Wait()
	after := f.snapshot()
	if t.Failed() {
		t.FailNow()
	}

	// A second backup to the same file is refused rather than overwriting it.
	if out, err := runTenantd(t, live, "backup", file); err == nil ||
		!strings.Contains(out, "already exists") {
		t.Fatalf("backup over an existing file: %v\n%s", err, out)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := runTenantd(t, restored, "restore", file); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	integrityCheck(t, filepath.Join(restored, "tenantd.db"))

	r := startProc(t, restored)
	for i, tr := range before {
		if tr.acked == 0 {
			continue // its create was not acknowledged before the backup began
		}
		v := readVersion(t, r.URL, r.Admin, tr)
		last := max(after[i].acked, after[i].sent)
		if v < tr.acked || v > last {
			t.Fatalf("%s: restored version %d; acknowledged %d before the backup, %d at most",
				tr.domain, v, tr.acked, last)
		}
	}
	ackedBefore := 0
	for _, tr := range before {
		if tr.acked > 0 {
			ackedBefore++
		}
	}
	n := tenantCount(t, r.URL, r.Admin)
	if n < ackedBefore || n > len(after) {
		t.Fatalf("restored %d tenants; %d acknowledged before the backup, %d sent in all", n,
			ackedBefore, len(after))
	}
	t.Logf("%d tenants acknowledged before the backup, %d restored, %d at the end",
		ackedBefore, n, len(after))
}

// TestRestoreRefuses checks that restore never overwrites data and never installs a damaged
// or foreign file.
func TestRestoreRefuses(t *testing.T) {
	live := t.TempDir()
	p := startProc(t, live)
	p.kill(t)
	good := filepath.Join(t.TempDir(), "good.db")
	if out, err := runTenantd(t, live, "backup", good); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}

	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096; i < len(raw); i++ {
		raw[i] ^= 0x5a // spoil every page after the first
	}
	if err := os.WriteFile(damaged, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, dir, file, want string
	}{
		{"non-empty directory", live, good, "not empty"},
		{"missing file", filepath.Join(t.TempDir(), "d"), good + ".missing", "unable to open"},
		{"not a database", filepath.Join(t.TempDir(), "d"), garbage, "integrity check"},
		{"damaged database", filepath.Join(t.TempDir(), "d"), damaged, "integrity check"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := runTenantd(t, c.dir, "restore", c.file)
			if err == nil || !strings.Contains(out, c.want) {
				t.Fatalf("restore: %v\n%s", err, out)
			}
			if c.dir != live {
				if _, err := os.Stat(filepath.Join(c.dir, "tenantd.db")); err == nil {
					t.Fatal("a refused restore left a database behind")
				}
			}
		})
	}
}
