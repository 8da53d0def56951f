package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantd/tenantd"
)

// fuzzSeeds are tenant bodies, valid and not, that the fuzzer starts from; they also run as
// a plain test.
var fuzzSeeds = []string{
	`{"name":"Acme","domain":"pbx.acme.example","timezone":"Europe/Zurich","currency":"chf",` +
		`"region":"che"}`,
	`{"name":"Büro","domain":"BÜRO.Example.","timezone":"Asia/Calcutta","currency":"EUR",` +
		`"region":"DEU","website":"https://büro.example/x","disk_quota":"10gb",` +
		`"im_disk_quota":"","extension_im_disk_quota":"512Mb","max_extensions":0}`,
	`{"name":"IP","domain":"[2001:DB8::1]","timezone":"UTC","currency":"USD","region":"USA"}`,
	`{"office_hours":{"monday":{"enabled":true,"ranges":[{"from":"08:00","to":"12:00"},` +
		`{"from":"13:00","to":"17:30"}]},"sunday":{"enabled":false}}}`,
	`{"outbound_caller_ids":[{"provider_id":"p1","caller_id":"+41441234567"}]}`,
	`{"e164":{"enabled":true,"country":"41","area_code":"","prefix":null},` +
		`"cdr_event":{"enabled":true,"url":"https://hooks.example/cdr","auth":"BEARER",` +
		`"token":"t0k3n"},"extension_event":{"auth":"BASIC","username":"hookuser",` +
		`"password":"hookpass1"}}`,
	`{"custom_options":"{\"a\":[1,2,{\"b\":null}]}","email_recipients":"a@b.example, c@d.example",` +
		`"website":null,"contact_match_type":"MATCH_LENGTH","contact_match_length":7,` +
		`"contact_update_interval":43200,"password_force_reset":true,"enabled":false}`,
	`{"id":"1","created_at":"x","used_disk_quota":"9PB","avatar_file_size":-1,` +
		`"max_concurrent_calls":-0,"recording_retention":2147483647}`,
	`{"name":"\u0041\u00e9","max_extensions":1e3}`,
	`{"name":" ","domain":"a..b","max_ring_groups":2147483648}`,
	`{"name":"x","name":"y"}`,
	`{"office_hours":{"monday":{"ranges":[{"from":"12:00","to":"11:00"}]}}}`,
	`[]`, ``, `null`, `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`,
}

// FuzzTenantBody sends arbitrary bytes as the body of a tenant create and of a tenant update
// to a real server. No answer may be a 5xx, and after every 2xx the tenant read back must hold
// what was sent, allowing only for the documented canonical forms.
func FuzzTenantBody(f *testing.F) {
	for _, seed := range fuzzSeeds {
		f.Add([]byte(seed))
	}
	s := startServer(f)
	base := s.createTenant(f, "Fuzz base", "fuzz-base.example", nil)

	f.Fuzz(func(t *testing.T, body []byte) {
		created := s.do(t, "POST", "/api/tenants", s.Admin, body)
		checkFuzzAnswer(t, s, created, body, "")
		updated := s.do(t, "POST", "/api/tenants/"+base, s.Admin, body)
		checkFuzzAnswer(t, s, updated, body, base)
	})
}

// checkFuzzAnswer fails on a 5xx and, after a 2xx, compares the tenant read back with the
// members of the body. id is the tenant updated, or "" for a create.
func checkFuzzAnswer(t *testing.T, s *server, res *response, body []byte, id string) {
	t.Helper()
	if res.Status >= 500 {
		t.Fatalf("status %d for body %q: %s", res.Status, body, res.Body)
	}
	if res.Status >= 300 {
		if res.errorCode(t) == "" {
			t.Fatalf("status %d without an error code: %s", res.Status, res.Body)
		}
		return
	}

	if id == "" {
		id, _ = res.object(t)["id"].(string)
	}
	read := s.do(t, "GET", "/api/tenants/"+id, s.Admin, nil).want(t, http.StatusOK)
	got := decodeNumbers(t, read.Body).(map[string]any)
	sent := decodeNumbers(t, body).(map[string]any)

	for name, value := range sent {
		if readOnly[name] {
			continue
		}
		if err := compareMember(name, value, got[name]); err != "" {
			t.Fatalf("%s: %s\nsent %s\nread %s", name, err, body, read.Body)
		}
	}
}

var readOnly = map[string]bool{"id": true, "created_at": true, "used_disk_quota": true,
	"avatar_file_name": true, "avatar_file_size": true, "avatar_file_url": true}

// compareMember checks one top-level member of a body against the tenant read back and
// returns what differs, or "".
func compareMember(name string, sent, got any) string {
	switch name {
	case "domain":
		want, err := tenantd.CanonicalDomain(sent.(string))
		return differ(want, got, err)
	case "currency", "region", "disk_quota", "im_disk_quota", "extension_im_disk_quota":
		return differ(strings.ToUpper(sent.(string)), got, nil)
	case "website", "custom_options", "email_recipients":
		return differ(nullIfEmpty(sent), got, nil)
	case "office_hours":
		return compareMerged(sent, got, func(_ string, day any) any {
			d := day.(map[string]any)
			whole := map[string]any{"enabled": false, "ranges": []any{}}
			for k, v := range d {
				whole[k] = v
			}
			return whole
		})
	case "outbound_caller_ids":
		// A caller ID sent without a description reads back with a null one.
		ids, _ := sent.([]any)
		want := make([]any, len(ids))
		for i, id := range ids {
			whole := map[string]any{"description": nil}
			for k, v := range id.(map[string]any) {
				whole[k] = nullIfEmpty(v)
			}
			want[i] = whole
		}
		return differ(want, got, nil)
	case "e164", "cdr_event", "extension_event":
		return compareMerged(sent, got, func(key string, v any) any {
			if key == "enabled" || key == "auth" || strings.HasPrefix(key, "remove_") {
				return v
			}
			return nullIfEmpty(v)
		})
	}
	return differ(sent, got, nil)
}

// compareMerged compares an object merged one level deep: each member sent, mapped by want,
// must be what the read-back object holds under that name.
func compareMerged(sent, got any, want func(key string, v any) any) string {
	gotObj, ok := got.(map[string]any)
	if !ok {
		return "read back is not an object"
	}
	for key, v := range sent.(map[string]any) {
		if d := differ(want(key, v), gotObj[key], nil); d != "" {
			return key + ": " + d
		}
	}
	return ""
}

func differ(want, got any, err error) string {
	if err != nil {
		return "accepted but does not canonicalise: " + err.Error()
	}
	if !reflect.DeepEqual(want, got) {
		return "sent " + show(want) + ", read back " + show(got)
	}
	return ""
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func nullIfEmpty(v any) any {
	if v == "" {
		return nil
	}
	return v
}

// decodeNumbers decodes JSON with every integer as int64 (so 1000, 1000 and -0, 0 compare
// equal) and any other number as its text.
func decodeNumbers(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	return normalizeNumbers(v)
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		return string(x)
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}
