package openapi_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenantd/tenantd"
)

// TestRoleSchemasMatchDomain checks that the documented dealer, user, current-tenant, status
// and audit objects have exactly the members the server writes, all required, and the
// defaults the domain gives new records.
func TestRoleSchemasMatchDomain(t *testing.T) {
	s := schemas(t)
	dealer := jsonObject(t, tenantd.NewDealer())
	user := jsonObject(t, tenantd.NewUser())

	for _, c := range []struct {
		schema string
		value  any
	}{
		{"Dealer", tenantd.NewDealer()},
		{"DealerRef", tenantd.DealerRef{}},
		{"User", tenantd.NewUser()},
		{"UserSummary", tenantd.NewUser().Summary()},
		{"CurrentTenant", tenantd.CurrentTenant{Tenant: tenantd.NewTenant()}},
		{"TenantStatus", tenantd.TenantStatus{}},
		{"AuditEntry", tenantd.AuditEntry{}},
	} {
		want := keys(jsonObject(t, c.value))
		if got := keys(s[c.schema].Properties); !slices.Equal(got, want) {
			t.Errorf("%s properties %v\nwant %v", c.schema, got, want)
		}
		if got := slices.Sorted(slices.Values(s[c.schema].Required)); !slices.Equal(got, want) {
			t.Errorf("%s must require every member: requires %v", c.schema, got)
		}
	}

	for _, c := range []struct {
		schema string
		fresh  map[string]any
	}{
		{"Dealer", dealer}, {"DealerCreate", dealer}, {"User", user}, {"UserUpdate", user},
	} {
		for name, prop := range s[c.schema].Properties {
			if prop.Default != nil && prop.Default != c.fresh[name] {
				t.Errorf("%s.%s: documented default %v, a new record has %v", c.schema, name,
					prop.Default, c.fresh[name])
			}
		}
	}
}

// TestRoleValuesValidate validates records as the server writes them against their schemas.
func TestRoleValuesValidate(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := tenantd.NewDealer()
	d.ID, d.Name, d.Level, d.Email = 878156644691742720, "north-sales", tenantd.LevelReseller,
		"ops@north.example"
	u := tenantd.NewUser()
	u.ID, u.CreatedAt, u.Name, u.Role, u.ExtensionNumber = 878156644691742721, at, "o'neil.j",
		tenantd.RoleAdmin, "1001"
	u.VoicemailPin, u.Interface, u.VoicemailPrompt = "135790", "SBC_DOMAIN", "en-US"
	tenant := tenantd.NewTenant()
	tenant.ID, tenant.Name, tenant.Domain = 878156644691742722, "Acme", "pbx.acme.example"
	tenant.Timezone, tenant.Currency, tenant.Region = "Europe/Zurich", "CHF", "CHE"
	tenant.OutboundCallerIDs = []tenantd.OutboundCallerID{
		{ProviderID: "p1", CallerID: "+4144", Description: "main line"},
		{ProviderID: "p2", CallerID: "+4145"},
	}
	entry := tenantd.AuditEntry{ID: 878156644691742723, CreatedAt: at, Source: "API",
		IP: "127.0.0.1", Action: tenantd.ActionUpdate, ObjectType: tenantd.ObjectUser,
		UserName: "admin", ObjectName: "o'neil.j", NewState: `{"voicemail_pin":"******"}`}

	c, _ := compiler(t)
	for _, tc := range []struct {
		schema string
		value  any
	}{
		{"Dealer", d},
		{"DealerRef", tenantd.DealerRef{ID: d.ID, Enabled: true, Level: d.Level, Name: d.Name}},
		{"User", u},
		{"UserSummary", u.Summary()},
		{"Tenant", tenant},
		{"CurrentTenant", tenantd.CurrentTenant{Tenant: tenant}},
		{"TenantStatus", tenantd.TenantStatus{Version: tenantd.APIVersion, Calls: []any{}}},
		{"AuditEntry", entry},
	} {
		if err := validate(t, c, tc.schema, mustJSON(t, tc.value)); err != nil {
			t.Errorf("%s %s: %v", tc.schema, mustJSON(t, tc.value), err)
		}
	}
}

func validate(t *testing.T, c *jsonschema.Compiler, schema string, body []byte) error {
	t.Helper()
	s, err := c.Compile(docURL + "#/components/schemas/" + schema)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(v)
}

// inputCase is one member value sent alone in an update body.
type inputCase struct {
	member string
	value  string // JSON text
}

// TestInputRulesMatchDomain sends single-member update bodies to the domain and to the
// documented update schemas: each must accept exactly what the other accepts. Only rules the
// schemas can state in full are probed: not whether an e-mail address parses, nor the
// domain's refusal of integers written with an exponent (1e2), which JSON Schema cannot see.
func TestInputRulesMatchDomain(t *testing.T) {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	rep := func(s string, n int) string { return q(strings.Repeat(s, n)) }
	strs := func(member string, values ...string) []inputCase {
		out := make([]inputCase, len(values))
		for i, v := range values {
			out[i] = inputCase{member, v}
		}
		return out
	}

	var user []inputCase
	for _, group := range [][]inputCase{
		strs("name", q("alice"), q("o'neil.j"), q("x-y_z"), rep("a", 64), rep("a", 65), q(""),
			q(".a"), q("a."), q("."), q("ADMIN"), q("Root"), q("administrators"), q("é"),
			q("a b"), "null", "5"),
		strs("password", q("12345678"), q("1234567"), rep("é", 128), rep("é", 129),
			q("pass\tword1"), "null", q("")),
		strs("role", q("Admin"), q("StandardUser"), q("SystemAdmin"), q("Dealer"), q("admin"),
			"null"),
		strs("enabled", "true", "false", "null", q("true"), "1"),
		strs("extension_number", q("100"), q("12"), rep("9", 64), rep("9", 65), q("10a"),
			"100", "null"),
		strs("extension_password", q("x"), q(""), rep("x", 64), rep("x", 65), q("a\nb"),
			"null"),
		strs("voicemail_pin", q("135790"), q("13579"), q("1357913579"), q("13579135791"),
			q("111579"), q("135999"), q("123579"), q("178905"), q("321579"), q("98765432"),
			q("abcdef"), "135790", "null"),
		strs("voicemail_prompt", q("en-US"), q("en"), q("zh-Hans-CN"), q("de-1996"), q("1en"),
			q("en-"), q("en_US"), q("abcdefghi"), q(""), "null",
			q("en-abcdefgh-abcdefgh-abcdefgh-abcd"), q("en-abcdefgh-abcdefgh-abcdefgh-abcde")),
		strs("sms", q("ALLOW"), q("ALLOW_WITH_SENDER_ID"), q("allow"), "null"),
		strs("voicemail_play_datetime", q("24_HOUR_CLOCK"), q("NEVER"), q(""), "null"),
		strs("interface", q("SBC_DOMAIN"), q("LAN"), "null"),
		strs("preferred_transport", q("TLS"), q("QUIC"), "null"),
		strs("display_name", rep("é", 1024), rep("é", 1025), q("a\u0007b"), q(""), "null", "1"),
		strs("mobile_phone", rep("1", 32), rep("1", 33), "null"),
		strs("department", rep("d", 128), rep("d", 129)),
		strs("custom_options", q(`{"a":1}`), q(""), "null", "{}"),
		strs("office_hours", "{}", "null", "[]", `{"mode":"GLOBAL"}`),
		strs("blfs", "[]", "null", "[{}]"),
		strs("id", q("anything")),
		strs("sync_type", q("Microsoft 365")),
		strs("colour", q("red")),
	} {
		user = append(user, group...)
	}

	dealer := slices.Concat(
		strs("level", q("DISTRIBUTOR"), q("SUB_DISTRIBUTOR"), q("RESELLER"), q("reseller"),
			"null"),
		strs("name", q("north")),
		strs("password", q("12345678"), q("short")),
		strs("max_tenants", "0", "2147483647", "2147483648", "-1", "1.5", q("5"), "null"),
		strs("max_extensions", "50000", "-1"),
		strs("tenant_full_access", "false", "null"),
		strs("website", q("https://north.example"), q("ftp://north.example"), q(""), "null"),
		strs("phone", rep("1", 32), rep("1", 33)),
		strs("address", rep("a", 128), rep("a", 129)),
		strs("description", rep("é", 1024), rep("é", 1025), "null"),
		strs("created_at", q("2026-01-02T03:04:05Z")),
		strs("extension_number", q("100")),
	)

	callerIDs := func(item string) inputCase {
		return inputCase{"outbound_caller_ids", "[" + item + "]"}
	}
	tenant := []inputCase{
		callerIDs(`{"provider_id":"p","caller_id":"1"}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":"main line"}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":null}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":""}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":` + rep("é", 1024) + `}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":` + rep("é", 1025) + `}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":"a\u0001b"}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","description":5}`),
		callerIDs(`{"provider_id":"p","caller_id":"1","note":"x"}`),
	}
	current := slices.Concat(tenant,
		strs("stir_shaken_cert", "null", q(""), q("-----BEGIN CERTIFICATE-----")),
		strs("stir_shaken_key", "null", q("k")),
		strs("avatar_file_id", "null", q("878156644691742720")),
		strs("max_extensions", "10", "-1"),
	)

	suites := []struct {
		schema string
		cases  []inputCase
		apply  func(tenantd.Input) error
	}{
		{"UserUpdate", user, func(in tenantd.Input) error {
			return tenantd.ApplyUserInput(tenantd.NewUser(), in, false)
		}},
		{"DealerUpdate", dealer, func(in tenantd.Input) error {
			return tenantd.ApplyDealerInput(tenantd.NewDealer(), in, false)
		}},
		{"TenantUpdate", tenant, func(in tenantd.Input) error {
			return tenantd.ApplyTenantInput(tenantd.NewTenant(), in, false)
		}},
		{"CurrentTenantUpdate", current, func(in tenantd.Input) error {
			return tenantd.ApplyCurrentTenantInput(tenantd.NewTenant(), in,
				tenantd.RoleSystemAdmin)
		}},
	}

	c, _ := compiler(t)
	for _, suite := range suites {
		for _, tc := range suite.cases {
			body := `{` + q(tc.member) + `:` + tc.value + `}`
			domainErr := suite.apply(tenantd.Input{tc.member: json.RawMessage(tc.value)})
			schemaErr := validate(t, c, suite.schema, []byte(body))
			if (domainErr == nil) != (schemaErr == nil) {
				t.Errorf("%s %.80s: domain error %v, schema error %v", suite.schema, body,
					domainErr, schemaErr)
			}
		}
	}
}

// TestCreateRequiredMatchesDomain checks that the documented required members of the create
// schemas are those the domain demands.
func TestCreateRequiredMatchesDomain(t *testing.T) {
	s := schemas(t)
	for _, c := range []struct {
		schema string
		apply  func(tenantd.Input) error
	}{
		{"UserCreate", func(in tenantd.Input) error {
			return tenantd.ApplyUserInput(tenantd.NewUser(), in, true)
		}},
		{"DealerCreate", func(in tenantd.Input) error {
			return tenantd.ApplyDealerInput(tenantd.NewDealer(), in, true)
		}},
	} {
		var missing []string
		if err, ok := c.apply(tenantd.Input{}).(*tenantd.Error); ok {
			for _, f := range err.Fields {
				missing = append(missing, f.Field)
			}
		}
		slices.Sort(missing)
		if got := slices.Sorted(slices.Values(s[c.schema].Required)); !slices.Equal(got, missing) {
			t.Errorf("%s requires %v; the domain requires %v", c.schema, got, missing)
		}
	}
}
