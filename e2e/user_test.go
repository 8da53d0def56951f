package e2e

import (
	"net/http"
	"slices"
	"testing"
)

// portsipUserBody is a create-user body as a PortSIP client sends it, every scalar setting
// included and the call-feature members empty.
func portsipUserBody() map[string]any {
	return userBody("alice", "1001", "Admin", map[string]any{
		"enabled": true, "mobile_phone": "+41790000000", "work_phone": "+41440000000",
		"home_phone": "+41430000000", "address": "Bahnhofstrasse 1", "department": "Sales",
		"enable_audio_recording": true, "enable_video_recording": false, "enable_dnd": false,
		"enable_acb": true, "enable_hot_desking": false, "anonymous_outbound_calls": false,
		"sms": "ALLOW", "delivery_outbound_cid": true, "custom_options": `{"k":1}`,
		"voicemail_prompt": "en-US", "enable_voicemail_pin": true,
		"enable_voicemail_notify": true, "voicemail_play_datetime": "24_HOUR_CLOCK",
		"interface": "WEB_DOMAIN", "preferred_transport": "TLS",
		"outbound_caller_ids": []any{}, "blfs": []any{}, "custom_forward_rules": []any{},
		"office_hours": map[string]any{},
	})
}

func TestUserRoundTrip(t *testing.T) {
	s := startServer(t)
	tenant := s.createTenant(t, "Acme", "acme.example", nil)
	s.switchTo(t, s.Admin, tenant)

	id := s.do(t, "POST", "/api/users", s.Admin, portsipUserBody()).want(t, 201).id(t)
	got := s.do(t, "GET", "/api/users/"+id, s.Admin, nil).want(t, 200).object(t)
	for k, v := range map[string]any{
		"name": "alice", "role": "Admin", "extension_number": "1001", "sms": "ALLOW",
		"department": "Sales", "enable_acb": true, "voicemail_pin": "135792",
		"preferred_transport": "TLS", "custom_options": `{"k":1}`, "voicemail_prompt": "en-US",
	} {
		if got[k] != v {
			t.Errorf("%s is %v, want %v", k, got[k], v)
		}
	}
	for _, secret := range []string{"password", "extension_password"} {
		if _, ok := got[secret]; ok {
			t.Errorf("the user answer carries %s", secret)
		}
	}

	// The user signs in with the tenant's domain, and sends back what it read.
	token := s.signIn(t, "alice", userPassword, "ACME.example.")
	s.do(t, "GET", "/api/tenant", token, nil).want(t, http.StatusOK)
	delete(got, "id")
	s.do(t, "POST", "/api/users/"+id, token, got).want(t, http.StatusOK)
}

func TestUserValidation(t *testing.T) {
	s := startServer(t)
	tenant := s.createTenant(t, "Acme", "acme.example", nil)
	s.switchTo(t, s.Admin, tenant)
	s.createUser(t, s.Admin, "bob", "200", "StandardUser")

	cases := []struct {
		name   string
		body   map[string]any
		status int
		fields []string
	}{
		{"forward rule", userBody("c1", "201", "StandardUser", map[string]any{
			"busy_office_hours_forward_rule": map[string]any{"action": "HANGUP"}}),
			400, []string{"busy_office_hours_forward_rule"}},
		{"blf list", userBody("c2", "202", "StandardUser", map[string]any{
			"blfs": []any{map[string]any{"key": "1", "value": "200"}}}),
			400, []string{"blfs"}},
		{"taken extension", userBody("c3", "200", "StandardUser", nil),
			409, []string{"extension_number"}},
		{"taken name", userBody("bob", "203", "StandardUser", nil), 409, []string{"name"}},
		{"short extension", userBody("c4", "12", "StandardUser", nil),
			400, []string{"extension_number"}},
		{"letters in extension", userBody("c5", "12a", "StandardUser", nil),
			400, []string{"extension_number"}},
		{"sequential pin", userBody("c6", "204", "StandardUser",
			map[string]any{"voicemail_pin": "123957"}), 400, []string{"voicemail_pin"}},
		{"unknown role", userBody("c7", "205", "SystemAdmin", nil), 400, []string{"role"}},
		{"reserved name", userBody("Root", "206", "Admin", nil), 400, []string{"name"}},
		{"unknown member", userBody("c8", "207", "Admin", map[string]any{"colour": "red"}),
			400, []string{"colour"}},
		{"null enum", userBody("c9", "208", "Admin", map[string]any{"sms": nil}),
			400, []string{"sms"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := s.do(t, "POST", "/api/users", s.Admin, c.body).want(t, c.status)
			if got := res.errorFields(t); !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
	if n := s.do(t, "GET", "/api/users", s.Admin, nil).want(t, 200).count(t); n != 1 {
		t.Fatalf("%d users after refused creations, want 1", n)
	}
}

func TestTenantAdminReducedFields(t *testing.T) {
	w := newWorld(t)
	adminA := w.tokens["admin of the tenant"]

	got := w.do(t, "GET", "/api/tenant", adminA, nil).want(t, 200).object(t)
	for _, hidden := range []string{"enabled", "email_recipients", "created_at"} {
		if _, ok := got[hidden]; ok {
			t.Errorf("GET /api/tenant carries %s", hidden)
		}
	}
	if v, ok := got["stir_shaken_cert"]; !ok || v != nil {
		t.Errorf("stir_shaken_cert is %v (present %v), want null", v, ok)
	}

	before := w.do(t, "GET", "/api/tenants/"+w.tenantA, w.Admin, nil).Body
	for _, field := range []string{"max_extensions", "disk_quota", "enable_feature_trunks",
		"enabled", "enable_billing"} {
		value := map[string]any{"max_extensions": 5, "disk_quota": "1GB",
			"enable_feature_trunks": false, "enabled": false, "enable_billing": true}[field]
		res := w.do(t, "POST", "/api/tenant", adminA,
			map[string]any{"website": "https://x.example", field: value})
		res.want(t, http.StatusForbidden)
		if f := res.errorFields(t); !slices.Equal(f, []string{field}) {
			t.Errorf("403 names %v, want %s", f, field)
		}
	}
	after := w.do(t, "GET", "/api/tenants/"+w.tenantA, w.Admin, nil).Body
	if string(before) != string(after) {
		t.Fatalf("refused updates changed the tenant:\n%s\n%s", before, after)
	}

	// What the admin read it may send back, and the allowed fields change.
	got["log_retention"] = 7.0
	delete(got, "id")
	res := w.do(t, "POST", "/api/tenant", adminA, got).want(t, http.StatusOK).object(t)
	if res["log_retention"] != 7.0 {
		t.Fatalf("log_retention is %v, want 7", res["log_retention"])
	}
}

func TestDealerValidation(t *testing.T) {
	s := startServer(t)
	cases := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"missing members", map[string]any{"name": "d1"},
			[]string{"level", "password", "max_tenants", "max_extensions"}},
		{"bad level", map[string]any{"name": "d2", "level": "BOSS", "password": dealerPassword,
			"max_tenants": 1, "max_extensions": 1}, []string{"level"}},
		{"reserved name", map[string]any{"name": "Admin", "level": "RESELLER",
			"password": dealerPassword, "max_tenants": 1, "max_extensions": 1},
			[]string{"name"}},
		{"negative limit", map[string]any{"name": "d3", "level": "RESELLER",
			"password": dealerPassword, "max_tenants": -1, "max_extensions": 1},
			[]string{"max_tenants"}},
	}
	for _, c := range cases {
		res := s.do(t, "POST", "/api/dealers", s.Admin, c.body).want(t, http.StatusBadRequest)
		if got := res.errorFields(t); !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
		}
	}

	id := s.createDealer(t, "d1", map[string]any{"email": "d1@example.com"})
	got := s.do(t, "GET", "/api/dealers/"+id, s.Admin, nil).want(t, 200).object(t)
	if got["max_tenants"] != 100.0 || got["tenant_full_access"] != true || got["phone"] != nil ||
		got["email"] != "d1@example.com" {
		t.Fatalf("dealer %v", got)
	}
	if _, ok := got["password"]; ok {
		t.Fatal("the dealer answer carries its password")
	}
	s.do(t, "POST", "/api/dealers", s.Admin, map[string]any{"name": "d1", "level": "RESELLER",
		"password": dealerPassword, "max_tenants": 1, "max_extensions": 1}).
		want(t, http.StatusConflict)
	s.do(t, "POST", "/api/dealers/"+id, s.Admin, map[string]any{"name": "d2"}).
		want(t, http.StatusBadRequest)
}
