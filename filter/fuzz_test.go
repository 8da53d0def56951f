package filter

import (
	"strings"
	"testing"
)

// FuzzParse checks that no input makes Parse or Compile panic, that Compile fails only with
// client errors, and that whatever compiles carries exactly one string or int64 argument per
// placeholder, in both dialects.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"name eq 'acme'",
		"name eq 'O''Brien' and seats gt -5",
		"not (email eq null or contains(email, '@')) and enabled ne false",
		"startswith(name, '') or endswith(email, 'x?y')",
		"created_at ge '2024-01-02T03:04:05Z' and deleted_at eq null",
		"id eq '42' or dealer_id ne 7",
		"((((seats eq 1))))",
		"not not not score le 9223372036854775807",
		"seats eq 9223372036854775808",
		"seats eq 1.5",
		"name eq 'unterminated",
		"contains(seats, '1')",
		"name eq 'a' )",
		"\tname  eq\t'a'or(seats lt 0)",
		"email gt ''",
		"lower(name) eq 'a'",
	}
	for _, s := range seeds {
		f.Add(s)
	}

	fields := testFields()
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			if e != nil {
				t.Fatalf("Parse(%q) returned a tree with error %v", s, err)
			}
			return
		}

		for _, d := range []Dialect{SQLite, Postgres} {
			sql, args, err := Compile(e, fields, d)
			if err != nil {
				// With a sound field set every failure is the client's.
				if _, ok := err.(*FieldError); !ok {
					t.Fatalf("Compile(%q): got %T %v, want *FieldError", s, err, err)
				}
				continue
			}

			if n := strings.Count(sql, "?"); n != len(args) {
				t.Fatalf("Compile(%q): %d placeholders, %d args: %s", s, n, len(args), sql)
			}
			for _, a := range args {
				switch a.(type) {
				case string, int64:
				default:
					t.Fatalf("Compile(%q): argument %#v is %T", s, a, a)
				}
			}
		}
	})
}
