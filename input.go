package tenantd

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input is one JSON object of a request body: member names mapped to their raw values. The HTTP
// layer has already checked that the body is well-formed, valid UTF-8 and free of duplicate
// names; the domain decides what each member may hold.
type Input map[string]json.RawMessage

// Reasons shared by many fields, so that clients see one wording for one rule.
const (
	reasonBool    = "must be true or false"
	reasonString  = "must be a string"
	reasonNotNull = "must not be null"
	reasonObject  = "must be an object"
	reasonArray   = "must be an array"
	reasonUnknown = "unknown field"
)

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// readBool accepts only the JSON literals true and false.
func readBool(raw json.RawMessage) (bool, string) {
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, ""
	case "false":
		return false, ""
	}
	return false, reasonBool
}

// readInt accepts a JSON integer within [lo, hi]: no fraction, no exponent, no quotes.
func readInt(raw json.RawMessage, lo, hi int64) (int64, string) {
	reason := "must be an integer from " + strconv.FormatInt(lo, 10) + " to " +
		strconv.FormatInt(hi, 10)

	s := string(bytes.TrimSpace(raw))
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, reason
	}

	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, reason
	}
	return n, ""
}

// readString accepts a JSON string. null is reported through the second result so that each
// field decides what null means for it.
func readString(raw json.RawMessage) (s string, null bool, reason string) {
	if isNull(raw) {
		return "", true, ""
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, reasonString
	}
	return s, false, ""
}

// readObject accepts a JSON object and returns its members.
func readObject(raw json.RawMessage) (Input, string) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, reasonObject
	}
	var in Input
	if err := json.Unmarshal(trimmed, &in); err != nil {
		return nil, reasonObject
	}
	return in, ""
}

// readArray accepts a JSON array and returns its elements.
func readArray(raw json.RawMessage) ([]json.RawMessage, string) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, reasonArray
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil {
		return nil, reasonArray
	}
	return items, ""
}

// hasControl reports whether s holds a control character (tabs and newlines included).
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// checkText applies the common rules of a short free-text value: at most max characters and
// no control characters.
func checkText(s string, max int) string {
	if utf8.RuneCountInString(s) > max {
		return "must be at most " + strconv.Itoa(max) + " characters"
	}
	if hasControl(s) {
		return "must not contain control characters"
	}
	return ""
}

// checkHTTPURL accepts an absolute http or https URL with a host, of at most max characters.
func checkHTTPURL(s string, max int) string {
	reason := "must be an absolute http or https URL of at most " + strconv.Itoa(max) +
		" characters"
	if len(s) > max || hasControl(s) || strings.ContainsAny(s, " \\") {
		return reason
	}

	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Hostname() == "" || u.User != nil {
		return reason
	}
	return ""
}

// strictUnmarshal decodes the JSON object raw into the struct v points to, refusing members v
// does not have. encoding/json alone matches member names regardless of case, which would
// accept "FROM" for "from" and, given both, keep whichever came last; so every name must first
// be one that v itself encodes (v's fields must not use omitempty).
func strictUnmarshal(raw json.RawMessage, v any) error {
	var in Input
	if err := json.Unmarshal(raw, &in); err != nil {
		return err
	}
	encoded, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var known Input
	if err := json.Unmarshal(encoded, &known); err != nil {
		return err
	}
	for name := range in {
		if _, ok := known[name]; !ok {
			return errors.New("unknown member " + strconv.Quote(name))
		}
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
