package filter

import (
	"strings"
	"testing"
)

func TestParseSyntaxErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
		msg string
	}{
		{"", 0, "empty filter"},
		{" \t ", 0, "empty filter"},
		{"name eq", 7, "expected literal"},
		{"name eq ", 8, "expected literal"},
		{"eq 'x'", 0, "expected field name"},
		{"'x' eq name", 0, "expected field name"},
		{"name eq name", 8, "expected literal"},
		{"name", 4, "expected comparison operator"},
		{"name like 'x'", 5, "expected comparison operator"},
		{"name EQ 'x'", 5, "expected comparison operator"},
		{"name == 'x'", 5, "unexpected character"},
		{"Name eq 'x'", 0, "invalid field name"},
		{"and eq 1", 0, "expected field name"},
		{"null eq null", 0, "expected field name"},
		{"name eq 'abc", 8, "unterminated string"},
		{"name eq 'it''s", 8, "unterminated string"},
		{"name eq 'a' seats eq 1", 12, "expected and, or, or end of filter"},
		{"name eq 'a' 'b'", 12, "expected and, or, or end of filter"},
		{"name eq 'a')", 11, "unmatched ')'"},
		{"(name eq 'a'", 12, "expected ')'"},
		{"()", 1, "expected field name"},
		{"name eq 'a' and", 15, "expected field name"},
		{"or name eq 'a'", 0, "expected field name"},
		{"not", 3, "expected field name"},
		{"seats eq 9223372036854775808", 9, "integer out of range"},
		{"seats eq -9223372036854775809", 9, "integer out of range"},
		{"seats eq 1.5", 9, "only integers are supported"},
		{"seats eq 1e5", 9, "invalid number"},
		{"seats eq 0x10", 9, "invalid number"},
		{"seats eq -", 9, "invalid number"},
		{"seats eq - 1", 9, "invalid number"},
		{"seats eq 12ab", 9, "invalid number"},
		{"seats eq +1", 9, "unexpected character"},
		{"name eq \"a\"", 8, "unexpected character"},
		{"name eq 'a'\nor seats eq 1", 11, "unexpected character"},
		{"name eq 'a\x00'", 10, "nul byte in string"},
		{"name eq 'a\xff'", 8, "invalid utf-8 in string"},
		{"contains(name 'x')", 14, "expected ','"},
		{"contains(name, 5)", 15, "expected string literal"},
		{"contains(name, null)", 15, "expected string literal"},
		{"contains('x', name)", 9, "expected field name"},
		{"contains(name, 'x'", 18, "expected ')'"},
		{"contains eq 'x'", 9, "expected '('"},
		{"lower(name) eq 'x'", 0, "unknown function"},
		{"name eq 'a' and not", 19, "expected field name"},
	}

	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if e != nil {
				t.Errorf("got a tree with the error")
			}
			checkErr(t, err, true, tt.msg)
			if pos := err.(*SyntaxError).Pos; pos != tt.pos {
				t.Errorf("pos %d, want %d", pos, tt.pos)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	term := "seats eq 1"
	tests := []struct {
		name string
		in   string
		msg  string // "" when the input must parse
	}{
		{"max length", "name eq '" + strings.Repeat("a", MaxLength-10) + "'", ""},
		{"too long", "name eq '" + strings.Repeat("a", MaxLength-9) + "'", "filter too long"},
		{"max parens", nest("(", MaxDepth) + term + nest(")", MaxDepth), ""},
		{"too many parens", nest("(", MaxDepth+1) + term + nest(")", MaxDepth+1),
			"filter nested too deeply"},
		{"max nots", nest("not ", MaxDepth) + term, ""},
		{"too many nots", nest("not ", MaxDepth+1) + term, "filter nested too deeply"},
		{"mixed depth", nest("not (", MaxDepth/2+1) + term + nest(")", MaxDepth/2+1),
			"filter nested too deeply"},
		{"max nodes", chain(term, (MaxNodes+1)/2), ""},
		{"exactly max nodes", "not " + chain(term, MaxNodes/2), ""},
		{"too many nodes", chain(term, (MaxNodes+1)/2+1), "filter too complex"},
		{"too many nots and terms", nest("not ", 8) + chain(term, MaxNodes/2-3),
			"filter too complex"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			checkErr(t, err, true, tt.msg)
		})
	}
}

// nest repeats s n times.
func nest(s string, n int) string {
	return strings.Repeat(s, n)
}

// chain joins n copies of term with "and", giving 2n-1 nodes.
func chain(term string, n int) string {
	terms := make([]string, n)
	for i := range terms {
		terms[i] = term
	}
	return strings.Join(terms, " and ")
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Parse("name eq")
	if got, want := err.Error(), "filter: at 7: expected literal"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	_, _, err = compile("nosuch eq 1", SQLite)
	if got, want := err.Error(), `filter: at 0: field "nosuch": unknown field`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
