package filter

import "fmt"

// Order is one term of an ORDER BY clause: a column from the field set and its direction.
type Order struct {
	Column string
	Desc   bool
}

// ParseOrderBy parses "field [asc|desc], field2 desc" against fields; an empty string gives nil.
// Unknown fields, duplicates and bad syntax are errors. Max 8 terms.
//
// A blank string also gives nil. Directions are lower case, like the filter keywords, and
// ascending is the default. Syntax errors are *SyntaxError, unknown and repeated fields
// *FieldError; a field without a column gives a plain error.
func ParseOrderBy(s string, fields Fields) ([]Order, error) {
	if len(s) > MaxLength {
		return nil, syntaxErr(MaxLength, "orderby too long")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tokEOF {
		return nil, nil
	}

	p := &parser{toks: toks}
	seen := make(map[string]bool)
	var orders []Order
	for {
		o, err := p.parseOrderTerm(fields, seen)
		if err != nil {
			return nil, err
		}
		orders = append(orders, o)

		t := p.next()
		switch {
		case t.kind == tokEOF:
			return orders, nil
		case t.kind != tokComma:
			return nil, syntaxErr(t.pos, "expected ',' or end of orderby")
		case len(orders) == MaxOrderTerms:
			return nil, syntaxErr(t.pos, "too many orderby terms")
		}
	}
}

// parseOrderTerm parses `field [asc|desc]`, recording the field in seen.
func (p *parser) parseOrderTerm(fields Fields, seen map[string]bool) (Order, error) {
	t := p.next()
	if t.kind != tokWord || !isFieldName(t.text) {
		return Order{}, syntaxErr(t.pos, "expected field name")
	}

	f, ok := fields[t.text]
	switch {
	case !ok:
		return Order{}, fieldErr(t.pos, t.text, "unknown field")
	case f.Column == "":
		return Order{}, fmt.Errorf("filter: field %q has no column", t.text)
	case seen[t.text]:
		return Order{}, fieldErr(t.pos, t.text, "listed twice in orderby")
	}
	seen[t.text] = true

	desc := p.isWord("desc")
	if desc || p.isWord("asc") {
		p.next()
	}
	return Order{Column: f.Column, Desc: desc}, nil
}
