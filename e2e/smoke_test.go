package e2e

import (
	"net/http"
	"testing"
)

func TestCreateReadDelete(t *testing.T) {
	s := startServer(t)

	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)
	got := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK).object(t)
	if got["name"] != "Acme" || got["domain"] != "pbx.acme.example" || got["id"] != id {
		t.Fatalf("read back %v", got)
	}

	s.do(t, "POST", "/api/tenants/"+id+"/destroy", s.Admin, nil).want(t, http.StatusNoContent)
	s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusNotFound)
}
