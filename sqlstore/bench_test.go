package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tenantd/tenantd"
)

// BenchmarkCreateTenantParallel measures durable creates from 8 concurrent callers, the load
// group commit is for. It reports creates per second beside the usual ns/op.
func BenchmarkCreateTenantParallel(b *testing.B) {
	db := New(filepath.Join(b.TempDir(), "bench.db"))
	if err := db.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	admin := tenantd.Actor{Role: tenantd.RoleSystemAdmin}

	var seq atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq.Load() < int64(b.N) {
				n := seq.Add(1)
				t := tenantd.NewTenant()
				t.Name, t.Domain = fmt.Sprint("Tenant ", n), fmt.Sprintf("t%d.example", n)
				t.Timezone, t.Currency, t.Region = "UTC", "CHF", "CHE"
				if err := db.CreateTenant(context.Background(), admin, t); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
}
