package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/tenantd/tenantd"
)

// Limits on request bodies. A tenant object is a few KiB; 1 MiB leaves room for long
// custom_options without letting a client make the server buffer much.
const (
	maxJSONBody  = 1 << 20
	maxJSONDepth = 32
)

// readObject reads a request body that must be one JSON object and returns its members. It
// refuses, with a 4xx naming the body, anything over maxJSONBody, invalid UTF-8, malformed
// JSON, duplicate member names, nesting deeper than maxJSONDepth and data after the object.
func readObject(w http.ResponseWriter, r *http.Request) (tenantd.Input, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, tenantd.Errorf(tenantd.ETooLarge, "the request body exceeds %d bytes",
			maxJSONBody)
	}
	if err != nil {
		return nil, badBody("could not be read")
	}

	if !utf8.Valid(body) {
		return nil, badBody("must be valid UTF-8")
	}
	if err := checkJSON(body); err != nil {
		return nil, err
	}

	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, badBody("must be a JSON object")
	}
	var in tenantd.Input
	if err := json.Unmarshal(trimmed, &in); err != nil {
		return nil, badBody("must be a JSON object")
	}
	return in, nil
}

func badBody(reason string) error {
	return &tenantd.Error{
		Code:    tenantd.EInvalid,
		Message: "the request body is not acceptable",
		Fields:  []tenantd.FieldError{{Field: "body", Reason: reason}},
	}
}

// frame is one open object or array while checkJSON walks a document.
type frame struct {
	object    bool
	expectKey bool
	keys      map[string]struct{}
}

// checkJSON walks the tokens of body and enforces what encoding/json lets through: duplicate
// member names (it keeps the last silently), unbounded nesting and trailing data.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame

	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return badBody("is not valid JSON: unexpected end")
			}
			return badBody("must not be empty")
		}
		if err != nil {
			return badBody("is not valid JSON")
		}

		if err := step(&stack, tok); err != nil {
			return err
		}
		if len(stack) == 0 {
			break
		}
	}

	if _, err := dec.Token(); err != io.EOF {
		return badBody("must hold one JSON value and nothing after it")
	}
	return nil
}

// step applies one token to the stack of open containers.
func step(stack *[]*frame, tok json.Token) error {
	var top *frame
	if n := len(*stack); n > 0 {
		top = (*stack)[n-1]
	}

	switch v := tok.(type) {
	case json.Delim:
		if v == '{' || v == '[' {
			if len(*stack) >= maxJSONDepth {
				return badBody("must not nest deeper than " + strconv.Itoa(maxJSONDepth) +
					" levels")
			}
			*stack = append(*stack, &frame{object: v == '{', expectKey: v == '{'})
			return nil
		}
		*stack = (*stack)[:len(*stack)-1]
		valueDone(*stack)
		return nil
	case string:
		if top != nil && top.object && top.expectKey {
			if top.keys == nil {
				top.keys = map[string]struct{}{}
			}
			if _, dup := top.keys[v]; dup {
				return badBody("has the member " + strconv.Quote(v) + " more than once")
			}
			top.keys[v] = struct{}{}
			top.expectKey = false
			return nil
		}
	case json.Number:
		if len(v) > 64 {
			return badBody("holds a number with too many digits")
		}
	}
	valueDone(*stack)
	return nil
}

// valueDone notes that a value ended inside the innermost container: an object now expects
// its next key.
func valueDone(stack []*frame) {
	if n := len(stack); n > 0 && stack[n-1].object {
		stack[n-1].expectKey = true
	}
}

// writeJSON answers with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"code":"UNKNOWN","message":"internal error","detail":[]}]}`)
	}

	writeRawJSON(w, status, body)
}

// writeRawJSON answers with body, which is already JSON.
func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
