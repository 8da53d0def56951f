package tenantd

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestTenantAuditStateMatchesGenericMask holds the fast path of MaskedState for tenants to
// the generic walk: both must hide the same secrets and show everything else alike.
func TestTenantAuditStateMatchesGenericMask(t *testing.T) {
	tn := NewTenant()
	tn.Name, tn.Domain, tn.Timezone, tn.Currency, tn.Region = "Acme", "a.example", "UTC", "CHF",
		"CHE"
	tn.CDREvent = EventPush{Enabled: true, Auth: AuthBasic, Username: "hookuser",
		Password: "hookpass1", URL: "https://hooks.example/cdr"}
	tn.ExtensionEvent = EventPush{Auth: AuthBearer, Token: "t0k3n"}

	fast, err := MaskedState(tn)
	if err != nil {
		t.Fatal(err)
	}
	generic, err := MaskedState(json.RawMessage(mustJSON(t, tn)))
	if err != nil {
		t.Fatal(err)
	}

	var a, b map[string]any
	if err := json.Unmarshal([]byte(fast), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(generic), &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("fast and generic masking differ:\nfast    %s\ngeneric %s", fast, generic)
	}

	cdr := a["cdr_event"].(map[string]any)
	ext := a["extension_event"].(map[string]any)
	if cdr["password"] != Masked || ext["token"] != Masked || cdr["username"] != "hookuser" {
		t.Fatalf("secrets not masked as expected: %s", fast)
	}
	if tn.CDREvent.Password != "hookpass1" {
		t.Fatal("masking changed the tenant itself")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
