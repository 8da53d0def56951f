package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestCrashKeepsAcknowledgedWrites runs tenantd as a child process under eight concurrent
// writers and kills it with SIGKILL at a random moment, twenty times over one data directory.
// After each crash the database must pass integrity_check, and the restarted server must
// hold every acknowledged write with its last acknowledged value, nothing half-written and
// nothing the writers did not send.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 4
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	dir := t.TempDir()
	f := &fleet{}
	var applied, lost int
	for round := range rounds {
		p := startProc(t, dir)
		if round > 0 {
			a, l := f.recover(t, p)
			applied, lost = applied+a, lost+l
		}

		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 8 {
			wrng := rand.New(rand.NewPCG(rng.Uint64(), uint64(w)))
			wg.Go(func() { f.write(ctx, t, p.URL, p.Admin, fmt.Sprintf("r%d", round), w, wrng) })
		}

		time.Sleep(time.Duration(50+rng.IntN(1200)) * time.Millisecond)
		p.kill(t)
		stop()
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		integrityCheck(t, filepath.Join(dir, "tenantd.db"))
	}

	p := startProc(t, dir)
	a, l := f.recover(t, p)
	t.Logf("%d tenants after %d crashes; writes in flight at a crash: %d applied, %d not",
		len(f.tenants), rounds, applied+a, lost+l)
}
