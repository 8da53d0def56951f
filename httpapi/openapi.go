package httpapi

import (
	"net/http"
	"strconv"

	"github.com/tenantd/tenantd/openapi"
)

// openAPIDocument is read once; it never changes while the process runs.
var openAPIDocument = openapi.Document()

// serveOpenAPI answers the OpenAPI document. It needs no token: the contract is public, and
// clients fetch it before they can sign in.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDocument)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDocument)
	return nil
}
