package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestIdempotentCreateParallel sends one create ten times at once under one key: one tenant
// is made and every answer carries its id.
func TestIdempotentCreateParallel(t *testing.T) {
	s := startServer(t)
	body := tenantBody("Acme", "pbx.acme.example", nil)
	key := map[string]string{"Idempotency-Key": "8e4b7a52-5d1f-4d8e-9b5e-parallel"}

	results := make([]*response, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			results[i] = s.doHeader(t, "POST", "/api/tenants", s.Admin, body, key)
		})
	}
	wg.Wait()

	replays := 0
	for i, res := range results {
		res.want(t, http.StatusCreated)
		if !bytes.Equal(res.Body, results[0].Body) {
			t.Fatalf("answer %d is %s, answer 0 is %s", i, res.Body, results[0].Body)
		}
		if res.Header.Get("Idempotent-Replayed") == "true" {
			replays++
		}
	}
	if replays != 9 {
		t.Fatalf("%d answers were replays, want 9", replays)
	}

	id := results[0].object(t)["id"]
	list := s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, http.StatusOK).object(t)
	items, _ := list["items"].([]any)
	if list["count"] != float64(1) || len(items) != 1 || items[0].(map[string]any)["id"] != id {
		t.Fatalf("tenants after ten idempotent creates: %v", list)
	}
}

// TestIdempotencyKey covers replays, mismatches, failed first attempts and key scope.
func TestIdempotencyKey(t *testing.T) {
	s := startServer(t)
	create := func(body any, key string) *response {
		return s.doHeader(t, "POST", "/api/tenants", s.Admin, body,
			map[string]string{"Idempotency-Key": key})
	}
	body, err := json.Marshal(tenantBody("Acme", "pbx.acme.example", nil))
	if err != nil {
		t.Fatal(err)
	}

	first := create(body, "k1").want(t, http.StatusCreated)
	again := create(body, "k1").want(t, http.StatusCreated)
	if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay %s (replayed %q), first %s", again.Body,
			again.Header.Get("Idempotent-Replayed"), first.Body)
	}

	// The same key with another body, even one meaning the same, is refused.
	spaced := append([]byte(" "), body...)
	if code := create(spaced, "k1").want(t, 422).errorCode(t); code != "IDEMPOTENCY_MISMATCH" {
		t.Fatalf("mismatch code %s", code)
	}

	// A failed create stores nothing: its retry under the same key runs again, and succeeds
	// once the domain is free.
	taken := tenantBody("Copy", "pbx.acme.example", nil)
	create(taken, "k2").want(t, http.StatusConflict)
	s.do(t, "POST", "/api/tenants/"+first.object(t)["id"].(string)+"/destroy", s.Admin, nil).
		want(t, http.StatusNoContent)
	create(taken, "k2").want(t, http.StatusCreated)

	// Without a key every create is new.
	s.createTenant(t, "Plain", "pbx.plain.example", nil)

	// Keys belong to their account: a fresh sign-in of the same account shares them.
	other := s.signIn(t, "admin", adminPassword, "")
	res := s.doHeader(t, "POST", "/api/tenants", other, body,
		map[string]string{"Idempotency-Key": "k1"}).want(t, http.StatusCreated)
	if res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("the key was not shared across sessions of one account")
	}
}

func TestIdempotencyKeyRefused(t *testing.T) {
	s := startServer(t)

	cases := map[string][]string{
		"empty":     {""},
		"too long":  {strings.Repeat("k", 256)},
		"non-ASCII": {"kéy"},
		"twice":     {"a", "b"},
	}
	for name, keys := range cases {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest("POST", s.URL+"/api/tenants",
				strings.NewReader(`{"name":"A"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+s.Admin)
			req.Header["Idempotency-Key"] = keys
			res, err := s.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", res.StatusCode)
			}
		})
	}
}
