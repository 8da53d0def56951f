package openapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/openapi"
)

const docURL = "https://tenantd.invalid/openapi.json"

func compiler(t *testing.T) (*jsonschema.Compiler, map[string]any) {
	t.Helper()
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.Document()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, raw); err != nil {
		t.Fatal(err)
	}
	doc, _ := raw.(map[string]any)
	return c, doc
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// TestEverySchemaCompiles compiles every request, response and component schema, so that a
// broken $ref or pattern fails here rather than in the first test that meets it.
func TestEverySchemaCompiles(t *testing.T) {
	c, doc := compiler(t)
	var ptrs []string

	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		ptrs = append(ptrs, "/components/schemas/"+escape(name))
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			base := "/paths/" + escape(path) + "/" + method
			if rb, ok := o["requestBody"].(map[string]any); ok {
				for mt := range rb["content"].(map[string]any) {
					ptrs = append(ptrs, base+"/requestBody/content/"+escape(mt)+"/schema")
				}
			}
			for code, r := range o["responses"].(map[string]any) {
				content, _ := r.(map[string]any)["content"].(map[string]any)
				for mt := range content {
					ptrs = append(ptrs, base+"/responses/"+code+"/content/"+escape(mt)+"/schema")
				}
			}
		}
	}

	for _, p := range ptrs {
		if _, err := c.Compile(docURL + "#" + p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestDomainValuesValidate checks the document against values the domain produces and
// accepts: a new tenant as the server writes it, and a create body.
func TestDomainValuesValidate(t *testing.T) {
	c, _ := compiler(t)
	tenant := tenantd.NewTenant()
	tenant.ID, tenant.CreatedAt = 878156644691742720, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tenant.Name, tenant.Domain, tenant.Timezone, tenant.Currency, tenant.Region =
		"Acme", "pbx.acme.example", "Europe/Zurich", "CHF", "CHE"
	tenant.CDREvent = tenantd.EventPush{Enabled: true, Auth: tenantd.AuthBasic,
		Username: "hookuser", Password: "hookpass1", URL: "https://hooks.example/cdr"}

	cases := []struct {
		schema string
		value  any
		valid  bool
	}{
		{"Tenant", tenant, true},
		{"TenantSummary", tenant.Summary(), true},
		{"TenantCreate", map[string]any{"name": "Acme", "domain": "pbx.acme.example",
			"timezone": "Europe/Zurich", "currency": "chf", "region": "che"}, true},
		{"TenantCreate", map[string]any{"name": "Acme"}, false},
		{"TenantUpdate", map[string]any{"disk_quota": "10gb", "website": nil}, true},
		{"TenantUpdate", map[string]any{"disk_quota": "010GB"}, false},
		{"TenantUpdate", map[string]any{"max_extensions": -1}, false},
		{"TenantUpdate", map[string]any{"colour": "red"}, false},
	}
	for _, tc := range cases {
		s, err := c.Compile(docURL + "#/components/schemas/" + tc.schema)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustJSON(t, tc.value)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); (err == nil) != tc.valid {
			t.Errorf("%s %s: valid %v, want %v: %v", tc.schema, mustJSON(t, tc.value),
				err == nil, tc.valid, err)
		}
	}
}
