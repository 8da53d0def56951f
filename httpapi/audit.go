package httpapi

import (
	"net/http"

	"github.com/tenantd/tenantd"
)

func (s *Server) listAuditLogs(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	items, count, err := s.Audit.ListAuditLogs(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listBody[tenantd.AuditEntry]{Count: count, Items: items})
	return nil
}
