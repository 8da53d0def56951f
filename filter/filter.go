// Package filter parses the OData-style filter and orderby parameters of list endpoints and
// compiles them to parameterised SQL.
//
// A filter is a boolean expression of comparisons (`name eq 'acme'`), string functions
// (`contains(name, 'ac')`) and the operators not, and, or, in that order of precedence, with
// parentheses. Parse builds a tree from client input without knowing any schema; Compile checks
// that tree against an allow-list of fields and writes SQL whose column names come only from
// that list and whose values travel only as arguments.
//
// Errors caused by client input are *SyntaxError or *FieldError; their messages are short and
// safe to show to clients. Any other error means the caller passed a bad Fields map or dialect.
package filter

// Limits on client input. Parse and ParseOrderBy reject anything beyond them, so that a single
// request cannot make the parser or the database do unbounded work.
const (
	MaxLength     = 4096 // bytes of filter or orderby text
	MaxDepth      = 32   // nested parentheses and not operators
	MaxNodes      = 256  // comparisons, function calls and boolean operators
	MaxOrderTerms = 8    // terms of an orderby
)

// Kind is the type of a field's values, which decides the literals it accepts and how a
// literal becomes an SQL argument.
type Kind int

// Field kinds.
const (
	String Kind = iota // TEXT; argument string
	Int                // INTEGER; argument int64
	Bool               // INTEGER 0 or 1; argument int64; only eq and ne
	Time               // INTEGER unix seconds; literal a quoted RFC 3339 time; argument int64
	ID                 // INTEGER; literal an integer or a quoted decimal; argument int64
)

// String returns the lower-case name of the kind.
func (k Kind) String() string {
	switch k {
	case String:
		return "string"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Time:
		return "time"
	case ID:
		return "id"
	}
	return "unknown"
}

// Field describes one filterable/sortable field: the SQL column and its type.
// Nullable string columns store a blank value as SQL NULL, so Compile treats NULL in such a
// column as the empty string: eq with an empty literal matches NULL rows, and so does
// `name ne 'x'`. In a Nullable column of another kind NULL is a missing value, equal to
// nothing but null itself, so only ne matches it.
//
// Column is written into the SQL as it is; it must be a trusted identifier such as "name" or
// "t.name", never client input.
type Field struct {
	Column   string
	Kind     Kind
	Nullable bool
}

// Fields maps the field names clients use to the fields they stand for. It is the allow-list:
// a name missing from it is rejected.
type Fields map[string]Field

// Dialect selects the SQL functions Compile uses where SQLite and PostgreSQL differ.
type Dialect int

// Supported dialects.
const (
	SQLite Dialect = iota
	Postgres
)

// Expr is a parsed filter. Only Parse creates one; it is immutable and safe to compile many
// times, against different field sets or dialects.
type Expr interface {
	isExpr()
}

// logicalExpr is `left and right` or `left or right`.
type logicalExpr struct {
	or          bool
	left, right Expr
}

// notExpr is `not x`.
type notExpr struct {
	x Expr
}

// compareExpr is `field op literal`; op is one of the six comparison keywords.
type compareExpr struct {
	field string
	pos   int
	op    string
	lit   literal
}

// funcExpr is `name(field, 'arg')` for the string functions.
type funcExpr struct {
	name  string
	field string
	pos   int
	arg   string
}

type litKind int

const (
	litString litKind = iota
	litInt
	litBool
	litNull
)

// literal is a value written in a filter; which of str, num and b holds it depends on kind.
type literal struct {
	kind litKind
	pos  int
	str  string
	num  int64
	b    bool
}

func (*logicalExpr) isExpr() {}
func (*notExpr) isExpr()     {}
func (*compareExpr) isExpr() {}
func (*funcExpr) isExpr()    {}
