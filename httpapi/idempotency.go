package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/tenantd/tenantd"
)

// actorHandler is an API handler that needs a signed-in caller.
type actorHandler = func(http.ResponseWriter, *http.Request, tenantd.Actor) error

// maxIdempotencyKey bounds the key clients choose; UUIDs and similar fit easily.
const maxIdempotencyKey = 255

// idempotent makes a create handler safe to retry. Without an Idempotency-Key header the
// request runs as usual. With one, the request runs at most once per caller and key within
// tenantd.IdempotencyTTL: a retry with the same method, path, query and body gets the first
// 2xx answer again (marked Idempotent-Replayed: true) and creates nothing; a different
// request under a used key is 422. A request that failed stored nothing, so its retry runs
// again. h must write through the services with the request's context, so that its write and
// the key commit together.
func (s *Server) idempotent(h actorHandler) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
		keys := r.Header.Values("Idempotency-Key")
		if len(keys) == 0 {
			return h(w, r, actor)
		}
		if err := checkIdempotencyKey(keys); err != nil {
			return err
		}

		body, err := readBody(w, r)
		if err != nil {
			return err
		}
		hash := requestHash(r, body)

		reply, replayed, err := s.Idempotency.Idempotent(r.Context(), actor, keys[0], hash,
			func(ctx context.Context) (*tenantd.Reply, error) {
				rec := &replyRecorder{header: http.Header{}}
				req := r.WithContext(ctx)
				req.Body = io.NopCloser(bytes.NewReader(body))
				if err := h(rec, req, actor); err != nil {
					return nil, err
				}
				return rec.reply(), nil
			})
		if err != nil {
			return err
		}

		writeReply(w, reply, replayed)
		return nil
	}
}

func checkIdempotencyKey(keys []string) error {
	var p tenantd.Problems
	key := keys[0]
	switch {
	case len(keys) > 1:
		p.Add("Idempotency-Key", "must be given at most once")
	case key == "" || len(key) > maxIdempotencyKey:
		p.Add("Idempotency-Key", "must be 1 to 255 characters")
	case !printableASCII(key):
		p.Add("Idempotency-Key", "must be printable ASCII")
	}
	return p.Err()
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// readBody reads a request body of at most maxJSONBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, tenantd.Errorf(tenantd.ETooLarge, "the request body exceeds %d bytes",
			maxJSONBody)
	}
	if err != nil {
		return nil, badBody("could not be read")
	}
	return body, nil
}

// requestHash identifies a request for its idempotency key: method, path, query and body.
func requestHash(r *http.Request, body []byte) string {
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.EscapedPath(), r.URL.RawQuery} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// replyRecorder captures what a handler answers, so it can be stored before it is sent.
type replyRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rr *replyRecorder) Header() http.Header { return rr.header }

func (rr *replyRecorder) WriteHeader(status int) {
	if rr.status == 0 {
		rr.status = status
	}
}

func (rr *replyRecorder) Write(b []byte) (int, error) {
	rr.WriteHeader(http.StatusOK)
	return rr.body.Write(b)
}

func (rr *replyRecorder) reply() *tenantd.Reply {
	rr.WriteHeader(http.StatusOK)
	return &tenantd.Reply{Status: rr.status, Header: rr.header, Body: rr.body.Bytes()}
}

// writeReply sends a recorded or stored reply.
func writeReply(w http.ResponseWriter, reply *tenantd.Reply, replayed bool) {
	h := w.Header()
	for name, values := range reply.Header {
		h[name] = values
	}
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(reply.Status)
	_, _ = w.Write(reply.Body)
}
