package httpapi

import (
	"net/http"

	"github.com/tenantd/tenantd"
)

func (s *Server) tenantDealers(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	refs, err := s.Dealers.TenantDealers(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string][]tenantd.DealerRef{"items": refs})
	return nil
}

// designationIDs reads the tenant and dealer ids of a designation path.
func designationIDs(r *http.Request) (tenantID, dealerID int64, err error) {
	if tenantID, err = tenantd.ParseID(r.PathValue("id")); err != nil {
		return 0, 0, err
	}
	dealerID, err = tenantd.ParseID(r.PathValue("dealer_id"))
	return tenantID, dealerID, err
}

func (s *Server) designateTenant(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	tenantID, dealerID, err := designationIDs(r)
	if err != nil {
		return err
	}
	if err := s.Dealers.DesignateTenant(r.Context(), actor, tenantID, dealerID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (s *Server) removeDesignation(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	tenantID, dealerID, err := designationIDs(r)
	if err != nil {
		return err
	}
	if err := s.Dealers.RemoveDesignation(r.Context(), actor, tenantID, dealerID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
