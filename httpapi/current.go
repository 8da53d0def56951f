package httpapi

import (
	"net/http"

	"github.com/tenantd/tenantd"
)

// switchTenant makes the tenant named by the id query parameter current for the session.
func (s *Server) switchTenant(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	values := r.URL.Query()
	if len(values["id"]) != 1 {
		var p tenantd.Problems
		p.Add("id", "must be given once")
		return p.Err()
	}
	id, err := tenantd.ParseID(values.Get("id"))
	if err != nil {
		return err
	}
	if err := s.Current.SwitchTenant(r.Context(), actor, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (s *Server) getCurrentTenant(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	t, err := s.Current.CurrentTenant(r.Context(), actor)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(t.ID, t.Version))
	writeJSON(w, http.StatusOK, tenantd.CurrentTenant{Tenant: t})
	return nil
}

func (s *Server) updateCurrentTenant(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	t, err := s.Current.UpdateCurrentTenant(r.Context(), actor, func(t *tenantd.Tenant) error {
		return tenantd.ApplyCurrentTenantInput(t, in, actor.Role)
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(t.ID, t.Version))
	writeJSON(w, http.StatusOK, tenantd.CurrentTenant{Tenant: t})
	return nil
}

func (s *Server) tenantStatus(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	st, err := s.Current.TenantStatus(r.Context(), actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
