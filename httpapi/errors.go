package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/tenantd/tenantd"
)

// statusOf maps every domain error code to its HTTP status. It is the only such table.
var statusOf = map[string]int{
	tenantd.EInvalid:             http.StatusBadRequest,
	tenantd.EUnauthorized:        http.StatusUnauthorized,
	tenantd.EForbidden:           http.StatusForbidden,
	tenantd.ENotFound:            http.StatusNotFound,
	tenantd.EMethodNotAllowed:    http.StatusMethodNotAllowed,
	tenantd.EConflict:            http.StatusConflict,
	tenantd.EPreconditionFailed:  http.StatusPreconditionFailed,
	tenantd.EIdemMismatch:        http.StatusUnprocessableEntity,
	tenantd.ETooLarge:            http.StatusRequestEntityTooLarge,
	tenantd.ERangeNotSatisfiable: http.StatusRequestedRangeNotSatisfiable,
	tenantd.EQuotaExceeded:       http.StatusConflict,
	tenantd.ETooManyRequests:     http.StatusTooManyRequests,
	tenantd.EUnavailable:         http.StatusServiceUnavailable,
	tenantd.EInternal:            http.StatusInternalServerError,
}

// errorBody is the envelope PortSIP clients parse.
type errorBody struct {
	Errors []errorItem `json:"errors"`
}

type errorItem struct {
	Code    string               `json:"code"`
	Message string               `json:"message"`
	Detail  []tenantd.FieldError `json:"detail"`
}

// writeError answers with the envelope for err. Internal errors are logged with their whole
// chain and answered with a fixed text and the request id, never their own text.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := tenantd.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}

	item := errorItem{Code: code, Message: tenantd.ErrorMessage(err), Detail: []tenantd.FieldError{}}
	var e *tenantd.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		item.Detail = e.Fields
	}

	info := infoFrom(r.Context())
	if status >= 500 {
		item.Message = "internal error; quote request id " + info.requestID + " to the operator"
		if code == tenantd.EUnavailable {
			item.Message = tenantd.ErrorMessage(err)
		}
	}
	info.err = err

	var ra *retryAfter
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", ra.retryAfterSeconds())
	}
	writeJSON(w, status, errorBody{Errors: []errorItem{item}})
}

// logLevel picks the level of a request's log line from its status.
func logLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}
