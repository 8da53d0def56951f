package filter

import (
	"reflect"
	"strings"
	"testing"
)

func TestCompile(t *testing.T) {
	tests := []struct {
		in   string
		sql  string
		args []any
	}{
		// Comparisons on every kind.
		{"name eq 'acme'", "t.name = ?", []any{"acme"}},
		{"name ne 'acme'", "t.name <> ?", []any{"acme"}},
		{"name gt 'a'", "t.name > ?", []any{"a"}},
		{"seats ge 10", "t.seats >= ?", []any{int64(10)}},
		{"seats lt -3", "t.seats < ?", []any{int64(-3)}},
		{"seats le 0", "t.seats <= ?", []any{int64(0)}},
		{"seats eq -9223372036854775808", "t.seats = ?", []any{int64(-1 << 63)}},
		{"enabled eq true", "t.enabled = ?", []any{int64(1)}},
		{"enabled ne false", "t.enabled <> ?", []any{int64(0)}},
		{"created_at ge '2024-01-02T03:04:05Z'", "t.created_at >= ?", []any{int64(1704164645)}},
		{"created_at lt '2024-01-02T05:04:05+02:00'", "t.created_at < ?",
			[]any{int64(1704164645)}},
		{"created_at eq '2024-01-02T03:04:05.000Z'", "t.created_at = ?",
			[]any{int64(1704164645)}},
		{"id eq '42'", "t.id = ?", []any{int64(42)}},
		{"id eq 42", "t.id = ?", []any{int64(42)}},
		{"id gt '9223372036854775807'", "t.id > ?", []any{int64(1<<63 - 1)}},

		// Strings: escapes, and values that must stay arguments.
		{"name eq 'O''Brien'", "t.name = ?", []any{"O'Brien"}},
		{"name eq ''''", "t.name = ?", []any{"'"}},
		{"name eq 'a; DROP TABLE t; --'", "t.name = ?", []any{"a; DROP TABLE t; --"}},
		{"name eq 'who?'", "t.name = ?", []any{"who?"}},
		{"name eq 'grüße'", "t.name = ?", []any{"grüße"}},
		{"name eq 'and or not'", "t.name = ?", []any{"and or not"}},

		// Null and nullable columns.
		{"email eq null", "t.email IS NULL", nil},
		{"email ne null", "t.email IS NOT NULL", nil},
		{"deleted_at eq null", "t.deleted_at IS NULL", nil},
		{"email eq 'a@b'", "(t.email IS NOT NULL AND t.email = ?)", []any{"a@b"}},
		{"email ne 'a@b'", "(t.email IS NULL OR t.email <> ?)", []any{"a@b"}},
		{"email eq ''", "(t.email IS NULL OR t.email = ?)", []any{""}},
		{"email ne ''", "(t.email IS NOT NULL AND t.email <> ?)", []any{""}},
		{"email le 'm'", "(t.email IS NULL OR t.email <= ?)", []any{"m"}},
		{"email gt ''", "(t.email IS NOT NULL AND t.email > ?)", []any{""}},
		{"score ne 3", "(t.score IS NULL OR t.score <> ?)", []any{int64(3)}},
		{"score lt 3", "(t.score IS NOT NULL AND t.score < ?)", []any{int64(3)}},
		{"dealer_id eq '7'", "(t.dealer_id IS NOT NULL AND t.dealer_id = ?)", []any{int64(7)}},

		// Functions.
		{"contains(name, 'cm')", "instr(t.name, ?) > 0", []any{"cm"}},
		{"startswith(name, 'ac')", "substr(t.name, 1, length(?)) = ?", []any{"ac", "ac"}},
		{"endswith(name, 'me')",
			"(length(t.name) >= length(?) AND substr(t.name, length(t.name) - length(?) + 1) = ?)",
			[]any{"me", "me", "me"}},
		{"contains(email, '@')", "(t.email IS NOT NULL AND instr(t.email, ?) > 0)", []any{"@"}},
		{"contains(name, '')", "1 = 1", nil},
		{"endswith(email, '')", "1 = 1", nil},
		{"contains( name , 'it''s' )", "instr(t.name, ?) > 0", []any{"it's"}},

		// Boolean structure and precedence.
		{"name eq 'a' and seats gt 1", "(t.name = ? AND t.seats > ?)", []any{"a", int64(1)}},
		{"name eq 'a' or name eq 'b' and seats gt 1", "(t.name = ? OR (t.name = ? AND t.seats > ?))",
			[]any{"a", "b", int64(1)}},
		{"(name eq 'a' or name eq 'b') and seats gt 1",
			"((t.name = ? OR t.name = ?) AND t.seats > ?)", []any{"a", "b", int64(1)}},
		{"seats eq 1 or seats eq 2 or seats eq 3", "((t.seats = ? OR t.seats = ?) OR t.seats = ?)",
			[]any{int64(1), int64(2), int64(3)}},
		{"not seats eq 1 and seats eq 2", "(NOT (t.seats = ?) AND t.seats = ?)",
			[]any{int64(1), int64(2)}},
		{"not (seats eq 1 and seats eq 2)", "NOT (t.seats = ? AND t.seats = ?)",
			[]any{int64(1), int64(2)}},
		{"not not enabled eq true", "NOT (NOT (t.enabled = ?))", []any{int64(1)}},
		{"not contains(email, 'x')", "NOT ((t.email IS NOT NULL AND instr(t.email, ?) > 0))",
			[]any{"x"}},
		{"((((seats eq 1))))", "t.seats = ?", []any{int64(1)}},
		{"\tname eq 'a'  and\t(seats gt 1)  ", "(t.name = ? AND t.seats > ?)",
			[]any{"a", int64(1)}},
	}

	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sql, args, err := compile(tt.in, SQLite)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if sql != tt.sql {
				t.Errorf("sql:\n got %s\nwant %s", sql, tt.sql)
			}
			if !reflect.DeepEqual(args, tt.args) {
				t.Errorf("args: got %#v, want %#v", args, tt.args)
			}
			if n := strings.Count(sql, "?"); n != len(args) {
				t.Errorf("%d placeholders for %d args", n, len(args))
			}
		})
	}
}

func TestCompilePostgres(t *testing.T) {
	tests := []struct {
		in  string
		sql string
	}{
		{"contains(name, 'cm')", "strpos(t.name, ?) > 0"},
		{"contains(email, 'cm')", "(t.email IS NOT NULL AND strpos(t.email, ?) > 0)"},
		{"startswith(name, 'ac')", "substr(t.name, 1, length(?)) = ?"},
		{"name eq 'a'", "t.name = ?"},
	}

	for _, tt := range tests {
		sql, _, err := compile(tt.in, Postgres)
		if err != nil {
			t.Fatalf("%s: unexpected error: %v", tt.in, err)
		}
		if sql != tt.sql {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, sql, tt.sql)
		}
	}
}

func TestCompileFieldErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
		msg string
	}{
		{"nosuch eq 1", 0, `"nosuch": unknown field`},
		{"seats eq 1 and nosuch eq 1", 15, "unknown field"},
		{"contains(nosuch, 'x')", 9, "unknown field"},
		{"name eq 1", 8, "expects a string"},
		{"name eq true", 8, "expects a string"},
		{"seats eq '1'", 9, "expects an integer"},
		{"enabled gt true", 0, "allows only eq and ne"},
		{"enabled eq 1", 11, "expects true or false"},
		{"seats eq null", 9, "cannot be null"},
		{"email gt null", 9, "null allows only eq and ne"},
		{"contains(seats, '1')", 9, "contains needs a string field"},
		{"startswith(created_at, '2024')", 11, "startswith needs a string field"},
		{"endswith(id, '1')", 9, "endswith needs a string field"},
		{"created_at gt '2024-13-01T00:00:00Z'", 14, "invalid time"},
		{"created_at gt '2024-01-01'", 14, "invalid time"},
		{"created_at gt 1704164645", 14, "expects a quoted rfc 3339 time"},
		{"created_at gt '2024-01-02T03:04:05.5Z'", 14, "whole seconds"},
		{"id eq 'abc'", 6, `"id": invalid id`},
		{"id eq '-1'", 6, "invalid id"},
		{"id eq ''", 6, "invalid id"},
		{"id eq '99999999999999999999'", 6, "id out of range"},
		{"id eq true", 6, "expects an id"},
		{"not (seats eq 1 or name eq 2)", 27, "expects a string"},
	}

	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, _, err := compile(tt.in, SQLite)
			checkErr(t, err, false, tt.msg)
			if pos := err.(*FieldError).Pos; pos != tt.pos {
				t.Errorf("pos %d, want %d", pos, tt.pos)
			}
		})
	}
}

func TestCompileCallerErrors(t *testing.T) {
	e, err := Parse("name eq 'a'")
	if err != nil {
		t.Fatal(err)
	}

	bad := map[string]func() error{
		"no column": func() error {
			_, _, err := Compile(e, Fields{"name": {Kind: String}}, SQLite)
			return err
		},
		"bad kind": func() error {
			_, _, err := Compile(e, Fields{"name": {Column: "n", Kind: Kind(99)}}, SQLite)
			return err
		},
		"bad dialect": func() error {
			_, _, err := Compile(e, testFields(), Dialect(7))
			return err
		},
		"nil expr": func() error {
			_, _, err := Compile(nil, testFields(), SQLite)
			return err
		},
	}

	for name, f := range bad {
		err := f()
		if err == nil {
			t.Errorf("%s: got no error", name)
			continue
		}
		// These are programming errors, which must not look like client errors.
		switch err.(type) {
		case *SyntaxError, *FieldError:
			t.Errorf("%s: got client error %v", name, err)
		}
	}
}

func TestCompileNilFields(t *testing.T) {
	e, err := Parse("name eq 'a'")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Compile(e, nil, SQLite)
	checkErr(t, err, false, "unknown field")
}
