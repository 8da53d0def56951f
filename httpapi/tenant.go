package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/tenantd/tenantd"
)

// listBody is PortSIP's list envelope.
type listBody[T any] struct {
	Count int64 `json:"count"`
	Items []T   `json:"items"`
}

func (s *Server) listTenants(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	items, count, err := s.Tenants.ListTenants(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listBody[tenantd.TenantSummary]{Count: count, Items: items})
	return nil
}

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

// listOptions are the query parameters lists understand; others are ignored, as a cache
// buster or a client's own parameter may be there.
var listOptions = []string{"filter", "search", "orderby", "skip", "top"}

// listQuery reads the list options of r. A repeated option, or a skip or top that is not a
// whole number, is a VALIDATE_FAILED error naming it.
func listQuery(r *http.Request) (tenantd.ListQuery, error) {
	q := tenantd.ListQuery{Top: tenantd.DefaultTop}
	values := r.URL.Query()
	var p tenantd.Problems

	for _, name := range listOptions {
		if len(values[name]) > 1 {
			p.Add(name, "must be given at most once")
		}
	}
	q.Filter, q.Search, q.OrderBy = values.Get("filter"), values.Get("search"), values.Get("orderby")

	readInt := func(name string, dst *int64) {
		if !values.Has(name) {
			return
		}
		n, err := strconv.ParseInt(values.Get(name), 10, 64)
		if err != nil {
			p.Add(name, "must be a whole number")
			return
		}
		*dst = n
	}
	readInt("skip", &q.Skip)
	readInt("top", &q.Top)

	if err := p.Err(); err != nil {
		return q, err
	}
	return q, q.Validate()
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
