package filter

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseOrderBy(t *testing.T) {
	tests := []struct {
		in   string
		want []Order
	}{
		{"", nil},
		{"  \t", nil},
		{"name", []Order{{Column: "t.name"}}},
		{"name asc", []Order{{Column: "t.name"}}},
		{"name desc", []Order{{Column: "t.name", Desc: true}}},
		{"created_at desc, name", []Order{
			{Column: "t.created_at", Desc: true}, {Column: "t.name"}}},
		{" seats\tdesc ,id asc,name ", []Order{
			{Column: "t.seats", Desc: true}, {Column: "t.id"}, {Column: "t.name"}}},
	}

	for _, tt := range tests {
		got, err := ParseOrderBy(tt.in, testFields())
		if err != nil {
			t.Errorf("%q: unexpected error: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseOrderByMaxTerms(t *testing.T) {
	names := []string{"name", "email", "seats", "score", "enabled", "created_at",
		"deleted_at", "id", "dealer_id"}

	got, err := ParseOrderBy(strings.Join(names[:MaxOrderTerms], ","), testFields())
	if err != nil || len(got) != MaxOrderTerms {
		t.Fatalf("got %d terms, %v; want %d", len(got), err, MaxOrderTerms)
	}

	_, err = ParseOrderBy(strings.Join(names[:MaxOrderTerms+1], ","), testFields())
	checkErr(t, err, true, "too many orderby terms")
}

func TestParseOrderByErrors(t *testing.T) {
	tests := []struct {
		in     string
		syntax bool
		pos    int
		msg    string
	}{
		{"nosuch", false, 0, `"nosuch": unknown field`},
		{"name, nosuch desc", false, 6, "unknown field"},
		{"name, name desc", false, 6, "listed twice"},
		{"name,", true, 5, "expected field name"},
		{",name", true, 0, "expected field name"},
		{"name,,id", true, 5, "expected field name"},
		{"name desc asc", true, 10, "expected ',' or end of orderby"},
		{"name id", true, 5, "expected ',' or end of orderby"},
		{"name DESC", true, 5, "expected ',' or end of orderby"},
		{"Name", true, 0, "expected field name"},
		{"'name'", true, 0, "expected field name"},
		{"name;drop", true, 4, "unexpected character"},
		{"1", true, 0, "expected field name"},
		{"(name)", true, 0, "expected field name"},
		{strings.Repeat(" ", MaxLength+1), true, MaxLength, "orderby too long"},
	}

	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOrderBy(tt.in, testFields())
			if got != nil {
				t.Errorf("got %+v with the error", got)
			}
			checkErr(t, err, tt.syntax, tt.msg)

			pos := -1
			switch err := err.(type) {
			case *SyntaxError:
				pos = err.Pos
			case *FieldError:
				pos = err.Pos
			}
			if pos != tt.pos {
				t.Errorf("pos %d, want %d", pos, tt.pos)
			}
		})
	}
}

func TestParseOrderByNoColumn(t *testing.T) {
	_, err := ParseOrderBy("name", Fields{"name": {Kind: String}})
	switch err.(type) {
	case nil:
		t.Fatal("got no error")
	case *SyntaxError, *FieldError:
		t.Fatalf("got client error %v for a caller mistake", err)
	}
}
