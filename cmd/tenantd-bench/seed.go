package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/sqlstore"
)

// Value pools for realistic, varied tenants.
var (
	words = []string{"Alpine", "Harbor", "Cedar", "Summit", "Nordic", "Atlas", "Beacon",
		"Cobalt", "Delta", "Ember", "Falcon", "Granite", "Horizon", "Iris", "Juniper", "Kestrel",
		"Lumen", "Meridian", "Nimbus", "Orchid", "Pioneer", "Quartz", "Raven", "Sierra"}
	kinds    = []string{"Telecom", "Dental", "Logistics", "Law", "Clinic", "Hotels", "Bank"}
	suffixes = []string{"Ltd", "GmbH", "AG", "Inc", "SA", "BV", "LLC"}
	zones    = []string{"Europe/Zurich", "Europe/Berlin", "America/New_York", "Asia/Tokyo",
		"Africa/Abidjan", "Australia/Sydney", "UTC"}
	locales = [][2]string{{"CHF", "CHE"}, {"EUR", "DEU"}, {"USD", "USA"}, {"JPY", "JPN"},
		{"XOF", "CIV"}, {"AUD", "AUS"}, {"GBP", "GBR"}}
	extLimits = []int32{10, 25, 50, 100, 250, 500, 1000, 5000}
)

// seeded is what the scenarios need to know of the seeded data.
type seeded struct {
	ids   []int64
	names []string
}

// seed creates a fresh database holding n tenants through the store's bulk path.
func seed(ctx context.Context, dataDir, dbURL string, n int) (*seeded, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	db := sqlstore.New(filepath.Join(dataDir, "tenantd.db"))
	if dbURL != "" {
		db = sqlstore.NewPostgres(dbURL, sqlstore.PoolConfig{MaxOpenConns: 4})
	}
	if err := db.Open(ctx); err != nil {
		return nil, err
	}
	defer db.Close()

	rng := rand.New(rand.NewPCG(1, 2))
	tenants := make([]*tenantd.Tenant, n)
	s := &seeded{ids: make([]int64, n), names: make([]string, n)}
	for i := range tenants {
		tenants[i] = fakeTenant(rng, i)
	}

	admin := tenantd.Actor{Role: tenantd.RoleSystemAdmin, Name: "bench"}
	if err := db.BulkCreateTenants(ctx, admin, tenants); err != nil {
		return nil, err
	}
	for i, t := range tenants {
		s.ids[i], s.names[i] = t.ID, t.Name
	}
	return s, nil
}

// fakeTenant returns the i-th tenant of a reproducible, varied population.
func fakeTenant(rng *rand.Rand, i int) *tenantd.Tenant {
	t := tenantd.NewTenant()
	w1, w2 := words[rng.IntN(len(words))], words[rng.IntN(len(words))]
	t.Name = fmt.Sprintf("%s %s %s %d %s", w1, w2, kinds[rng.IntN(len(kinds))], i,
		suffixes[rng.IntN(len(suffixes))])
	t.Domain = fmt.Sprintf("pbx%d.%s-%s.example", i, lower(w1), lower(w2))
	t.Timezone = zones[rng.IntN(len(zones))]
	loc := locales[rng.IntN(len(locales))]
	t.Currency, t.Region = loc[0], loc[1]
	t.MaxExtensions = extLimits[rng.IntN(len(extLimits))]
	t.MaxConcurrentCalls = int32(2 + rng.IntN(200))
	t.Enabled = rng.IntN(10) != 0
	if rng.IntN(2) == 0 {
		t.Website = tenantd.NullString("https://www." + lower(w1) + ".example")
	}
	t.CreatedAt = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).
		Add(time.Duration(rng.IntN(3*365*24)) * time.Hour)
	return t
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
