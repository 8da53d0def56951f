package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListPaging(t *testing.T) {
	s := startServer(t)
	var all []string
	for i := range 5 {
		name := fmt.Sprintf("Page %d", i)
		s.createTenant(t, name, fmt.Sprintf("page%d.example.com", i), nil)
		all = append(all, name)
	}

	for _, c := range []struct {
		skip int
		want []string
	}{{0, all[0:2]}, {2, all[2:4]}, {4, all[4:5]}, {5, []string{}}, {50, []string{}}} {
		p := s.list(t, fmt.Sprintf("top=2&skip=%d", c.skip))
		if p.Count != 5 {
			t.Errorf("skip=%d: count %d, want 5", c.skip, p.Count)
		}
		if diff := cmp.Diff(c.want, p.names()); diff != "" {
			t.Errorf("skip=%d (-want +got):\n%s", c.skip, diff)
		}
	}

	// Without top a page holds up to 100; top=100 is allowed.
	for _, query := range []string{"", "top=100", "skip=0&top=5", "unrelated=1"} {
		if got := s.list(t, query).names(); !slices.Equal(got, all) {
			t.Errorf("%q gave %q, want %q", query, got, all)
		}
	}

	for _, c := range []struct{ query, field string }{
		{"skip=-1", "skip"}, {"top=0", "top"}, {"top=101", "top"}, {"top=-5", "top"},
		{"skip=abc", "skip"}, {"top=1.5", "top"}, {"top=", "top"}, {"skip=1e2", "skip"},
		{"top=2&top=3", "top"}, {"skip=99999999999999999999", "skip"},
		{"search=a&search=b", "search"}, {"search=" + strings.Repeat("x", 1025), "search"},
		{"orderby=name&orderby=id", "orderby"},
	} {
		s.do(t, "GET", "/api/tenants?"+c.query, s.Admin, nil).wantInvalid(t, c.field)
	}
}

func TestListSearch(t *testing.T) {
	s := startServer(t)
	s.createTenant(t, "wild_card", "one.example.com", nil)
	s.createTenant(t, "wildXcard", "two.example.com", nil)
	s.createTenant(t, "Plain", "three.example.org", nil)

	search := func(text string) []string {
		t.Helper()
		p := s.list(t, "search="+url.QueryEscape(text))
		if int(p.Count) != len(p.Items) {
			t.Fatalf("search %q: count %d but %d items", text, p.Count, len(p.Items))
		}
		return p.names()
	}
	if got := search("%"); len(got) != 0 {
		t.Fatalf("search=%% found %q before any name holds %%", got)
	}
	s.createTenant(t, "50% off", "four.example.com", nil)
	s.createTenant(t, `Say "Grüezi" AND`, "five.example.net", nil)

	// Fragments of three characters or more go through the trigram index on SQLite; these
	// hold what its query syntax would otherwise read as operators or quoting.
	for _, c := range []struct {
		text string
		want []string
	}{
		{"wild_card", []string{"wild_card"}},
		{"WILD_CARD", []string{"wild_card"}},
		{"_", []string{"wild_card"}},
		{"%", []string{"50% off"}},
		{"0%", []string{"50% off"}},
		{"wild", []string{"wild_card", "wildXcard"}},
		{"xcard", []string{"wildXcard"}},
		{"plain", []string{"Plain"}},
		{"example.org", []string{"Plain"}},
		{"TWO.EXAMPLE", []string{"wildXcard"}},
		{"o", []string{"wild_card", "wildXcard", "Plain", "50% off"}},
		{`"grüezi"`, []string{`Say "Grüezi" AND`}},
		{`GRÜEZI`, []string{`Say "Grüezi" AND`}},
		{`" and`, []string{`Say "Grüezi" AND`}},
		{"and", []string{`Say "Grüezi" AND`}},
		{"*", []string{}},
		{"wild*", []string{}},
		{"NEAR(", []string{}},
		{"nothing like this", []string{}},
		{"'", []string{}},
	} {
		if diff := cmp.Diff(c.want, search(c.text)); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", c.text, diff)
		}
	}

	// search and filter combine.
	p := s.list(t, "search=wild&filter="+url.QueryEscape("name eq 'wildXcard'"))
	if diff := cmp.Diff([]string{"wildXcard"}, p.names()); diff != "" || p.Count != 1 {
		t.Errorf("search with filter (-want +got):\n%s", diff)
	}
}

// filterTenants are created in this order for the filter and orderby tests.
var filterTenants = []map[string]any{
	{"name": "Alpha", "domain": "alpha.example.com", "max_extensions": 10,
		"max_concurrent_calls": 5, "enabled": true, "website": "https://alpha.example.com",
		"timezone": "Europe/Zurich", "currency": "CHF", "region": "CHE"},
	{"name": "Bravo", "domain": "bravo.example.org", "max_extensions": 20,
		"max_concurrent_calls": 10, "enabled": false, "timezone": "Europe/Berlin",
		"currency": "EUR", "region": "DEU"},
	{"name": "Charlie's", "domain": "charlie.example.com", "max_extensions": 30,
		"max_concurrent_calls": 15, "enabled": true, "timezone": "America/New_York",
		"currency": "USD", "region": "USA"},
	{"name": "delta", "domain": "delta.example.net", "max_extensions": 20,
		"max_concurrent_calls": 20, "enabled": false, "website": "https://delta.example.net",
		"timezone": "Asia/Tokyo", "currency": "JPY", "region": "JPN"},
}

func createFilterTenants(t *testing.T, s *server) (ids []string, created []string) {
	t.Helper()
	for _, body := range filterTenants {
		id := s.createTenant(t, "", "", body)
		ids = append(ids, id)
		created = append(created, s.tenant(t, id)["created_at"].(string))
	}
	return ids, created
}

func TestListFilter(t *testing.T) {
	s := startServer(t)
	ids, created := createFilterTenants(t, s)

	const a, b, c, d = "Alpha", "Bravo", "Charlie's", "delta"
	cases := []struct {
		filter string
		want   []string
	}{
		{"name eq 'Alpha'", []string{a}},
		{"name eq 'alpha'", []string{}},
		{"name ne 'Alpha'", []string{b, c, d}},
		{"name eq 'Charlie''s'", []string{c}},
		{"name gt 'Bravo'", []string{c, d}},
		{"name lt 'Bravo'", []string{a}},
		{"max_extensions eq 20", []string{b, d}},
		{"max_extensions ne 20", []string{a, c}},
		{"max_extensions gt 10", []string{b, c, d}},
		{"max_extensions ge 20", []string{b, c, d}},
		{"max_extensions lt 20", []string{a}},
		{"max_extensions le 20", []string{a, b, d}},
		{"max_concurrent_calls ge 15", []string{c, d}},
		{"max_extensions eq 20 and enabled eq false", []string{b, d}},
		{"currency eq 'CHF' or currency eq 'JPY'", []string{a, d}},
		{"not (max_extensions eq 20)", []string{a, c}},
		{"not (enabled eq true)", []string{b, d}},
		{"not enabled eq true", []string{b, d}},
		{"currency eq 'CHF' or currency eq 'USD' and enabled eq false", []string{a}},
		{"(currency eq 'CHF' or currency eq 'USD') and enabled eq true", []string{a, c}},
		{"((currency eq 'CHF'))", []string{a}},
		{"not (currency eq 'CHF' or currency eq 'USD')", []string{b, d}},
		{"contains(domain, 'example.com')", []string{a, c}},
		{"contains(name, 'lie''s')", []string{c}},
		{"startswith(name, 'Br')", []string{b}},
		{"startswith(name, 'br')", []string{}},
		{"endswith(domain, '.net')", []string{d}},
		{"endswith(name, 'ta')", []string{d}},
		{"not contains(name, 'a')", []string{}},
		{"contains(website, 'delta')", []string{d}},
		{"website eq null", []string{b, c}},
		{"website ne null", []string{a, d}},
		{"website eq 'https://alpha.example.com'", []string{a}},
		{"website ne 'https://alpha.example.com'", []string{b, c, d}},
		{"enabled eq true", []string{a, c}},
		{"enabled ne true", []string{b, d}},
		{"enabled eq false", []string{b, d}},
		{"timezone eq 'Asia/Tokyo'", []string{d}},
		{"region eq 'USA' or region eq 'CHE'", []string{a, c}},
		{"avatar_file_name eq null", []string{a, b, c, d}},
		{"avatar_file_size eq 0", []string{a, b, c, d}},
		{"avatar_file_url eq null", []string{a, b, c, d}},
		{"startswith(avatar_file_url, '/api/blobs/')", []string{}},
		{"id eq '" + ids[0] + "'", []string{a}},
		{"id eq " + ids[1], []string{b}},
		{"id ne '" + ids[0] + "'", []string{b, c, d}},
		{"id gt '" + ids[1] + "'", []string{c, d}},
		{"created_at ge '" + created[0] + "'", []string{a, b, c, d}},
		{"created_at le '" + created[3] + "'", []string{a, b, c, d}},
		{"created_at lt '2000-01-01T00:00:00Z'", []string{}},
		{"created_at gt '2000-01-01T00:00:00+02:00'", []string{a, b, c, d}},
		{"created_at gt '2999-01-01T00:00:00Z'", []string{}},
		{"  name   eq   'Alpha'  ", []string{a}},
	}
	for _, tc := range cases {
		p := s.list(t, "filter="+url.QueryEscape(tc.filter))
		if diff := cmp.Diff(tc.want, p.names()); diff != "" {
			t.Errorf("filter %q (-want +got):\n%s", tc.filter, diff)
		}
		if p.Count != int64(len(tc.want)) {
			t.Errorf("filter %q: count %d, want %d", tc.filter, p.Count, len(tc.want))
		}
	}
}

func TestListBadFilter(t *testing.T) {
	s := startServer(t)
	s.createTenant(t, "Only", "only.example.com", nil)

	for _, f := range []string{
		"name eq", "name eq 'x", "name 'x'", "eq 'x'", "name like 'x'", "(name eq 'x'",
		"name eq 'x')", "name eq 'x' and", "and name eq 'x'", "name eq 'x' or or name eq 'y'",
		"nosuch eq 1", "Name eq 'x'", "settings eq 'x'", "used_disk_bytes eq 0",
		"search_text eq 'x'", "name eq 1", "name eq true", "max_extensions eq 'x'",
		"max_extensions eq 1.5", "enabled gt true", "enabled eq 1", "enabled eq 'true'",
		"contains(max_extensions, '1')", "contains(name)", "contains(name, 1)",
		"unknownfn(name, 'x')", "created_at gt 'yesterday'", "created_at gt 1",
		"created_at gt '2024-01-01T00:00:00.5Z'", "name eq null", "website gt null",
		"id eq 'abc'", "id eq '-1'", "name eq \"x\"", "1 eq 1", "name eq 'x'; drop table tenants",
		strings.Repeat("(", 40) + "name eq 'x'" + strings.Repeat(")", 40),
		strings.Repeat("not ", 40) + "name eq 'x'",
		"name eq '" + strings.Repeat("x", 5000) + "'",
		strings.TrimSuffix(strings.Repeat("name eq 'x' or ", 300), " or "),
	} {
		s.do(t, "GET", "/api/tenants?filter="+url.QueryEscape(f), s.Admin, nil).
			wantInvalid(t, "filter")
	}
	s.do(t, "GET", "/api/tenants?filter=a&filter=b", s.Admin, nil).wantInvalid(t, "filter")
	if n := s.tenantCount(t); n != 1 {
		t.Fatalf("tenant count %d after bad filters, want 1", n)
	}
}

func TestListOrderBy(t *testing.T) {
	s := startServer(t)
	createFilterTenants(t, s)

	const a, b, c, d = "Alpha", "Bravo", "Charlie's", "delta"
	for _, tc := range []struct {
		orderby string
		want    []string
	}{
		{"", []string{a, b, c, d}},
		{"name", []string{a, b, c, d}},
		{"name asc", []string{a, b, c, d}},
		{"name desc", []string{d, c, b, a}},
		{"id desc", []string{d, c, b, a}},
		{"max_extensions desc", []string{c, b, d, a}},
		{"max_extensions desc, name desc", []string{c, d, b, a}},
		{"max_extensions asc,name desc", []string{a, d, b, c}},
		{"enabled desc, max_concurrent_calls desc", []string{c, a, d, b}},
		{"currency", []string{a, b, d, c}},
		{"created_at desc, id desc", []string{d, c, b, a}},
	} {
		got := s.list(t, "orderby="+url.QueryEscape(tc.orderby)).names()
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("orderby %q (-want +got):\n%s", tc.orderby, diff)
		}
	}

	// Every scalar member of the summary can be sorted on and filtered by.
	// The condition for each holds for every tenant.
	for f, cond := range map[string]string{"id": "ge '1'", "name": "ge ''",
		"domain": "ge ''", "max_extensions": "ge -1", "max_concurrent_calls": "ge -1",
		"enabled": "eq true or not enabled eq true", "website": "ge ''",
		"timezone": "ge ''", "currency": "ge ''",
		"region": "ge ''", "avatar_file_name": "eq ''", "avatar_file_size": "ge -1",
		"avatar_file_url": "eq ''", "created_at": "ge '2000-01-01T00:00:00Z'"} {
		if got := s.list(t, "orderby="+f+"+desc").Count; got != 4 {
			t.Errorf("orderby %s: count %d, want 4", f, got)
		}
		if got := s.list(t, "filter="+url.QueryEscape(f+" "+cond)).Count; got != 4 {
			t.Errorf("filter %s %s: count %d, want 4", f, cond, got)
		}
	}

	for _, o := range []string{"nosuch", "Name", "name sideways", "name, name", "name desc desc",
		",", "name,", "name;drop", "settings", "name asc desc", "'name'",
		"name ASC", strings.Repeat("name,", 5) + "id, domain, region, currency, timezone",
	} {
		s.do(t, "GET", "/api/tenants?orderby="+url.QueryEscape(o), s.Admin, nil).
			wantInvalid(t, "orderby")
	}
}

// TestListStableOrder pages through tenants whose sort keys tie: id breaks the ties, so every
// tenant shows up exactly once, in id order within a tie.
func TestListStableOrder(t *testing.T) {
	s := startServer(t)
	var ids []string
	for i := range 7 {
		ids = append(ids, s.createTenant(t, "Same", fmt.Sprintf("same%d.example.com", i),
			map[string]any{"max_extensions": 5}))
	}

	for _, orderby := range []string{"name", "name desc", "max_extensions desc, name",
		"enabled desc", "currency desc, timezone", "region desc, avatar_file_size"} {
		query := "orderby=" + url.QueryEscape(orderby)
		var seen []string
		for skip := 0; skip < 10; skip += 3 {
			p := s.list(t, fmt.Sprintf("%s&top=3&skip=%d", query, skip))
			if p.Count != 7 {
				t.Fatalf("orderby %q: count %d, want 7", orderby, p.Count)
			}
			for _, it := range p.Items {
				seen = append(seen, it["id"].(string))
			}
		}
		if diff := cmp.Diff(ids, seen); diff != "" {
			t.Errorf("orderby %q paged in 3s (-want +got):\n%s", orderby, diff)
		}
	}
}

func TestListItems(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Item", "item.example.com", richTenant)
	full := s.tenant(t, id)

	p := s.list(t, "")
	if len(p.Items) != 1 {
		t.Fatalf("%d items, want 1", len(p.Items))
	}
	want := map[string]any{}
	for _, k := range []string{"id", "name", "domain", "max_extensions", "max_concurrent_calls",
		"enabled", "website", "timezone", "currency", "region", "avatar_file_name",
		"avatar_file_size", "avatar_file_url", "created_at"} {
		want[k] = full[k]
	}
	if diff := cmp.Diff(want, p.Items[0]); diff != "" {
		t.Fatalf("list item is not the detailed tenant's summary (-want +got):\n%s", diff)
	}

	s.destroy(t, id)
	res := s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, http.StatusOK)
	if string(res.Body) != `{"count":0,"items":[]}` {
		t.Fatalf("empty list %s, want count 0 and items []", res.Body)
	}
}
