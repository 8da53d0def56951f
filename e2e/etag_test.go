package e2e

import (
	"net/http"
	"sync"
	"testing"
)

// TestLostUpdate has two clients read one tenant and update it with their ETags at the same
// time: exactly one wins, the other gets 412 and nothing of its change is applied.
func TestLostUpdate(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)
	path := "/api/tenants/" + id

	tags := make([]string, 2)
	for i := range tags {
		tags[i] = s.do(t, "GET", path, s.Admin, nil).want(t, http.StatusOK).Header.Get("ETag")
	}
	if tags[0] == "" || tags[0] != tags[1] {
		t.Fatalf("ETags %q", tags)
	}

	bodies := []map[string]any{
		{"name": "First", "max_extensions": 11},
		{"name": "Second", "max_concurrent_calls": 22},
	}
	results := make([]*response, 2)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Go(func() {
			results[i] = s.doHeader(t, "POST", path, s.Admin, bodies[i],
				map[string]string{"If-Match": tags[i]})
		})
	}
	wg.Wait()

	winner := -1
	for i, res := range results {
		switch res.Status {
		case http.StatusOK:
			if winner >= 0 {
				t.Fatalf("both updates won")
			}
			winner = i
		case http.StatusPreconditionFailed:
			if code := res.errorCode(t); code != "PRECONDITION_FAILED" {
				t.Fatalf("loser's code %s", code)
			}
		default:
			t.Fatalf("update %d: status %d: %s", i, res.Status, res.Body)
		}
	}
	if winner < 0 {
		t.Fatal("neither update won")
	}

	got := s.do(t, "GET", path, s.Admin, nil).want(t, http.StatusOK)
	obj := got.object(t)
	wantName := bodies[winner]["name"]
	loserExtensions := winner == 1 && obj["max_extensions"] == float64(11)
	loserCalls := winner == 0 && obj["max_concurrent_calls"] == float64(22)
	if obj["name"] != wantName || loserExtensions || loserCalls {
		t.Fatalf("winner %d, read back %v", winner, obj)
	}
	if got.Header.Get("ETag") == tags[0] {
		t.Fatal("the ETag did not change with the update")
	}
}

// TestIfMatch covers the forms of If-Match on update and destroy.
func TestIfMatch(t *testing.T) {
	s := startServer(t)
	id := s.createTenant(t, "Acme", "pbx.acme.example", nil)
	other := s.createTenant(t, "Other", "pbx.other.example", nil)
	path := "/api/tenants/" + id
	tag := s.do(t, "GET", path, s.Admin, nil).Header.Get("ETag")
	otherTag := s.do(t, "GET", "/api/tenants/"+other, s.Admin, nil).Header.Get("ETag")

	stale := []struct {
		name, ifMatch string
	}{
		{"another record's tag", otherTag},
		{"weak tag", "W/" + tag},
		{"garbage", "not-a-tag"},
		{"unquoted", tag[1 : len(tag)-1]},
		{"empty quotes", `""`},
	}
	for _, c := range stale {
		t.Run(c.name, func(t *testing.T) {
			h := map[string]string{"If-Match": c.ifMatch}
			s.doHeader(t, "POST", path, s.Admin, map[string]any{"name": "Changed"}, h).
				want(t, http.StatusPreconditionFailed)
			s.doHeader(t, "POST", path+"/destroy", s.Admin, nil, h).
				want(t, http.StatusPreconditionFailed)
		})
	}
	if got := s.do(t, "GET", path, s.Admin, nil).object(t)["name"]; got != "Acme" {
		t.Fatalf("a refused update changed the name to %v", got)
	}

	// A list holding the current tag matches; the answer carries the next tag.
	res := s.doHeader(t, "POST", path, s.Admin, map[string]any{"name": "Listed"},
		map[string]string{"If-Match": otherTag + ", " + tag}).want(t, http.StatusOK)
	next := res.Header.Get("ETag")
	if next == tag || next == "" {
		t.Fatalf("ETag after update %q", next)
	}

	// The old tag is stale now; "*" matches any version of an existing tenant.
	s.doHeader(t, "POST", path+"/destroy", s.Admin, nil, map[string]string{"If-Match": tag}).
		want(t, http.StatusPreconditionFailed)
	s.doHeader(t, "POST", path, s.Admin, map[string]any{"name": "Star"},
		map[string]string{"If-Match": "*"}).want(t, http.StatusOK)
	s.doHeader(t, "POST", path+"/destroy", s.Admin, nil, map[string]string{"If-Match": "*"}).
		want(t, http.StatusNoContent)
	s.doHeader(t, "POST", path+"/destroy", s.Admin, nil, map[string]string{"If-Match": "*"}).
		want(t, http.StatusNotFound)

	// Without If-Match writes work as before.
	s.do(t, "POST", "/api/tenants/"+other, s.Admin, map[string]any{"name": "Free"}).
		want(t, http.StatusOK)
	s.do(t, "POST", "/api/tenants/"+other+"/destroy", s.Admin, nil).
		want(t, http.StatusNoContent)
}

// TestDealerAndUserETags checks that dealers and users are guarded like tenants: a read
// answers an ETag, and an update or destroy with a stale one is 412 and changes nothing.
func TestDealerAndUserETags(t *testing.T) {
	s := startServer(t)
	tenant := s.createTenant(t, "Acme", "etag.example.com", nil)
	s.switchTo(t, s.Admin, tenant)

	for _, path := range []string{
		"/api/dealers/" + s.createDealer(t, "reseller", nil),
		"/api/users/" + s.createUser(t, s.Admin, "clerk", "101", "Admin"),
	} {
		stale := s.do(t, "GET", path, s.Admin, nil).want(t, http.StatusOK).Header.Get("ETag")
		if stale == "" {
			t.Fatalf("GET %s answered no ETag", path)
		}
		fresh := s.doHeader(t, "POST", path, s.Admin, map[string]any{"display_name": "First"},
			map[string]string{"If-Match": stale}).want(t, http.StatusOK).Header.Get("ETag")
		if fresh == "" || fresh == stale {
			t.Fatalf("update of %s answered ETag %q after %q", path, fresh, stale)
		}

		s.doHeader(t, "POST", path, s.Admin, map[string]any{"display_name": "Second"},
			map[string]string{"If-Match": stale}).
			wantError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
		s.doHeader(t, "POST", path+"/destroy", s.Admin, nil,
			map[string]string{"If-Match": stale}).
			wantError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
		got := s.do(t, "GET", path, s.Admin, nil).want(t, http.StatusOK).object(t)
		if got["display_name"] != "First" {
			t.Fatalf("%s after refused writes: display_name %v", path, got["display_name"])
		}

		s.doHeader(t, "POST", path+"/destroy", s.Admin, nil,
			map[string]string{"If-Match": fresh}).want(t, http.StatusNoContent)
	}
}

// TestFileETag checks that a file record answers an ETag and that a destroy with another
// record's tag is refused.
func TestFileETag(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	a := s.uploadFile(t, ft.Token, "a.txt", false, []byte("aaa"), 3)
	b := s.uploadFile(t, ft.Token, "b.txt", false, []byte("bbb"), 3)
	tagA := s.do(t, "GET", "/api/files/"+a, ft.Token, nil).want(t, http.StatusOK).Header.Get("ETag")
	tagB := s.do(t, "GET", "/api/files/"+b, ft.Token, nil).want(t, http.StatusOK).Header.Get("ETag")
	if tagA == "" || tagA == tagB {
		t.Fatalf("file ETags %q and %q", tagA, tagB)
	}

	s.doHeader(t, "POST", "/api/files/"+a+"/destroy", ft.Token, nil,
		map[string]string{"If-Match": tagB}).
		wantError(t, http.StatusPreconditionFailed, "PRECONDITION_FAILED")
	s.doHeader(t, "POST", "/api/files/"+a+"/destroy", ft.Token, nil,
		map[string]string{"If-Match": tagA}).want(t, http.StatusNoContent)
	s.doHeader(t, "POST", "/api/files/"+a+"/destroy", ft.Token, nil,
		map[string]string{"If-Match": tagA}).want(t, http.StatusNotFound)
}
