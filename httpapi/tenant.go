package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/tenantd/tenantd"
)

func (s *Server) createTenant(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	t := tenantd.NewTenant()
	if err := tenantd.ApplyTenantInput(t, in, true); err != nil {
		return err
	}
	if err := s.Tenants.CreateTenant(r.Context(), actor, t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": tenantd.FormatID(t.ID)})
	return nil
}

func (s *Server) getTenant(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	body, version, err := s.Tenants.TenantJSON(r.Context(), actor, id)
	if err != nil {
		return err
	}

	w.Header().Set("ETag", etag(id, version))
	writeRawJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) updateTenant(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	pre := ifMatch(r, id)
	t, err := s.Tenants.UpdateTenant(r.Context(), actor, id, func(t *tenantd.Tenant) error {
		if err := pre.Check(t.Version); err != nil {
			return err
		}
		return tenantd.ApplyTenantInput(t, in, false)
	})
	if err != nil {
		return err
	}

	w.Header().Set("ETag", etag(t.ID, t.Version))
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) destroyTenant(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Tenants.DeleteTenant(r.Context(), actor, id, ifMatch(r, id)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// etag names one version of one record.
func etag(id, version int64) string {
	return `"` + strconv.FormatInt(id, 36) + "." + strconv.FormatInt(version, 36) + `"`
}

func sortedNames(in tenantd.Input) []string {
	names := make([]string, 0, len(in))
	for k := range in {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func jsonString(raw json.RawMessage, dst *string) error {
	return json.Unmarshal(raw, dst)
}
