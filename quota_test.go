package tenantd

import (
	"math"
	"testing"
)

func TestParseQuota(t *testing.T) {
	tests := []struct {
		in        string
		canonical string
		bytes     int64
	}{
		{"", "", 0},
		{"100MB", "100MB", 100 << 20},
		{"1000GB", "1000GB", 1000 << 30},
		{"100mb", "100MB", 100 << 20},
		{"1Kb", "1KB", 1024},
		{"2tB", "2TB", 2 << 40},
		{"1PB", "1PB", 1 << 50},
		{"10240KB", "10240KB", 10240 << 10},

		// The largest value of each unit that still fits in an int64.
		{"9007199254740991KB", "9007199254740991KB", math.MaxInt64 >> 10 << 10},
		{"8796093022207MB", "8796093022207MB", math.MaxInt64 >> 20 << 20},
		{"8589934591GB", "8589934591GB", math.MaxInt64 >> 30 << 30},
		{"8388607TB", "8388607TB", math.MaxInt64 >> 40 << 40},
		{"8191PB", "8191PB", math.MaxInt64 >> 50 << 50},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			canonical, bytes, err := ParseQuota(tt.in)
			if err != nil {
				t.Fatalf("ParseQuota(%q) error: %v", tt.in, err)
			}
			if canonical != tt.canonical || bytes != tt.bytes {
				t.Errorf("ParseQuota(%q) = %q, %d; want %q, %d",
					tt.in, canonical, bytes, tt.canonical, tt.bytes)
			}
		})
	}
}

func TestParseQuotaInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"1.5GB", errQuotaFormat},
		{"100", errQuotaFormat},
		{"abc", errQuotaFormat},
		{"MB", errQuotaFormat},
		{"100 MB", errQuotaFormat},
		{" 100MB", errQuotaFormat},
		{"100MB ", errQuotaFormat},
		{"-1MB", errQuotaFormat},
		{"+1MB", errQuotaFormat},
		{"1e3MB", errQuotaFormat},
		{"0x10MB", errQuotaFormat},
		{"100B", errQuotaFormat},
		{"100KiB", errQuotaFormat},
		{"100EB", errQuotaFormat},
		{"1_000MB", errQuotaFormat},
		{"\uff11MB", errQuotaFormat}, // fullwidth digit one
		{"1\u212aB", errQuotaFormat}, // Kelvin sign, which Unicode folds to "k"
		{"0MB", errQuotaZero},
		{"0KB", errQuotaZero},
		{"007MB", errQuotaLeadingZero},
		{"00MB", errQuotaLeadingZero},
		{"9999999999PB", errQuotaTooLarge},
		{"99999999999999999999KB", errQuotaTooLarge},
		{"9007199254740992KB", errQuotaTooLarge},
		{"8796093022208MB", errQuotaTooLarge},
		{"8589934592GB", errQuotaTooLarge},
		{"8388608TB", errQuotaTooLarge},
		{"8192PB", errQuotaTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			canonical, bytes, err := ParseQuota(tt.in)
			if err != tt.want {
				t.Fatalf("ParseQuota(%q) = %q, %d, %v; want error %q",
					tt.in, canonical, bytes, err, tt.want)
			}
			if canonical != "" || bytes != 0 {
				t.Errorf("ParseQuota(%q) returned %q, %d with an error", tt.in, canonical, bytes)
			}
		})
	}
}

func TestFormatUsage(t *testing.T) {
	tests := []struct {
		bytes int64
		want  string
	}{
		{-1, "0KB"},
		{0, "0KB"},
		{1, "1KB"},
		{1023, "1KB"},
		{1024, "1KB"},
		{1025, "2KB"},
		{1536 * 1024, "1536KB"},
		{1 << 20, "1MB"},
		{1<<20 + 1, "1025KB"},
		{3 << 30, "3GB"},
		{5 << 40, "5TB"},
		{1 << 50, "1PB"},
		{2048 << 50, "2048PB"},
		{math.MaxInt64, "8192PB"},
	}
	for _, tt := range tests {
		if got := FormatUsage(tt.bytes); got != tt.want {
			t.Errorf("FormatUsage(%d) = %q; want %q", tt.bytes, got, tt.want)
		}
	}
}

// TestFormatUsageParses checks that every non-zero usage reads back as a quota at least as
// large as the usage, so a usage string can be compared with a limit.
func TestFormatUsageParses(t *testing.T) {
	for _, n := range []int64{1, 1000, 1 << 20, 1<<20 + 1, 123456789, 1 << 62} {
		s := FormatUsage(n)
		_, bytes, err := ParseQuota(s)
		if err != nil || bytes < n || bytes-n >= 1024 {
			t.Errorf("ParseQuota(FormatUsage(%d) = %q) = %d, %v", n, s, bytes, err)
		}
	}
}

func FuzzParseQuota(f *testing.F) {
	for _, s := range []string{
		"", "100MB", "100mb", "1000GB", "1.5GB", "0MB", "007MB", "+1MB", "-1MB",
		" 100MB", "100 MB", "MB", "8388607TB", "8388608TB", "9999999999PB", "1\u212aB",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		canonical, bytes, err := ParseQuota(s)
		if err != nil {
			return
		}
		if bytes < 0 || (bytes == 0) != (canonical == "") {
			t.Fatalf("ParseQuota(%q) = %q, %d", s, canonical, bytes)
		}

		again, againBytes, err := ParseQuota(canonical)
		if err != nil || again != canonical || againBytes != bytes {
			t.Fatalf("ParseQuota(%q) = %q, %d; re-parsed as %q, %d, %v",
				s, canonical, bytes, again, againBytes, err)
		}
	})
}
