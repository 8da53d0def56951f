package filter

import "fmt"

// SyntaxError reports filter or orderby text that does not follow the grammar or exceeds a
// limit. Pos is the 0-based byte offset in the input where the problem was found; Msg is short,
// lower case and safe to show to clients.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return "filter: " + e.Reason()
}

// Reason is the error without the package prefix, for showing under the name of the query
// option it belongs to.
func (e *SyntaxError) Reason() string {
	return fmt.Sprintf("at %d: %s", e.Pos, e.Msg)
}

func syntaxErr(pos int, msg string) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: msg}
}

// FieldError reports a well-formed filter or orderby that the field set rejects: an unknown
// field, a literal of the wrong type, an operator the field does not support. Pos is the 0-based
// byte offset of the offending field or literal; Field is the name as the client wrote it.
// Msg is short, lower case and safe to show to clients.
type FieldError struct {
	Pos   int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	return "filter: " + e.Reason()
}

// Reason is the error without the package prefix, for showing under the name of the query
// option it belongs to.
func (e *FieldError) Reason() string {
	return fmt.Sprintf("at %d: field %q: %s", e.Pos, e.Field, e.Msg)
}

func fieldErr(pos int, field, msg string) *FieldError {
	return &FieldError{Pos: pos, Field: field, Msg: msg}
}
