package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// post sends a JSON body as the system admin and returns the status, or 0 when the request
// could not be made. It never fails the test, so goroutines may call it.
func (s *server) post(path, body string) int {
	req, err := http.NewRequest("POST", s.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+s.Admin)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.http.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// parallel runs f(0) .. f(n-1) at once and returns their results in order.
func parallel(n int, f func(i int) int) []int {
	out := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = f(i) })
	}
	wg.Wait()
	return out
}

// TestConcurrentCreatesOneDomain races creates of one domain in different spellings: the
// database lets exactly one through and the others are conflicts.
func TestConcurrentCreatesOneDomain(t *testing.T) {
	s := startServer(t)
	spellings := []string{"race.example.com", "RACE.example.com", "race.example.com.",
		"Race.Example.Com", "race.EXAMPLE.com.", "rAce.example.com"}

	statuses := parallel(len(spellings), func(i int) int {
		body := fmt.Sprintf(`{"name":"Race %d","domain":%q,"timezone":"UTC",`+
			`"currency":"CHF","region":"CHE"}`, i, spellings[i])
		return s.post("/api/tenants", body)
	})

	created := 0
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("create %d answered %d, want 201 or 409", i, st)
		}
	}
	if created != 1 {
		t.Fatalf("%d creates succeeded, want 1", created)
	}
	if n := s.tenantCount(t); n != 1 {
		t.Fatalf("%d tenants stored, want 1", n)
	}
}

// TestConcurrentUpdatesKeepEachOther sends updates of different members of one tenant at once;
// since each update reads and writes in one transaction, every change survives.
func TestConcurrentUpdatesKeepEachOther(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Busy", "busy.example.com", nil)
	members := []string{"max_extensions", "max_concurrent_calls", "max_ring_groups",
		"max_virtual_receptionists", "max_call_queues", "max_conference_rooms",
		"recording_retention", "call_report_retention", "log_retention", "temp_file_retention"}

	statuses := parallel(len(members), func(i int) int {
		return s.post("/api/tenants/"+id, fmt.Sprintf(`{%q:%d}`, members[i], 100+i))
	})
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("update of %s answered %d", members[i], st)
		}
	}

	got := s.tenant(t, id)
	for i, m := range members {
		if got[m] != float64(100+i) {
			t.Errorf("%s is %v, want %d: a concurrent update was lost", m, got[m], 100+i)
		}
	}
}
