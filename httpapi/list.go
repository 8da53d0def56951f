package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/tenantd/tenantd"
)

// listBody is PortSIP's list envelope.
type listBody[T any] struct {
	Count int64 `json:"count"`
	Items []T   `json:"items"`
}

// listPage answers a list request: it reads the list options, asks list for one page and
// writes it in PortSIP's envelope.
func listPage[T any](w http.ResponseWriter, r *http.Request, actor tenantd.Actor,
	list func(context.Context, tenantd.Actor, tenantd.ListQuery) ([]T, int64, error)) error {
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	items, count, err := list(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listBody[T]{Count: count, Items: items})
	return nil
}

// The list endpoints. The services are looked up when a request comes, not when the routes
// are built, so that a Server can list its routes before it has services.

func (s *Server) listTenants(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return listPage(w, r, a, s.Tenants.ListTenants)
}

func (s *Server) listDealers(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return listPage(w, r, a, s.Dealers.ListDealers)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return listPage(w, r, a, s.Users.ListUsers)
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return listPage(w, r, a, s.Files.ListFiles)
}

func (s *Server) listAuditLogs(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return listPage(w, r, a, s.Audit.ListAuditLogs)
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
