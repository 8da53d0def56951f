package httpapi

import (
	"net/http"
	"strconv"

	"github.com/tenantd/tenantd"
)

// maxQuery bounds the query string. The longest legitimate one is a list filter, and 8 KiB
// holds filters far beyond what a person writes. Header size as a whole (the request line
// included) is bounded by the HTTP server's MaxHeaderBytes, which answers 431 itself.
const maxQuery = 8 << 10

// withLimits refuses, before any handler runs, requests whose query string is too long.
func (s *Server) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RawQuery) > maxQuery {
			var p tenantd.Problems
			p.Add("query", "must be at most "+strconv.Itoa(maxQuery)+" bytes")
			writeError(w, r, p.Err())
			return
		}
		next.ServeHTTP(w, r)
	})
}
