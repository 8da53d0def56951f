package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecoveryTurnsPanicIntoLogged500 runs a panicking handler behind the server's own
// middleware: the client gets a 500 envelope quoting the request id and none of the panic's
// text, and the log holds the panic under the same request id.
func TestRecoveryTurnsPanicIntoLogged500(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	h := s.withRequestInfo(s.withRecovery(http.HandlerFunc(
		func(http.ResponseWriter, *http.Request) { panic("secret internal detail") })))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/tenants", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	id := rec.Header().Get("X-Request-Id")
	var env errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	e := env.Errors[0]
	if id == "" || e.Code != "UNKNOWN" || !strings.Contains(e.Message, id) ||
		strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("request id %q, answer %+v", id, e)
	}

	var panicLogged, requestLogged bool
	for _, line := range bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n")) {
		var entry map[string]any
		if err := json.Unmarshal(line, &entry); err != nil {
			t.Fatalf("log line %s: %v", line, err)
		}
		if entry["request_id"] != id {
			continue
		}
		panicLogged = panicLogged || entry["msg"] == "handler panic" &&
			entry["panic"] == "secret internal detail" && entry["stack"] != ""
		requestLogged = requestLogged || entry["msg"] == "request" &&
			entry["status"] == float64(500) && entry["level"] == "ERROR"
	}
	if !panicLogged || !requestLogged {
		t.Fatalf("panic logged %v, request logged %v:\n%s", panicLogged, requestLogged, &logs)
	}
}

// TestRecoveryLetsAbortThrough checks that http.ErrAbortHandler, the standard way to abort a
// response, is passed on to the server rather than turned into a 500.
func TestRecoveryLetsAbortThrough(t *testing.T) {
	s := &Server{Logger: slog.New(slog.DiscardHandler)}
	h := s.withRecovery(http.HandlerFunc(
		func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))

	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Fatalf("recovered %v", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	t.Fatal("the abort did not propagate")
}
