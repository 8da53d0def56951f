package filter

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// compareArg converts the non-null literal of e to the SQL argument for field f, checking that
// the literal and the operator suit the field's kind. Mismatches are *FieldError.
func compareArg(e *compareExpr, f Field) (any, error) {
	switch f.Kind {
	case String:
		return stringArg(e)
	case Int:
		return intArg(e)
	case Bool:
		return boolArg(e)
	case Time:
		return timeArg(e)
	case ID:
		return idArg(e)
	}
	return nil, fmt.Errorf("filter: field %q has unknown kind %d", e.field, f.Kind)
}

func stringArg(e *compareExpr) (any, error) {
	if e.lit.kind != litString {
		return nil, fieldErr(e.lit.pos, e.field, "expects a string")
	}
	return e.lit.str, nil
}

func intArg(e *compareExpr) (any, error) {
	if e.lit.kind != litInt {
		return nil, fieldErr(e.lit.pos, e.field, "expects an integer")
	}
	return e.lit.num, nil
}

// boolArg gives 1 or 0, the way booleans are stored. Order has no meaning for them.
func boolArg(e *compareExpr) (any, error) {
	if e.op != "eq" && e.op != "ne" {
		return nil, fieldErr(e.pos, e.field, "allows only eq and ne")
	}
	if e.lit.kind != litBool {
		return nil, fieldErr(e.lit.pos, e.field, "expects true or false")
	}

	if e.lit.b {
		return int64(1), nil
	}
	return int64(0), nil
}

// timeArg gives unix seconds, the way times are stored. A time with a fraction of a second is
// rejected rather than rounded: no single rounding would be right for both gt and ge.
func timeArg(e *compareExpr) (any, error) {
	if e.lit.kind != litString {
		return nil, fieldErr(e.lit.pos, e.field, "expects a quoted rfc 3339 time")
	}

	t, err := time.Parse(time.RFC3339, e.lit.str)
	if err != nil {
		return nil, fieldErr(e.lit.pos, e.field, "invalid time, want rfc 3339 like "+
			"'2024-01-02T15:04:05Z'")
	}
	if t.Nanosecond() != 0 {
		return nil, fieldErr(e.lit.pos, e.field, "time must be in whole seconds")
	}
	return t.Unix(), nil
}

// idArg accepts an integer or, since ids travel as decimal strings, a quoted one.
func idArg(e *compareExpr) (any, error) {
	switch e.lit.kind {
	case litInt:
		return e.lit.num, nil
	case litString:
		// Checked below.
	default:
		return nil, fieldErr(e.lit.pos, e.field, "expects an id")
	}

	// ParseInt alone would also take a sign, as in "+5"; ids on the wire are bare digits.
	s := e.lit.str
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return nil, fieldErr(e.lit.pos, e.field, "invalid id")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fieldErr(e.lit.pos, e.field, "id out of range")
	}
	return n, nil
}
