package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
)

// fleet is a model of what concurrent writers asked a child tenantd to store and what it
// acknowledged. Each writer owns its tenants and writes them one request at a time, so every
// tenant has at most one write in flight; its value at version v is the same function of v
// in every field written, which makes a half-applied write visible.
type fleet struct {
	mu      sync.Mutex
	tenants []*tracked
	next    int
}

// tracked is one tenant of the fleet.
type tracked struct {
	domain string
	key    string // Idempotency-Key of its create
	id     string // "" until the create was acknowledged
	acked  int    // last acknowledged version; 0 when the create was not acknowledged
	sent   int    // version of a write sent and not answered; 0 when none
}

// valueAt is what a tenant holds after the write of version v (1 is the create).
func valueAt(domain string, v int) map[string]any {
	return map[string]any{
		"name":           fmt.Sprintf("%s v%d", domain, v),
		"max_extensions": v,
		"website":        fmt.Sprintf("https://v%d.example/", v),
	}
}

func createBody(domain string) []byte {
	b, _ := json.Marshal(tenantBody("", domain, valueAt(domain, 1)))
	return b
}

// write runs writer w against base until ctx ends or a request fails at the transport (the
// server died). A 2xx is recorded as acknowledged; any other status fails the test.
func (f *fleet) write(ctx context.Context, t *testing.T, base, token, prefix string, w int,
	rng *rand.Rand) {
	var mine []*tracked
	for ctx.Err() == nil {
		tr, path, body, header := f.nextWrite(prefix, w, rng, &mine)

		res, err := send(context.Background(), base, "POST", path, token, body, header)
		if err != nil {
			return // the server is gone; the write stays in flight
		}
		if res.Status != http.StatusOK && res.Status != http.StatusCreated {
			t.Errorf("%s: status %d: %s", path, res.Status, res.Body)
			return
		}
		f.ack(tr, res)
	}
}

// nextWrite picks a create or an update of one of the writer's tenants and marks it sent.
func (f *fleet) nextWrite(prefix string, w int, rng *rand.Rand, mine *[]*tracked) (
	*tracked, string, any, map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()

	if len(*mine) == 0 || rng.IntN(10) < 3 {
		f.next++
		tr := &tracked{domain: fmt.Sprintf("%s-w%d-n%d.example", prefix, w, f.next), sent: 1}
		tr.key = "create-" + tr.domain
		f.tenants = append(f.tenants, tr)
		*mine = append(*mine, tr)
		return tr, "/api/tenants", createBody(tr.domain),
			map[string]string{"Idempotency-Key": tr.key}
	}

	tr := (*mine)[rng.IntN(len(*mine))]
	tr.sent = tr.acked + 1
	return tr, "/api/tenants/" + tr.id, valueAt(tr.domain, tr.sent), nil
}

func (f *fleet) ack(tr *tracked, res *response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if tr.id == "" {
		var created struct{ ID string }
		_ = json.Unmarshal(res.Body, &created)
		tr.id = created.ID
	}
	tr.acked, tr.sent = tr.sent, 0
}

// snapshot copies the state of every tenant.
func (f *fleet) snapshot() []tracked {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]tracked, len(f.tenants))
	for i, tr := range f.tenants {
		out[i] = *tr
	}
	return out
}

// readVersion reads tenant id from base and returns the version it holds. It fails the test
// unless every field holds the value of that one version.
func readVersion(t *testing.T, base, token string, tr tracked) int {
	t.Helper()
	res, err := send(context.Background(), base, "GET", "/api/tenants/"+tr.id, token, nil, nil)
	if err != nil {
		t.Fatalf("read %s: %v", tr.domain, err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("read %s (%s): status %d: %s", tr.domain, tr.id, res.Status, res.Body)
	}

	var got struct {
		Name          string `json:"name"`
		Domain        string `json:"domain"`
		MaxExtensions int    `json:"max_extensions"`
		Website       string `json:"website"`
	}
	if err := json.Unmarshal(res.Body, &got); err != nil {
		t.Fatal(err)
	}
	v := got.MaxExtensions
	want := valueAt(tr.domain, v)
	if got.Domain != tr.domain || got.Name != want["name"] || got.Website != want["website"] {
		t.Fatalf("tenant %s is half-written: %s", tr.id, res.Body)
	}
	return v
}

// tenantCount returns the number of tenants the server holds.
func tenantCount(t *testing.T, base, token string) int {
	t.Helper()
	res, err := send(context.Background(), base, "GET", "/api/tenants?top=1", token, nil, nil)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("list tenants: %v %v", err, res)
	}
	var list struct{ Count int }
	if err := json.Unmarshal(res.Body, &list); err != nil {
		t.Fatal(err)
	}
	return list.Count
}

// recover checks a restarted tenantd against the model after a crash and takes what it
// finds as the new acknowledged state. Every acknowledged write must be there, a write in
// flight may be there or not, and nothing else may exist. A create that was in flight is
// sent again under its key: if it had committed, the answer is a replay of the same id.
// It returns how many writes in flight were found applied and how many were not.
func (f *fleet) recover(t *testing.T, p *proc) (applied, lost int) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()

	for _, tr := range f.tenants {
		if tr.id == "" {
			res, err := send(context.Background(), p.URL, "POST", "/api/tenants", p.Admin,
				createBody(tr.domain), map[string]string{"Idempotency-Key": tr.key})
			if err != nil || res.Status != http.StatusCreated {
				t.Fatalf("retry create of %s: %v %v", tr.domain, err, res)
			}
			tr.id, _ = res.object(t)["id"].(string)
			if res.Header.Get("Idempotent-Replayed") == "true" {
				applied++
			} else {
				lost++
			}
			tr.acked, tr.sent = 1, 0
		}

		v := readVersion(t, p.URL, p.Admin, *tr)
		switch {
		case v == tr.acked && tr.sent != 0:
			lost++
		case v == tr.sent:
			applied++
		case v != tr.acked:
			t.Fatalf("tenant %s holds version %d; acknowledged %d, in flight %d",
				tr.domain, v, tr.acked, tr.sent)
		}
		tr.acked, tr.sent = v, 0
	}

	if n := tenantCount(t, p.URL, p.Admin); n != len(f.tenants) {
		t.Fatalf("%d tenants exist; the writers made %d", n, len(f.tenants))
	}
	return applied, lost
}
