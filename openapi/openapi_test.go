package openapi_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/openapi"
)

// schema is the part of a JSON schema these tests read.
type schema struct {
	Type       any                `json:"type"`
	Enum       []string           `json:"enum"`
	Pattern    string             `json:"pattern"`
	Default    any                `json:"default"`
	Required   []string           `json:"required"`
	Properties map[string]*schema `json:"properties"`
}

func schemas(t *testing.T) map[string]*schema {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]*schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonObject encodes v and decodes it as a generic object.
func jsonObject(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCodeListsMatchDomain compares the currency and region enums with what the domain
// accepts, over every three-letter upper-case code.
func TestCodeListsMatchDomain(t *testing.T) {
	s := schemas(t)
	for name, accept := range map[string]func(string) (string, bool){
		"Currency": tenantd.CanonicalCurrency,
		"Region":   tenantd.CanonicalRegion,
	} {
		var want []string
		for a := 'A'; a <= 'Z'; a++ {
			for b := 'A'; b <= 'Z'; b++ {
				for c := 'A'; c <= 'Z'; c++ {
					code := string([]rune{a, b, c})
					if _, ok := accept(code); ok {
						want = append(want, code)
					}
				}
			}
		}
		got := slices.Sorted(slices.Values(s[name].Enum))
		if !slices.Equal(got, want) {
			t.Errorf("%s enum has %d codes, the domain accepts %d", name, len(got), len(want))
		}
	}
}

// TestTenantSchemasMatchDomain checks that the documented tenant objects have exactly the
// members the server writes and reads, and the defaults a new tenant gets.
func TestTenantSchemasMatchDomain(t *testing.T) {
	s := schemas(t)
	tenant := tenantd.NewTenant()
	full := jsonObject(t, tenant)
	summary := jsonObject(t, tenant.Summary())

	for _, c := range []struct {
		schema string
		want   []string
	}{
		{"Tenant", keys(full)},
		{"TenantSummary", keys(summary)},
		{"TenantUpdate", keys(full)},
	} {
		if got := keys(s[c.schema].Properties); !slices.Equal(got, c.want) {
			t.Errorf("%s properties %v\nwant %v", c.schema, got, c.want)
		}
	}
	for _, name := range []string{"Tenant", "TenantSummary"} {
		got := slices.Sorted(slices.Values(s[name].Required))
		if want := keys(s[name].Properties); !slices.Equal(got, want) {
			t.Errorf("%s must require every member: requires %v", name, got)
		}
	}

	for name, prop := range s["Tenant"].Properties {
		if prop.Default == nil {
			continue
		}
		// JSON numbers decode as float64 on both sides, so the values compare directly.
		if got, want := prop.Default, full[name]; got != want {
			t.Errorf("%s: documented default %v, a new tenant has %v", name, got, want)
		}
	}
}

// TestPatternsMatchDomain probes the documented patterns with values the domain accepts and
// refuses.
func TestPatternsMatchDomain(t *testing.T) {
	s := schemas(t)
	quota := regexp.MustCompile(s["QuotaInput"].Pattern)
	for _, q := range []string{"", "1KB", "10gb", "512Mb", "0KB", "01MB", "1 GB", "1.5GB", "1B",
		"1XB", "GB", "-1KB", "1kB"} {
		_, _, err := tenantd.ParseQuota(q)
		if quota.MatchString(q) != (err == nil) {
			t.Errorf("quota %q: pattern match %v, domain error %v", q, quota.MatchString(q), err)
		}
	}

	tz := regexp.MustCompile(s["Timezone"].Pattern)
	for _, z := range []string{"Europe/Zurich", "UTC", "Etc/GMT+6", "America/Argentina/Salta",
		"Asia/Calcutta", "America/Port-au-Prince"} {
		if !tenantd.ValidTimezone(z) || !tz.MatchString(z) {
			t.Errorf("time zone %q: domain %v, pattern %v", z, tenantd.ValidTimezone(z), tz.MatchString(z))
		}
	}
	for _, z := range []string{"../etc/passwd", "/UTC", "Europe//Zurich", "Europe/Zurich "} {
		if tz.MatchString(z) {
			t.Errorf("time zone %q matches the pattern", z)
		}
	}
}
