package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// world is a server with two dealers, each with one tenant, and people in those tenants.
// Targets of the authorisation test live in tenant A.
type world struct {
	*server

	tenantA, tenantB string
	dealerA, dealerB string // ids
	targetUser       string // a user of tenant A

	tokens map[string]string // actor name -> access token ("" for anonymous)
}

// The actors of the authorisation test, in the order of each case's statuses.
var actors = []string{
	"anonymous", "system admin", "dealer, own tenant", "dealer, other's tenant",
	"admin of the tenant", "admin of another tenant", "standard user",
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s := startServer(t)
	w := &world{server: s, tokens: map[string]string{"anonymous": ""}}

	w.dealerA = s.createDealer(t, "dealer-a", nil)
	w.dealerB = s.createDealer(t, "dealer-b", nil)
	dA := s.signIn(t, "dealer-a", dealerPassword, "")
	dB := s.signIn(t, "dealer-b", dealerPassword, "")
	w.tenantA = s.createTenantAs(t, dA, "Tenant A", "a.example", nil)
	w.tenantB = s.createTenantAs(t, dB, "Tenant B", "b.example", nil)

	s.switchTo(t, s.Admin, w.tenantA)
	s.switchTo(t, dA, w.tenantA)
	s.switchTo(t, dB, w.tenantB)
	s.createUser(t, dA, "admin-a", "100", "Admin")
	s.createUser(t, dA, "user-a", "101", "StandardUser")
	s.createUser(t, dB, "admin-b", "100", "Admin")
	w.targetUser = s.createUser(t, dA, "target", "102", "StandardUser")

	w.tokens["system admin"] = s.Admin
	w.tokens["dealer, own tenant"] = dA
	w.tokens["dealer, other's tenant"] = dB
	w.tokens["admin of the tenant"] = s.signIn(t, "admin-a", userPassword, "a.example")
	w.tokens["admin of another tenant"] = s.signIn(t, "admin-b", userPassword, "b.example")
	w.tokens["standard user"] = s.signIn(t, "user-a", userPassword, "a.example")
	return w
}

// snapshot reads, as the system admin, everything the test cases could change, plus the
// extra paths of one case.
func (w *world) snapshot(t *testing.T, extra ...string) string {
	t.Helper()
	paths := append([]string{
		"/api/tenants", "/api/tenants/" + w.tenantA, "/api/tenants/" + w.tenantB,
		"/api/tenants/" + w.tenantA + "/dealers", "/api/dealers", "/api/dealers/" + w.dealerA,
		"/api/users", "/api/users/" + w.targetUser, "/api/tenant",
	}, extra...)

	var b strings.Builder
	for _, p := range paths {
		res := w.do(t, "GET", p, w.Admin, nil)
		fmt.Fprintf(&b, "%s %d %s\n", p, res.Status, res.Body)
	}
	return b.String()
}

// sacrificialTenant makes a tenant of dealer A that a case may destroy or re-designate.
func (w *world) sacrificialTenant(t *testing.T, n int) string {
	t.Helper()
	return w.createTenantAs(t, w.tokens["dealer, own tenant"], fmt.Sprintf("Spare %d", n),
		fmt.Sprintf("spare%d.a.example", n), map[string]any{"max_extensions": 10})
}

// authzCase is one endpoint: how to build its request for the n-th cell, and the status each
// actor must get. probe, if set, names extra paths whose state must not change when refused.
type authzCase struct {
	name   string
	method string
	path   func(t *testing.T, w *world, n int) (path string, probe []string)
	body   func(n int) any
	want   [7]int
}

func website(url string) map[string]any { return map[string]any{"website": url} }

func fixed(p func(w *world) string) func(*testing.T, *world, int) (string, []string) {
	return func(_ *testing.T, w *world, _ int) (string, []string) { return p(w), nil }
}

const (
	s200 = http.StatusOK
	s201 = http.StatusCreated
	s204 = http.StatusNoContent
	s401 = http.StatusUnauthorized
	s403 = http.StatusForbidden
	s404 = http.StatusNotFound
)

var authzCases = []authzCase{
	{name: "list tenants", method: "GET",
		path: fixed(func(w *world) string { return "/api/tenants" }),
		want: [7]int{s401, s200, s200, s200, s403, s403, s403}},
	{name: "create tenant", method: "POST",
		path: fixed(func(w *world) string { return "/api/tenants" }),
		body: func(n int) any {
			return tenantBody("New", fmt.Sprintf("new%d.example", n),
				map[string]any{"max_extensions": 10})
		},
		want: [7]int{s401, s201, s201, s201, s403, s403, s403}},
	{name: "read tenant", method: "GET",
		path: fixed(func(w *world) string { return "/api/tenants/" + w.tenantA }),
		want: [7]int{s401, s200, s200, s404, s403, s403, s403}},
	{name: "update tenant", method: "POST",
		path: fixed(func(w *world) string { return "/api/tenants/" + w.tenantA }),
		body: func(n int) any { return website(fmt.Sprintf("https://%d.example", n)) },
		want: [7]int{s401, s200, s200, s404, s403, s403, s403}},
	{name: "destroy tenant", method: "POST",
		path: func(t *testing.T, w *world, n int) (string, []string) {
			id := w.sacrificialTenant(t, n)
			return "/api/tenants/" + id + "/destroy", []string{"/api/tenants/" + id}
		},
		want: [7]int{s401, s204, s204, s404, s403, s403, s403}},
	{name: "switch tenant", method: "POST",
		path: fixed(func(w *world) string { return "/api/tenants/switch?id=" + w.tenantA }),
		want: [7]int{s401, s200, s200, s404, s403, s403, s403}},
	{name: "tenant dealers", method: "GET",
		path: fixed(func(w *world) string { return "/api/tenants/" + w.tenantA + "/dealers" }),
		want: [7]int{s401, s200, s200, s404, s403, s403, s403}},
	{name: "designate tenant", method: "POST",
		path: func(t *testing.T, w *world, n int) (string, []string) {
			id := w.sacrificialTenant(t, n)
			return "/api/tenants/" + id + "/dealers/" + w.dealerB,
				[]string{"/api/tenants/" + id + "/dealers"}
		},
		want: [7]int{s401, s200, s403, s403, s403, s403, s403}},
	{name: "remove designation", method: "POST",
		path: func(t *testing.T, w *world, n int) (string, []string) {
			id := w.sacrificialTenant(t, n)
			return "/api/tenants/" + id + "/dealers/" + w.dealerA + "/destroy",
				[]string{"/api/tenants/" + id + "/dealers"}
		},
		want: [7]int{s401, s204, s403, s403, s403, s403, s403}},
	{name: "read current tenant", method: "GET",
		path: fixed(func(w *world) string { return "/api/tenant" }),
		want: [7]int{s401, s200, s200, s200, s200, s200, s403}},
	{name: "update current tenant", method: "POST",
		path: fixed(func(w *world) string { return "/api/tenant" }),
		body: func(n int) any { return website(fmt.Sprintf("https://c%d.example", n)) },
		want: [7]int{s401, s200, s200, s200, s200, s200, s403}},
	{name: "change limits of current tenant", method: "POST",
		path: fixed(func(w *world) string { return "/api/tenant" }),
		body: func(n int) any { return map[string]any{"max_extensions": 1000 + n} },
		want: [7]int{s401, s200, s200, s200, s403, s403, s403}},
	{name: "tenant status", method: "GET",
		path: fixed(func(w *world) string { return "/api/tenant/status" }),
		want: [7]int{s401, s200, s200, s200, s200, s200, s403}},
	{name: "list dealers", method: "GET",
		path: fixed(func(w *world) string { return "/api/dealers" }),
		want: [7]int{s401, s200, s403, s403, s403, s403, s403}},
	{name: "create dealer", method: "POST",
		path: fixed(func(w *world) string { return "/api/dealers" }),
		body: func(n int) any {
			return map[string]any{"name": fmt.Sprintf("d%d", n), "level": "RESELLER",
				"password": dealerPassword, "max_tenants": 1, "max_extensions": 1}
		},
		want: [7]int{s401, s201, s403, s403, s403, s403, s403}},
	{name: "read dealer", method: "GET",
		path: fixed(func(w *world) string { return "/api/dealers/" + w.dealerA }),
		want: [7]int{s401, s200, s403, s403, s403, s403, s403}},
	{name: "update dealer", method: "POST",
		path: fixed(func(w *world) string { return "/api/dealers/" + w.dealerA }),
		body: func(n int) any { return map[string]any{"phone": fmt.Sprint(5550000 + n)} },
		want: [7]int{s401, s200, s403, s403, s403, s403, s403}},
	{name: "destroy dealer", method: "POST",
		path: func(t *testing.T, w *world, n int) (string, []string) {
			id := w.createDealer(t, fmt.Sprintf("spare-%d", n), nil)
			return "/api/dealers/" + id + "/destroy", []string{"/api/dealers/" + id}
		},
		want: [7]int{s401, s204, s403, s403, s403, s403, s403}},
	{name: "list users", method: "GET",
		path: fixed(func(w *world) string { return "/api/users" }),
		want: [7]int{s401, s200, s200, s200, s200, s200, s403}},
	{name: "create user", method: "POST",
		path: fixed(func(w *world) string { return "/api/users" }),
		body: func(n int) any {
			return userBody(fmt.Sprintf("new%d", n), fmt.Sprint(500+n), "StandardUser", nil)
		},
		want: [7]int{s401, s201, s201, s201, s201, s201, s403}},
	{name: "read user", method: "GET",
		path: fixed(func(w *world) string { return "/api/users/" + w.targetUser }),
		want: [7]int{s401, s200, s200, s404, s200, s404, s403}},
	{name: "update user", method: "POST",
		path: fixed(func(w *world) string { return "/api/users/" + w.targetUser }),
		body: func(n int) any { return map[string]any{"department": fmt.Sprint("dept ", n)} },
		want: [7]int{s401, s200, s200, s404, s200, s404, s403}},
	{name: "destroy user", method: "POST",
		path: func(t *testing.T, w *world, n int) (string, []string) {
			id := w.createUser(t, w.Admin, fmt.Sprintf("spare%d", n), fmt.Sprint(800+n),
				"StandardUser")
			return "/api/users/" + id + "/destroy", []string{"/api/users/" + id}
		},
		want: [7]int{s401, s204, s204, s404, s204, s404, s403}},
	{name: "audit logs", method: "GET",
		path: fixed(func(w *world) string { return "/api/audit_logs" }),
		want: [7]int{s401, s200, s200, s200, s200, s200, s403}},
	{name: "signed-in account", method: "GET",
		path: fixed(func(w *world) string { return "/api/auth/user" }),
		want: [7]int{s401, s200, s200, s200, s200, s200, s200}},
}

// TestAuthorization sends every endpoint as every kind of actor and checks the exact status,
// and that a refused request changed nothing.
func TestAuthorization(t *testing.T) {
	w := newWorld(t)
	n := 0

	for _, c := range authzCases {
		for i, actor := range actors {
			n++
			t.Run(c.name+"/"+actor, func(t *testing.T) {
				path, probe := c.path(t, w, n)
				var body any
				if c.body != nil {
					body = c.body(n)
				}

				before := w.snapshot(t, probe...)
				res := w.do(t, c.method, path, w.tokens[actor], body)
				if res.Status != c.want[i] {
					t.Fatalf("%s %s: status %d, want %d; body %s", c.method, path,
						res.Status, c.want[i], res.Body)
				}
				if res.Status >= 400 {
					if after := w.snapshot(t, probe...); after != before {
						t.Fatalf("refused request changed state:\nbefore:\n%s\nafter:\n%s",
							before, after)
					}
				}
			})
		}
	}
}

// TestOutOfScopeIsNotFound checks that a tenant, user or designation outside the actor's
// scope answers exactly what a missing one does.
func TestOutOfScopeIsNotFound(t *testing.T) {
	w := newWorld(t)
	const missing = "123456789"
	dB := w.tokens["dealer, other's tenant"]
	adminB := w.tokens["admin of another tenant"]

	pairs := []struct{ token, hidden, absent string }{
		{dB, "/api/tenants/" + w.tenantA, "/api/tenants/" + missing},
		{dB, "/api/tenants/" + w.tenantA + "/dealers", "/api/tenants/" + missing + "/dealers"},
		{dB, "/api/users/" + w.targetUser, "/api/users/" + missing},
		{adminB, "/api/users/" + w.targetUser, "/api/users/" + missing},
	}
	for _, p := range pairs {
		hidden := w.do(t, "GET", p.hidden, p.token, nil).want(t, http.StatusNotFound)
		absent := w.do(t, "GET", p.absent, p.token, nil).want(t, http.StatusNotFound)
		if string(hidden.Body) != string(absent.Body) {
			t.Errorf("%s answers %s but a missing id answers %s", p.hidden, hidden.Body,
				absent.Body)
		}
	}
}
