package filter

import (
	"errors"
	"strings"
	"testing"
)

// testFields returns a field set with one field of every kind, plus nullable variants. Column
// names differ from field names to show that only the columns reach the SQL.
func testFields() Fields {
	return Fields{
		"name":       {Column: "t.name", Kind: String},
		"email":      {Column: "t.email", Kind: String, Nullable: true},
		"seats":      {Column: "t.seats", Kind: Int},
		"score":      {Column: "t.score", Kind: Int, Nullable: true},
		"enabled":    {Column: "t.enabled", Kind: Bool},
		"created_at": {Column: "t.created_at", Kind: Time},
		"deleted_at": {Column: "t.deleted_at", Kind: Time, Nullable: true},
		"id":         {Column: "t.id", Kind: ID},
		"dealer_id":  {Column: "t.dealer_id", Kind: ID, Nullable: true},
	}
}

// compile parses and compiles s against testFields for dialect d.
func compile(s string, d Dialect) (string, []any, error) {
	e, err := Parse(s)
	if err != nil {
		return "", nil, err
	}
	return Compile(e, testFields(), d)
}

// checkErr fails t unless err is a *SyntaxError (syntax true) or *FieldError (syntax false)
// whose message contains msg.
func checkErr(t *testing.T, err error, syntax bool, msg string) {
	t.Helper()

	var se *SyntaxError
	var fe *FieldError
	switch {
	case err == nil:
		t.Fatalf("got no error, want %q", msg)
	case syntax && !errors.As(err, &se):
		t.Fatalf("got %T %v, want *SyntaxError", err, err)
	case !syntax && !errors.As(err, &fe):
		t.Fatalf("got %T %v, want *FieldError", err, err)
	case !strings.Contains(err.Error(), msg):
		t.Fatalf("got %q, want it to contain %q", err, msg)
	}
}
