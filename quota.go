package tenantd

import (
	"errors"
	"math"
	"strconv"
)

// Reasons a quota string is refused. They are client-safe and name no internal detail.
var (
	errQuotaFormat = errors.New(
		"must be a whole number followed by KB, MB, GB, TB or PB, or empty for unlimited")
	errQuotaZero        = errors.New("must be greater than zero")
	errQuotaLeadingZero = errors.New("must not start with a zero")
	errQuotaTooLarge    = errors.New("must not exceed 2^63-1 bytes")
)

// quotaUnits lists the units from smallest to largest. Unit i stands for 1024^(i+1) bytes.
var quotaUnits = [...]string{"KB", "MB", "GB", "TB", "PB"}

// ParseQuota parses a quota such as "100MB" and returns its canonical form and its size in
// bytes. The empty string means unlimited and yields ("", 0, nil).
//
// A quota is a positive decimal integer without sign, spaces or leading zeros ("007MB" is
// refused so that every limit has exactly one spelling), followed directly by one of the units
// KB, MB, GB, TB or PB. Units are binary (1KB = 1024 bytes) and their case is ignored; the
// canonical form keeps the number as given and upper-cases the unit. A quota of more than
// 2^63-1 bytes is refused.
//
// The error, if any, is a plain error whose message is a short reason fit for a client.
func ParseQuota(s string) (canonical string, bytes int64, err error) {
	if s == "" {
		return "", 0, nil
	}

	// The unit is always the last two bytes; everything before it must be digits.
	if len(s) < 3 {
		return "", 0, errQuotaFormat
	}
	digits, unit := s[:len(s)-2], quotaUpper(s[len(s)-2:])
	shift, ok := quotaShift(unit)
	if !ok || !quotaDigits(digits) {
		return "", 0, errQuotaFormat
	}

	if digits[0] == '0' {
		if len(digits) == 1 {
			return "", 0, errQuotaZero
		}
		return "", 0, errQuotaLeadingZero
	}

	// ParseInt fails only on overflow here, since digits holds nothing but digits.
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64>>shift {
		return "", 0, errQuotaTooLarge
	}
	return digits + unit, n << shift, nil
}

// FormatUsage writes a byte count the way quotas are written, rounded up to whole kilobytes
// and in the largest unit that holds the count exactly: 0 is "0KB", 1 is "1KB", 1048576 is
// "1MB" and 1572864 is "1536KB". A negative count is written as "0KB".
//
// Only a count of zero gives a string that ParseQuota refuses; usage is read-only, so that
// value is never parsed back.
func FormatUsage(bytes int64) string {
	if bytes <= 0 {
		return "0KB"
	}

	// Round up without computing bytes+1023, which could overflow.
	n := (bytes-1)/1024 + 1

	unit := 0
	for n%1024 == 0 && unit < len(quotaUnits)-1 {
		n /= 1024
		unit++
	}
	return strconv.FormatInt(n, 10) + quotaUnits[unit]
}

// quotaShift returns log2 of the number of bytes in an upper-case unit.
func quotaShift(unit string) (uint, bool) {
	for i, u := range quotaUnits {
		if u == unit {
			return uint(10 * (i + 1)), true
		}
	}
	return 0, false
}

// quotaUpper upper-cases ASCII letters only. Unicode case folding is deliberately avoided:
// it would let look-alikes such as the Kelvin sign (U+212A) pass for a "K".
func quotaUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// quotaDigits reports whether s is non-empty and made only of ASCII digits.
func quotaDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
