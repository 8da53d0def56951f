package filter

import (
	"fmt"
	"strings"
)

// Compile turns the tree into a SQL boolean expression with `?` placeholders (the store rebinds
// them for PostgreSQL) and the matching args, checking every field against fields.
//
// The SQL is self-contained: it can be joined to other conditions with AND without extra
// parentheses. Every comparison on a Nullable column is written so that it is true or false,
// never NULL, which keeps `not` the exact complement of what it negates. Column names come only
// from fields; every value is an argument of type string or int64.
//
// Errors caused by the filter are *FieldError. Any other error means fields holds a field
// without a column or with an unknown kind, or d is not a known dialect.
func Compile(e Expr, fields Fields, d Dialect) (sql string, args []any, err error) {
	if d != SQLite && d != Postgres {
		return "", nil, fmt.Errorf("filter: unknown dialect %d", d)
	}

	c := &compiler{fields: fields, dialect: d}
	if err := c.expr(e); err != nil {
		return "", nil, err
	}
	return c.sql.String(), c.args, nil
}

// compiler accumulates the SQL text and arguments of one Compile call.
type compiler struct {
	fields  Fields
	dialect Dialect
	sql     strings.Builder
	args    []any
}

func (c *compiler) expr(e Expr) error {
	switch e := e.(type) {
	case *logicalExpr:
		return c.logical(e)
	case *notExpr:
		return c.not(e)
	case *compareExpr:
		return c.compare(e)
	case *funcExpr:
		return c.call(e)
	}
	return fmt.Errorf("filter: cannot compile %T", e)
}

func (c *compiler) logical(e *logicalExpr) error {
	op := " AND "
	if e.or {
		op = " OR "
	}

	c.sql.WriteString("(")
	if err := c.expr(e.left); err != nil {
		return err
	}
	c.sql.WriteString(op)
	if err := c.expr(e.right); err != nil {
		return err
	}
	c.sql.WriteString(")")
	return nil
}

// not negates its operand. A logical operand brings its own parentheses.
func (c *compiler) not(e *notExpr) error {
	if _, ok := e.x.(*logicalExpr); ok {
		c.sql.WriteString("NOT ")
		return c.expr(e.x)
	}

	c.sql.WriteString("NOT (")
	if err := c.expr(e.x); err != nil {
		return err
	}
	c.sql.WriteString(")")
	return nil
}

func (c *compiler) compare(e *compareExpr) error {
	f, err := c.field(e.field, e.pos)
	if err != nil {
		return err
	}
	if e.lit.kind == litNull {
		return c.compareNull(e, f)
	}

	arg, err := compareArg(e, f)
	if err != nil {
		return err
	}

	// A NULL in a string column is a blank, so it matches when '' would; in other columns it
	// is a missing value, unequal to anything.
	nullMatches := e.op == "ne"
	if f.Kind == String {
		nullMatches = blankMatches(e.op, e.lit.str)
	}
	c.guarded(f, nullMatches, f.Column+" "+sqlOp(e.op)+" ?", arg)
	return nil
}

// compareNull writes `eq null` and `ne null`, the only comparisons null allows.
func (c *compiler) compareNull(e *compareExpr, f Field) error {
	switch {
	case e.op != "eq" && e.op != "ne":
		return fieldErr(e.lit.pos, e.field, "null allows only eq and ne")
	case !f.Nullable:
		return fieldErr(e.lit.pos, e.field, "cannot be null")
	case e.op == "eq":
		c.sql.WriteString(f.Column + " IS NULL")
	default:
		c.sql.WriteString(f.Column + " IS NOT NULL")
	}
	return nil
}

// call writes one of the string functions, all of them case-sensitive.
func (c *compiler) call(e *funcExpr) error {
	f, err := c.field(e.field, e.pos)
	if err != nil {
		return err
	}
	if f.Kind != String {
		return fieldErr(e.pos, e.field, e.name+" needs a string field")
	}

	// Every string, a NULL blank included, contains, starts and ends with ''. Saying so
	// outright spares relying on what each database's functions do with an empty needle.
	if e.arg == "" {
		c.sql.WriteString("1 = 1")
		return nil
	}

	col := f.Column
	switch e.name {
	case "contains":
		fn := "instr"
		if c.dialect == Postgres {
			fn = "strpos"
		}
		c.guarded(f, false, fn+"("+col+", ?) > 0", e.arg)
	case "startswith":
		c.guarded(f, false, "substr("+col+", 1, length(?)) = ?", e.arg, e.arg)
	default:
		// The length check keeps the start of substr positive: SQLite counts a negative
		// start from the end of the string.
		cond := "(length(" + col + ") >= length(?) AND substr(" + col + ", length(" + col +
			") - length(?) + 1) = ?)"
		c.guarded(f, false, cond, e.arg, e.arg, e.arg)
	}
	return nil
}

// guarded writes cond with its args. For a Nullable column it settles the NULL case
// explicitly, so that the result is never SQL NULL: NULL rows match exactly when nullMatches.
func (c *compiler) guarded(f Field, nullMatches bool, cond string, args ...any) {
	switch {
	case !f.Nullable:
		c.sql.WriteString(cond)
	case nullMatches:
		fmt.Fprintf(&c.sql, "(%s IS NULL OR %s)", f.Column, cond)
	default:
		fmt.Fprintf(&c.sql, "(%s IS NOT NULL AND %s)", f.Column, cond)
	}
	c.args = append(c.args, args...)
}

// field looks up the field a client named at pos. An unknown name is a *FieldError; a field
// without a column is the caller's mistake and a plain error.
func (c *compiler) field(name string, pos int) (Field, error) {
	f, ok := c.fields[name]
	if !ok {
		return Field{}, fieldErr(pos, name, "unknown field")
	}
	if f.Column == "" {
		return Field{}, fmt.Errorf("filter: field %q has no column", name)
	}
	return f, nil
}

// blankMatches reports whether the empty string satisfies `blank op lit`.
func blankMatches(op, lit string) bool {
	switch op {
	case "eq", "ge":
		return lit == ""
	case "ne", "lt":
		return lit != ""
	case "le":
		return true
	}
	return false
}
