package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenantd/tenantd/httpapi"
	"github.com/tenantd/tenantd/openapi"
)

// TestRoutesDocumented fails for every registered route that the OpenAPI document does not
// describe, so that a new endpoint cannot ship without its contract.
func TestRoutesDocumented(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}

	routes := (&httpapi.Server{}).Routes()
	if len(routes) == 0 {
		t.Fatal("the server registers no routes")
	}
	for _, pattern := range routes {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			t.Errorf("route %q has no method; document it per method", pattern)
			continue
		}
		// ServeMux writes a trailing wildcard as {name...}; OpenAPI has no such form.
		path = strings.ReplaceAll(path, "...}", "}")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi/openapi.json", pattern)
		}
	}
}
