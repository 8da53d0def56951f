package tenantd

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// reservedNames are the account names only the system admin may hold, compared ignoring case.
var reservedNames = []string{"admin", "system", "administrator", "root"}

// Password length bounds. The upper bound keeps one hash cheap to refuse; the lower one is
// the least we accept for an account that signs in over the network.
const (
	minPassword = 8
	maxPassword = 128
)

// checkAccountName applies PortSIP's rules for an account name: 1 to 64 letters, digits and
// _ - ' . without a leading or trailing period, and none of the reserved names.
func checkAccountName(s string) string {
	const reason = "must be 1 to 64 letters, digits, _ - ' or . and not start or end with ."
	if s == "" || utf8.RuneCountInString(s) > 64 ||
		strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return reason
	}
	for _, r := range s {
		if !isNameRune(r) {
			return reason
		}
	}
	for _, name := range reservedNames {
		if strings.EqualFold(s, name) {
			return "is reserved for the system admin"
		}
	}
	return ""
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '_' || r == '-' || r == '\'' || r == '.'
}

// readPassword reads a new password member: a string of minPassword to maxPassword
// characters without control characters.
func readPassword(raw json.RawMessage, field string, p *Problems) (string, bool) {
	s, null, reason := readString(raw)
	if null {
		reason = reasonNotNull
	}
	if reason == "" {
		n := utf8.RuneCountInString(s)
		if n < minPassword || n > maxPassword || hasControl(s) {
			reason = "must be 8 to 128 characters without control characters"
		}
	}
	if reason != "" {
		p.Add(field, reason)
		return "", false
	}
	return s, true
}

// readName reads a required account name member.
func readName(dst *string, raw json.RawMessage, field string, p *Problems) {
	s, null, reason := readString(raw)
	if null {
		reason = reasonNotNull
	}
	if reason == "" {
		reason = checkAccountName(s)
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}

// checkEmail accepts one bare e-mail address of at most 128 characters.
func checkEmail(s string) string {
	const reason = "must be one e-mail address of at most 128 characters"
	if len(s) > 128 {
		return reason
	}
	if checkEmailList(s) != "" || strings.ContainsAny(s, ",;") {
		return reason
	}
	return ""
}

// textRule returns a check for optional free text of at most max characters.
func textRule(max int) func(string) string {
	return func(s string) string { return checkText(s, max) }
}

// readCount reads a 32-bit integer of at least 0.
func readCount(dst *int32, raw json.RawMessage, field string, p *Problems) {
	n, reason := readInt(raw, 0, 1<<31-1)
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = int32(n)
}

// readEnum reads a string that must be one of values.
func readEnum(dst *string, raw json.RawMessage, field string, p *Problems, values ...string) {
	s, _, reason := readString(raw)
	if reason == "" && !slices.Contains(values, s) {
		reason = "must be one of " + strings.Join(values, ", ")
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}
