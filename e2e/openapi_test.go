package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/tenantd/tenantd/openapi"
)

func TestOpenAPIDocumentServed(t *testing.T) {
	s := startServer(t)
	res := s.do(t, "GET", "/api/openapi.json", "", nil).want(t, http.StatusOK)

	var served, embedded any
	if err := json.Unmarshal(res.Body, &served); err != nil {
		t.Fatalf("served document: %v", err)
	}
	if err := json.Unmarshal(openapi.Document(), &embedded); err != nil {
		t.Fatalf("embedded document: %v", err)
	}
	if !reflect.DeepEqual(served, embedded) {
		t.Fatal("the served document differs from the embedded one")
	}
}

// TestAnswersMatchContract walks every documented operation through its success and error
// answers; the harness validates each answer against the document.
func TestAnswersMatchContract(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", map[string]any{
		"website": "https://acme.example", "disk_quota": "10gb",
		"office_hours": map[string]any{"saturday": map[string]any{
			"enabled": true, "ranges": []any{map[string]any{"from": "10:00", "to": "12:00"}}}},
		"cdr_event": map[string]any{"enabled": true, "url": "https://hooks.acme.example/cdr",
			"auth": "BEARER", "token": "abc"},
		"outbound_caller_ids": []any{map[string]any{"provider_id": "p1", "caller_id": "+4144"}},
	})

	pair := s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}).want(t, 200).object(t)
	refresh, _ := pair["refresh_token"].(string)
	token, _ := pair["access_token"].(string)

	steps := []struct {
		method, path, token string
		body                any
		status              int
	}{
		{"GET", "/healthz", "", nil, 200},
		{"GET", "/readyz", "", nil, 200},
		{"GET", "/metrics", "", nil, 200},
		{"POST", "/api/auth/sign_in", "",
			map[string]string{"username": "admin", "password": "nope"}, 401},
		{"POST", "/api/auth/sign_in", "", map[string]string{"username": "admin"}, 400},
		{"POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": refresh}, 200},
		{"POST", "/api/auth/refresh_token", "", map[string]string{"refresh_token": "bogus"}, 401},
		{"POST", "/api/login/oauth/token", "", url.Values{"grant_type": {"password"},
			"username": {"admin"}, "password": {adminPassword}, "client_id": {"x"}}, 200},
		{"POST", "/api/login/oauth/token", "", url.Values{"grant_type": {"magic"}}, 400},
		{"GET", "/api/auth/user", s.Admin, nil, 200},
		{"GET", "/api/auth/user", "", nil, 401},
		{"GET", "/api/tenants?top=1&orderby=name%20desc&search=acme", s.Admin, nil, 200},
		{"GET", "/api/tenants?filter=" + url.QueryEscape("currency eq 'CHF'"), s.Admin, nil, 200},
		{"GET", "/api/tenants?filter=bogus", s.Admin, nil, 400},
		{"GET", "/api/tenants?top=0", s.Admin, nil, 400},
		{"GET", "/api/tenants/" + id, s.Admin, nil, 200},
		{"GET", "/api/tenants/999", s.Admin, nil, 404},
		{"GET", "/api/tenants/abc", s.Admin, nil, 404},
		{"POST", "/api/tenants", s.Admin, tenantBody("Dup", "PBX.acme.example.", nil), 409},
		{"POST", "/api/tenants", s.Admin, map[string]any{"name": "", "max_extensions": -1}, 400},
		{"POST", "/api/tenants", s.Admin, "[1,2]", 400},
		{"POST", "/api/tenants/" + id, s.Admin, map[string]any{"enabled": false, "e164": map[string]any{
			"enabled": true, "country": "+41"}}, 200},
		{"POST", "/api/tenants/" + id, s.Admin, map[string]any{"office_hours": 5}, 400},
		{"DELETE", "/api/tenants/" + id, s.Admin, nil, 405},
		{"GET", "/api/nothing-here", s.Admin, nil, 404},
		{"POST", "/api/tenants/" + id + "/destroy", s.Admin, nil, 204},
		{"POST", "/api/tenants/" + id + "/destroy", s.Admin, nil, 404},
		{"POST", "/api/auth/sign_out", token, nil, 200},
		{"POST", "/api/auth/sign_out", token, nil, 401},
	}
	for _, st := range steps {
		res := s.do(t, st.method, st.path, st.token, st.body)
		if res.Status != st.status {
			t.Errorf("%s %s: status %d, want %d; body %s", st.method, st.path, res.Status,
				st.status, res.Body)
		}
	}
}

// TestContractCatchesMismatches shows that the check behind every e2e answer fails on
// answers that break the document, so a passing suite means something.
func TestContractCatchesMismatches(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)
	good := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, 200).object(t)

	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	with := func(change func(m map[string]any)) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		change(m)
		return m
	}
	errorBody := map[string]any{"errors": []any{map[string]any{
		"code": "NOT_FOUND", "message": "tenant not found", "detail": []any{}}}}

	cases := []struct {
		name, method, path string
		res                *response
		documented, valid  bool
	}{
		{"real tenant", "GET", "/api/tenants/" + id, jsonAnswer(200, good), true, true},
		{"missing member", "GET", "/api/tenants/" + id,
			jsonAnswer(200, with(func(m map[string]any) { delete(m, "e164") })), true, false},
		{"extra member", "GET", "/api/tenants/" + id,
			jsonAnswer(200, with(func(m map[string]any) { m["color"] = "red" })), true, false},
		{"bad enum", "GET", "/api/tenants/" + id,
			jsonAnswer(200, with(func(m map[string]any) { m["currency"] = "XXX" })), true, false},
		{"id as number", "GET", "/api/tenants/" + id,
			jsonAnswer(200, with(func(m map[string]any) { m["id"] = 5 })), true, false},
		{"error envelope", "GET", "/api/tenants/1", jsonAnswer(404, errorBody), true, true},
		{"tenant body for a 404", "GET", "/api/tenants/1", jsonAnswer(404, good), true, false},
		{"envelope without detail", "GET", "/api/tenants/1", jsonAnswer(404, map[string]any{
			"errors": []any{map[string]any{"code": "NOT_FOUND", "message": "x"}}}), true, false},
		{"undocumented success status", "POST", "/api/tenants/1/destroy",
			jsonAnswer(200, map[string]any{}), true, false},
		{"body on 204", "POST", "/api/tenants/1/destroy", jsonAnswer(204, map[string]any{}), true, false},
		{"undocumented route", "GET", "/api/widgets", jsonAnswer(200, map[string]any{}), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			documented, err := c.check(tc.method, tc.path, tc.res)
			if documented != tc.documented || (err == nil) != tc.valid {
				t.Fatalf("documented %v, err %v; want documented %v, valid %v",
					documented, err, tc.documented, tc.valid)
			}
		})
	}
}

func TestContractPathMatching(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/api/tenants":            "/api/tenants",
		"/api/tenants/12":         "/api/tenants/{id}",
		"/api/tenants/12/destroy": "/api/tenants/{id}/destroy",
		"/api/tenants//destroy":   "",
		"/healthz":                "/healthz",
	} {
		got, _ := c.match(path)
		if got != want {
			t.Errorf("match(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestContractChecksUndocumentedErrors(t *testing.T) {
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	bad := jsonAnswer(404, map[string]any{"error": "x"})
	if _, err := c.check("GET", "/api/widgets", bad); err == nil {
		t.Fatal("a 404 outside the envelope passed")
	}
	envelope := map[string]any{"errors": []any{map[string]any{
		"code": "NOT_FOUND", "message": "no such endpoint", "detail": []any{}}}}
	if _, err := c.check("GET", "/api/widgets", jsonAnswer(404, envelope)); err != nil {
		t.Fatalf("the envelope failed: %v", err)
	}
}
