package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// TestListsAnswerAlikeOnBothDatabases covers what SQLite and PostgreSQL would answer
// differently if the store let them: wildcard characters in search, letter case, the order of
// NULLs and of upper and lower case, and integers beyond 32 bits in filters. It runs on both
// passes with the same expectations.
func TestListsAnswerAlikeOnBothDatabases(t *testing.T) {
	s := startServer(t)

	// Created one after another, so ids ascend in this order.
	ids := map[string]string{}
	for _, c := range []struct{ name, domain, website string }{
		{"Alpha 100%", "a.example", "https://a.example"},
		{"beta_one", "b.example", ""},
		{"Gamma", "G.Example", "https://g.example"},
		{"alpha", "d.example", ""},
		{"Zeta%x", "z.example", "https://b.example"},
	} {
		extra := map[string]any{}
		if c.website != "" {
			extra["website"] = c.website
		}
		ids[c.name] = s.createTenant(t, c.name, c.domain, extra)
	}

	tests := []struct {
		name  string
		query url.Values
		want  []string // names, in order
	}{
		{"search is literal: %", url.Values{"search": {"%"}}, []string{"Alpha 100%", "Zeta%x"}},
		{"search is literal: _", url.Values{"search": {"_"}}, []string{"beta_one"}},
		{"search ignores case", url.Values{"search": {"ALPHA"}}, []string{"Alpha 100%", "alpha"}},
		{"search matches the domain", url.Values{"search": {"G.EXAMPLE"}}, []string{"Gamma"}},
		{"contains is literal", url.Values{"filter": {"contains(name, '_')"}},
			[]string{"beta_one"}},
		{"integer beyond 32 bits", url.Values{"filter": {"max_extensions ge 99999999999"}},
			[]string{}},
		{"names in byte order", url.Values{"orderby": {"name"}},
			[]string{"Alpha 100%", "Gamma", "Zeta%x", "alpha", "beta_one"}},
		{"NULLs first ascending, ties by id", url.Values{"orderby": {"website asc"}},
			[]string{"beta_one", "alpha", "Alpha 100%", "Zeta%x", "Gamma"}},
		{"NULLs last descending, ties by id", url.Values{"orderby": {"website desc"}},
			[]string{"Gamma", "Zeta%x", "Alpha 100%", "beta_one", "alpha"}},
		{"ties by id descending", url.Values{"orderby": {"website desc, id desc"}},
			[]string{"Gamma", "Zeta%x", "Alpha 100%", "alpha", "beta_one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listNames(t, s, tt.query); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("pages follow the order", func(t *testing.T) {
		var got []string
		for _, skip := range []string{"0", "2", "4"} {
			q := url.Values{"orderby": {"website asc"}, "top": {"2"}, "skip": {skip}}
			got = append(got, listNames(t, s, q)...)
		}
		want := []string{"beta_one", "alpha", "Alpha 100%", "Zeta%x", "Gamma"}
		if !slices.Equal(got, want) {
			t.Fatalf("pages give %q, want %q", got, want)
		}
	})

	t.Run("a domain differing only in case and final dot is taken", func(t *testing.T) {
		res := s.do(t, "POST", "/api/tenants", s.Admin, tenantBody("Other", "A.EXAMPLE.", nil))
		res.want(t, http.StatusConflict)
		if f := res.errorFields(t); !slices.Equal(f, []string{"domain"}) {
			t.Fatalf("conflict names %q, want domain", f)
		}
	})
}

// listNames lists tenants with the given options and returns their names in order.
func listNames(t *testing.T, s *server, q url.Values) []string {
	t.Helper()
	res := s.do(t, "GET", "/api/tenants?"+q.Encode(), s.Admin, nil).want(t, http.StatusOK)
	items, _ := res.object(t)["items"].([]any)
	names := []string{}
	for _, it := range items {
		m, _ := it.(map[string]any)
		name, _ := m["name"].(string)
		names = append(names, name)
	}
	return names
}

// TestRefreshTokenSpentOnce sends one refresh token several times at once. Exactly one
// request gets new tokens; the others are reuse, which revokes the whole sign-in, so even the
// winner's new access token stops working. On PostgreSQL this needs the session row locked.
func TestRefreshTokenSpentOnce(t *testing.T) {
	s := startServer(t)
	res := s.do(t, "POST", "/api/auth/sign_in", "",
		map[string]string{"username": "admin", "password": adminPassword}).want(t, http.StatusOK)
	refresh, _ := res.object(t)["refresh_token"].(string)

	answers := make([]*response, 6)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			answers[i], _ = rawRequest(s, "POST", "/api/auth/refresh_token", "",
				map[string]string{"refresh_token": refresh})
		})
	}
	wg.Wait()

	var winners []string
	for _, a := range answers {
		switch {
		case a == nil:
			t.Fatal("a refresh request failed on the way")
		case a.Status == http.StatusOK:
			tok, _ := a.object(t)["access_token"].(string)
			winners = append(winners, tok)
		case a.Status != http.StatusUnauthorized:
			t.Fatalf("refresh answered %d: %s", a.Status, a.Body)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("%d refreshes succeeded, want exactly 1", len(winners))
	}
	s.do(t, "GET", "/api/auth/user", winners[0], nil).want(t, http.StatusUnauthorized)
}
