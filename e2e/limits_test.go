package e2e

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// parallelResponses sends n requests at once and returns their statuses and error codes.
func parallelResponses(t *testing.T, n int, send func(i int) *response) (statuses []int, codes []string) {
	t.Helper()
	responses := make([]*response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			responses[i] = send(i)
		}()
	}
	close(start)
	wg.Wait()

	statuses, codes = make([]int, n), make([]string, n)
	for i, res := range responses {
		statuses[i] = res.Status
		if res.Status >= 400 {
			codes[i] = res.errorCode(t)
		}
	}
	return statuses, codes
}

// tally counts how many statuses equal want, and fails on any that is neither want nor 409
// QUOTA_EXCEEDED.
func tally(t *testing.T, statuses []int, codes []string, want int) int {
	t.Helper()
	n := 0
	for i, st := range statuses {
		switch {
		case st == want:
			n++
		case st == http.StatusConflict && codes[i] == "QUOTA_EXCEEDED":
		default:
			t.Errorf("request %d: status %d code %q", i, st, codes[i])
		}
	}
	return n
}

func TestMaxExtensionsUnderConcurrency(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Small", "small.example", map[string]any{"max_extensions": 3})
	s.switchTo(t, s.Admin, id)

	statuses, codes := parallelResponses(t, 12, func(i int) *response {
		body := userBody(fmt.Sprintf("u%d", i), fmt.Sprint(200+i), "StandardUser", nil)
		return s.do(t, "POST", "/api/users", s.Admin, body)
	})
	if n := tally(t, statuses, codes, http.StatusCreated); n != 3 {
		t.Fatalf("%d users created, want exactly 3", n)
	}
	if n := s.do(t, "GET", "/api/users", s.Admin, nil).want(t, 200).count(t); n != 3 {
		t.Fatalf("the tenant lists %d users, want 3", n)
	}

	status := s.do(t, "GET", "/api/tenant/status", s.Admin, nil).want(t, 200).object(t)
	if status["licensed_users"] != 3.0 || status["current_users"] != 3.0 {
		t.Fatalf("status %v, want 3 licensed and 3 current users", status)
	}

	// Lowering the limit below the users the tenant has is refused.
	res := s.do(t, "POST", "/api/tenants/"+id, s.Admin, map[string]any{"max_extensions": 2})
	res.want(t, http.StatusConflict)
}

func TestDealerMaxTenantsUnderConcurrency(t *testing.T) {
	s := startServer(t)
	s.createDealer(t, "reseller", map[string]any{"max_tenants": 2})
	dealer := s.signIn(t, "reseller", dealerPassword, "")

	statuses, codes := parallelResponses(t, 8, func(i int) *response {
		body := tenantBody("T", fmt.Sprintf("t%d.example", i), map[string]any{"max_extensions": 1})
		return s.do(t, "POST", "/api/tenants", dealer, body)
	})
	if n := tally(t, statuses, codes, http.StatusCreated); n != 2 {
		t.Fatalf("%d tenants created, want exactly 2", n)
	}
	if n := s.do(t, "GET", "/api/tenants", dealer, nil).want(t, 200).count(t); n != 2 {
		t.Fatalf("the dealer lists %d tenants, want 2", n)
	}
	if n := s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, 200).count(t); n != 2 {
		t.Fatalf("the system has %d tenants, want 2", n)
	}
}

func TestDealerMaxExtensions(t *testing.T) {
	s := startServer(t)
	dealerID := s.createDealer(t, "reseller", map[string]any{"max_extensions": 100})
	dealer := s.signIn(t, "reseller", dealerPassword, "")

	first := s.createTenantAs(t, dealer, "One", "one.example", map[string]any{"max_extensions": 60})
	res := s.do(t, "POST", "/api/tenants", dealer,
		tenantBody("Two", "two.example", map[string]any{"max_extensions": 60}))
	res.want(t, http.StatusConflict)
	s.createTenantAs(t, dealer, "Two", "two.example", map[string]any{"max_extensions": 40})

	// Raising one tenant past the dealer's sum is refused, for the dealer and the system
	// admin alike; the tenant keeps its limit.
	for _, token := range []string{dealer, s.Admin} {
		res = s.do(t, "POST", "/api/tenants/"+first, token, map[string]any{"max_extensions": 61})
		res.want(t, http.StatusConflict)
	}
	got := s.do(t, "GET", "/api/tenants/"+first, s.Admin, nil).want(t, 200).object(t)
	if got["max_extensions"] != 60.0 {
		t.Fatalf("max_extensions is %v after refused updates, want 60", got["max_extensions"])
	}

	// A dealer's limits cannot drop below what it uses, and a designation that would pass
	// them is refused.
	s.do(t, "POST", "/api/dealers/"+dealerID, s.Admin, map[string]any{"max_tenants": 1}).
		want(t, http.StatusConflict)
	third := s.createTenant(t, "Three", "three.example", map[string]any{"max_extensions": 1})
	s.do(t, "POST", "/api/tenants/"+third+"/dealers/"+dealerID, s.Admin, nil).
		want(t, http.StatusConflict)
	s.do(t, "POST", "/api/dealers/"+dealerID, s.Admin, map[string]any{"max_extensions": 101}).
		want(t, http.StatusOK)
	s.do(t, "POST", "/api/tenants/"+third+"/dealers/"+dealerID, s.Admin, nil).
		want(t, http.StatusOK)
	if n := s.do(t, "GET", "/api/tenants", dealer, nil).want(t, 200).count(t); n != 3 {
		t.Fatalf("the dealer lists %d tenants after the designation, want 3", n)
	}
}
