package tenantd

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Each maps to exactly one HTTP status in the HTTP layer's table; the strings are
// the ones PortSIP clients see in the error envelope.
const (
	EInvalid             = "VALIDATE_FAILED"
	EUnauthorized        = "UNAUTHORIZED"
	EForbidden           = "FORBIDDEN"
	ENotFound            = "NOT_FOUND"
	EMethodNotAllowed    = "METHOD_NOT_ALLOWED"
	EConflict            = "CONFLICT"
	EPreconditionFailed  = "PRECONDITION_FAILED"
	ETooLarge            = "PAYLOAD_TOO_LARGE"
	ERangeNotSatisfiable = "RANGE_NOT_SATISFIABLE"
	EQuotaExceeded       = "QUOTA_EXCEEDED"
	ETooManyRequests     = "TOO_MANY_REQUESTS"
	EUnavailable         = "SERVICE_UNAVAILABLE"
	EInternal            = "UNKNOWN"
)

// FieldError names one rejected input field and says why, in words a client can show.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Error is the one error type the domain hands to callers. Code selects the HTTP status;
// Message is safe to show to clients; Fields lists every bad input field of a validation error.
// Errors that are not *Error are internal and never shown to clients.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("tenantd: %s: %s", e.Code, e.Message)
	}

	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Field + ": " + f.Reason
	}
	return fmt.Sprintf("tenantd: %s: %s (%s)", e.Code, e.Message, strings.Join(names, "; "))
}

// Errorf returns an *Error with the given code and a formatted client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for any other
// non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the client-safe message of err; internal errors get a fixed text so
// that nothing of their content reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Problems collects field errors while a request is validated, so that one answer can name
// every bad field at once.
type Problems []FieldError

// Add records that field is invalid for the given reason.
func (p *Problems) Add(field, reason string) {
	*p = append(*p, FieldError{Field: field, Reason: reason})
}

// Err returns nil when nothing was recorded, else a VALIDATE_FAILED *Error listing every field.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "request validation failed", Fields: p}
}
