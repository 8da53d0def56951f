package tenantd

import (
	"strings"
	"testing"
)

func TestCanonicalCurrency(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"CHF", "CHF", true},
		{"chf", "CHF", true},
		{"xof", "XOF", true},
		{"JPY", "JPY", true},
		{"EUR", "EUR", true},
		{"Usd", "USD", true},
		{"GBP", "GBP", true},
		{"CNY", "CNY", true},
		{"SLE", "SLE", true},
		{"VES", "VES", true},
		{"VED", "VED", true},
		{"ZWG", "ZWG", true},
		{"XCG", "XCG", true},
		{"AED", "AED", true}, // first entry
		{"ZWG", "ZWG", true}, // last entry

		{"", "", false},
		{"EURO", "", false},
		{"EU", "", false},
		{"XYZ", "", false},
		{"US$", "", false},
		{" EUR", "", false},
		{"EU1", "", false},
		{"DEM", "", false}, // withdrawn, replaced by EUR
		{"FRF", "", false},
		{"HRK", "", false},
		{"BGN", "", false},
		{"SLL", "", false},
		{"ZWL", "", false},
		{"CUC", "", false},
		{"ANG", "", false},
		{"XAU", "", false}, // precious metal, not a currency
		{"XDR", "", false},
		{"CHE", "", false}, // fund code
		{"XTS", "", false},
		{"XXX", "", false},
		{"AAA", "", false}, // before the first entry
		{"ZZZ", "", false}, // after the last entry
		{"\u00e9ur", "", false},
	}
	for _, tt := range tests {
		got, ok := CanonicalCurrency(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalCurrency(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCanonicalRegion(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"USA", "USA", true},
		{"gbr", "GBR", true},
		{"CHN", "CHN", true},
		{"Deu", "DEU", true},
		{"CHE", "CHE", true},
		{"SSD", "SSD", true},
		{"ALA", "ALA", true},
		{"BES", "BES", true},
		{"ABW", "ABW", true},
		{"ZWE", "ZWE", true},

		{"", "", false},
		{"US", "", false},
		{"USAA", "", false},
		{"XKX", "", false}, // user-assigned, not official
		{"ANT", "", false}, // Netherlands Antilles, deleted
		{"SUN", "", false},
		{"EUR", "", false},
		{"UK ", "", false},
		{"AAA", "", false},
		{"ZZZ", "", false},
	}
	for _, tt := range tests {
		got, ok := CanonicalRegion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CanonicalRegion(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCodeTables checks the layout lookupISOCode relies on: three upper-case letters and a
// space per entry, in strictly ascending order, and that every entry can be found.
func TestCodeTables(t *testing.T) {
	tables := []struct {
		name  string
		table string
		size  int
	}{
		{"currencyCodes", currencyCodes, 155},
		{"regionCodes", regionCodes, 249},
	}
	for _, tt := range tables {
		codes := strings.Fields(tt.table)
		if len(codes) != tt.size || len(tt.table) != 4*tt.size {
			t.Errorf("%s: %d codes in %d bytes; want %d", tt.name, len(codes), len(tt.table), tt.size)
		}

		for i, code := range codes {
			if tt.table[4*i:4*i+4] != code+" " || strings.ToUpper(code) != code {
				t.Errorf("%s: entry %d (%q) is misaligned or not upper case", tt.name, i, code)
			}
			if i > 0 && codes[i-1] >= code {
				t.Errorf("%s: %q does not sort after %q", tt.name, code, codes[i-1])
			}
			if got, ok := lookupISOCode(tt.table, strings.ToLower(code)); !ok || got != code {
				t.Errorf("%s: lookup of %q = %q, %v", tt.name, code, got, ok)
			}
		}
	}
}

func TestValidTimezone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Europe/Zurich", true},
		{"UTC", true},
		{"Etc/GMT+6", true},
		{"Etc/GMT-14", true},
		{"Asia/Calcutta", true},
		{"Asia/Kolkata", true},
		{"US/Eastern", true},
		{"America/Argentina/Buenos_Aires", true},
		{"America/Port-au-Prince", true},
		{"EST5EDT", true},
		{"GMT0", true},

		{"", false},
		{"Local", false},
		{"local", false},
		{"localtime", false},
		{"posixrules", false},
		{"posix/Europe/Zurich", false},
		{"right/UTC", false},
		{"Factory", false},
		{"Europe", false},
		{"Europe/", false},
		{"Europe/Athnes", false},
		{"europe/zurich", false},
		{"../etc/passwd", false},
		{"Europe/../Europe/Zurich", false},
		{"/Europe/Zurich", false},
		{"/etc/passwd", false},
		{"Europe//Zurich", false},
		{"Europe/Zurich ", false},
		{"Europe\\Zurich", false},
		{"zone.tab", false},
		{"iso3166.tab", false},
		{"Europe/Zurich\x00", false},
		{"+01:00", false},
		{strings.Repeat("A", 65), false},
	}
	for _, tt := range tests {
		if got := ValidTimezone(tt.in); got != tt.want {
			t.Errorf("ValidTimezone(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}
