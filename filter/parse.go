package filter

// Grammar, lowest precedence first:
//
//	or      = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" or ")" | func "(" field "," string ")" | field op literal
//	op      = "eq" | "ne" | "gt" | "ge" | "lt" | "le"
//	literal = string | integer | "true" | "false" | "null"

// Parse parses a filter into a tree without looking at any field set; Compile checks the fields.
// Input that is empty, blank, malformed or beyond the package limits gives a *SyntaxError.
func Parse(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, syntaxErr(MaxLength, "filter too long")
	}

	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tokEOF {
		return nil, syntaxErr(0, "empty filter")
	}

	p := &parser{toks: toks}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}

	// Every complete expression stops at a token it cannot use; only the end of input is fine.
	switch t := p.peek(); t.kind {
	case tokEOF:
		return e, nil
	case tokRParen:
		return nil, syntaxErr(t.pos, "unmatched ')'")
	default:
		return nil, syntaxErr(t.pos, "expected and, or, or end of filter")
	}
}

// parser is a recursive-descent parser over the tokens of one input. depth and nodes count
// against MaxDepth and MaxNodes.
type parser struct {
	toks  []token
	i     int
	depth int
	nodes int
}

func (p *parser) peek() token {
	return p.toks[p.i]
}

// next consumes and returns the current token; at the end it keeps returning tokEOF.
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tokWord && t.text == w
}

// expect consumes a token of the given kind or fails with msg at the current token.
func (p *parser) expect(kind tokenKind, msg string) (token, error) {
	t := p.next()
	if t.kind != kind {
		return t, syntaxErr(t.pos, msg)
	}
	return t, nil
}

// addNode counts one tree node at pos against MaxNodes.
func (p *parser) addNode(pos int) error {
	p.nodes++
	if p.nodes > MaxNodes {
		return syntaxErr(pos, "filter too complex")
	}
	return nil
}

// enter goes one level deeper at pos; the caller must call p.depth-- when it leaves.
func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > MaxDepth {
		return syntaxErr(pos, "filter nested too deeply")
	}
	return nil
}

func (p *parser) parseOr() (Expr, error) {
	return p.parseChain("or", p.parseAnd)
}

func (p *parser) parseAnd() (Expr, error) {
	return p.parseChain("and", p.parseUnary)
}

// parseChain parses operands joined by the keyword op into a left-leaning tree.
func (p *parser) parseChain(op string, operand func() (Expr, error)) (Expr, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}

	for p.isWord(op) {
		t := p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		if err := p.addNode(t.pos); err != nil {
			return nil, err
		}
		left = &logicalExpr{or: op == "or", left: left, right: right}
	}
	return left, nil
}

func (p *parser) parseUnary() (Expr, error) {
	if !p.isWord("not") {
		return p.parsePrimary()
	}

	t := p.next()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()

	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	if err := p.addNode(t.pos); err != nil {
		return nil, err
	}
	return &notExpr{x: x}, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.peek()
	switch {
	case t.kind == tokLParen:
		return p.parseGroup()
	case t.kind == tokWord && isFunction(t.text):
		return p.parseCall()
	case t.kind == tokWord && p.toks[p.i+1].kind == tokLParen:
		return nil, syntaxErr(t.pos, "unknown function")
	}
	return p.parseCompare()
}

func (p *parser) parseGroup() (Expr, error) {
	t := p.next()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()

	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "expected ')'"); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) parseCall() (Expr, error) {
	name := p.next()
	if _, err := p.expect(tokLParen, "expected '('"); err != nil {
		return nil, err
	}

	field, err := p.parseField()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokComma, "expected ','"); err != nil {
		return nil, err
	}
	arg, err := p.expect(tokString, "expected string literal")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "expected ')'"); err != nil {
		return nil, err
	}

	if err := p.addNode(name.pos); err != nil {
		return nil, err
	}
	return &funcExpr{name: name.text, field: field.text, pos: field.pos, arg: arg.text}, nil
}

func (p *parser) parseCompare() (Expr, error) {
	field, err := p.parseField()
	if err != nil {
		return nil, err
	}

	op := p.next()
	if op.kind != tokWord || sqlOp(op.text) == "" {
		return nil, syntaxErr(op.pos, "expected comparison operator")
	}

	lit, err := p.parseLiteral()
	if err != nil {
		return nil, err
	}
	if err := p.addNode(field.pos); err != nil {
		return nil, err
	}
	return &compareExpr{field: field.text, pos: field.pos, op: op.text, lit: lit}, nil
}

// parseField consumes a field name: a word of the right form that is not a keyword.
func (p *parser) parseField() (token, error) {
	t := p.next()
	if t.kind != tokWord || isKeyword(t.text) {
		return t, syntaxErr(t.pos, "expected field name")
	}
	if !isFieldName(t.text) {
		return t, syntaxErr(t.pos, "invalid field name")
	}
	return t, nil
}

func (p *parser) parseLiteral() (literal, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return literal{kind: litString, pos: t.pos, str: t.text}, nil
	case t.kind == tokInt:
		return literal{kind: litInt, pos: t.pos, num: t.num}, nil
	case t.kind != tokWord:
		// Falls out of the switch: no other token starts a literal.
	case t.text == "true" || t.text == "false":
		return literal{kind: litBool, pos: t.pos, b: t.text == "true"}, nil
	case t.text == "null":
		return literal{kind: litNull, pos: t.pos}, nil
	}
	return literal{}, syntaxErr(t.pos, "expected literal")
}

// sqlOp returns the SQL operator for a comparison keyword, or "" if w is not one.
func sqlOp(w string) string {
	switch w {
	case "eq":
		return "="
	case "ne":
		return "<>"
	case "gt":
		return ">"
	case "ge":
		return ">="
	case "lt":
		return "<"
	case "le":
		return "<="
	}
	return ""
}

func isFunction(w string) bool {
	return w == "contains" || w == "startswith" || w == "endswith"
}

// isKeyword reports whether w is reserved by the grammar and so cannot name a field.
func isKeyword(w string) bool {
	switch w {
	case "and", "or", "not", "true", "false", "null":
		return true
	}
	return sqlOp(w) != "" || isFunction(w)
}
