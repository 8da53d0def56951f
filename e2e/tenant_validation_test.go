package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fieldCase is one value sent for one member of a tenant body, on create and on update alike.
type fieldCase struct {
	field string // the member sent
	value string // its JSON text
	want  string // the JSON text read back in field; "" when the request must fail
	bad   string // comma-separated fields the error names; field when empty
}

// q writes s as a JSON string literal.
func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ok is a case whose value is read back unchanged.
func ok(field, value string) fieldCase { return fieldCase{field: field, value: value, want: value} }

// as is a case whose value is read back as want.
func as(field, value, want string) fieldCase {
	return fieldCase{field: field, value: value, want: want}
}

// no is a case that must fail naming field.
func no(field, value string) fieldCase { return fieldCase{field: field, value: value} }

// noAt is a case that must fail naming the given (nested) fields.
func noAt(field, value, bad string) fieldCase {
	return fieldCase{field: field, value: value, bad: bad}
}

var boolFields = []string{
	"enabled", "enable_video_recording", "enable_audio_recording", "enable_dual_track_recording",
	"enable_billing", "enable_feature_billing", "enable_feature_call_statistics",
	"enable_feature_contact_center", "enable_feature_message_channels",
	"enable_feature_microsoft_teams", "enable_feature_trunks", "enable_feature_whats_app",
	"enable_night_mode", "enable_two_factor_authentication", "password_force_reset",
}

// intFields maps each integer member to its least allowed value; the greatest is 2^31-1.
var intFields = map[string]int{
	"max_extensions": 0, "max_concurrent_calls": 0, "max_ring_groups": 0,
	"max_virtual_receptionists": 0, "max_call_queues": 0, "max_conference_rooms": 0,
	"contact_match_length": 0,
	"recording_retention":  1, "call_report_retention": 1, "log_retention": 1,
	"temp_file_retention": 1,
}

var quotaFields = []string{"disk_quota", "im_disk_quota", "extension_im_disk_quota"}

// fieldCases lists every rule of DESIGN.md's validation section as values sent for one member.
func fieldCases() []fieldCase {
	var cs []fieldCase
	cs = append(cs, textCases()...)
	cs = append(cs, localeCases()...)
	cs = append(cs, numberCases()...)
	cs = append(cs, nestedCases()...)
	return cs
}

func textCases() []fieldCase {
	n := strings.Repeat
	label63 := n("a", 63)
	return []fieldCase{
		ok("name", q("Acme AG")),
		ok("name", q("  Spaced  ")),
		ok("name", q(n("n", 1024))),
		ok("name", q(n("é", 1024))),
		ok("name", q("  "+n("n", 1024)+"  ")),
		ok("name", q("Ünïcødé 名前 🎉")),
		no("name", q(n("n", 1025))),
		no("name", q(n("é", 1025))),
		no("name", q("   ")),
		no("name", q("")),
		no("name", "null"),
		no("name", "42"),
		no("name", "true"),
		no("name", `["a"]`),
		no("name", q("line\nbreak")),
		no("name", q("tab\there")),

		ok("domain", q("pbx.example.com")),
		as("domain", q("PBX.Example.COM"), q("pbx.example.com")),
		as("domain", q("dot.example.com."), q("dot.example.com")),
		as("domain", q("bücher.example"), q("xn--bcher-kva.example")),
		ok("domain", q("192.0.2.10")),
		as("domain", q("[2001:DB8::1]"), q("2001:db8::1")),
		ok("domain", q("pbx")),
		ok("domain", q(label63+".example")),
		ok("domain", q(strings.Join([]string{label63, label63, label63, n("b", 61)}, "."))),
		no("domain", q(strings.Join([]string{label63, label63, label63, n("b", 62)}, "."))),
		no("domain", q(n("a", 64)+".example")),
		no("domain", q("")),
		no("domain", "null"),
		no("domain", "7"),
		no("domain", q("a..b.example")),
		no("domain", q("-a.example")),
		no("domain", q("a-.example")),
		no("domain", q("under_score.example")),
		no("domain", q("sp ace.example")),
		no("domain", q("pbx.example.com:5060")),
		no("domain", q("https://pbx.example.com")),
		no("domain", q("1.2.3")),

		ok("website", q("https://example.com")),
		ok("website", q("http://www.example.com/a?b=c")),
		ok("website", q("https://example.com/"+n("p", 255-len("https://example.com/")))),
		as("website", q(""), "null"),
		ok("website", "null"),
		no("website", q("https://example.com/"+n("p", 256-len("https://example.com/")))),
		no("website", q("ftp://example.com")),
		no("website", q("example.com")),
		no("website", q("https://")),
		no("website", q("https://exa mple.com")),
		no("website", "5"),
		no("website", "true"),

		ok("custom_options", q(`{"a": [1, 2],  "b" : {"c":null}}`)),
		ok("custom_options", q(` [ "x" ] `)),
		ok("custom_options", q(`42`)),
		as("custom_options", q(""), "null"),
		ok("custom_options", "null"),
		no("custom_options", q(`{"a":`)),
		no("custom_options", q(`{a:1}`)),
		no("custom_options", q(`{"a":1} x`)),
		no("custom_options", "5"),
		no("custom_options", `{"a":1}`),

		ok("email_recipients", q("ops@example.com")),
		ok("email_recipients", q("a@example.com,b@example.com")),
		as("email_recipients", q(""), "null"),
		ok("email_recipients", "null"),
		no("email_recipients", q("not an address")),
		no("email_recipients", q("Bob <bob@example.com>")),
		no("email_recipients", "5"),
	}
}

func localeCases() []fieldCase {
	return []fieldCase{
		ok("timezone", q("Asia/Calcutta")),
		ok("timezone", q("US/Eastern")),
		ok("timezone", q("Etc/GMT+6")),
		ok("timezone", q("Europe/Zurich")),
		ok("timezone", q("UTC")),
		no("timezone", q("Europe/Athnes")),
		no("timezone", q("Europe")),
		no("timezone", q("")),
		no("timezone", "null"),
		no("timezone", "3"),

		ok("currency", q("CHF")),
		ok("currency", q("XOF")),
		ok("currency", q("JPY")),
		as("currency", q("eur"), q("EUR")),
		no("currency", q("EURO")),
		no("currency", q("XYZ")),
		no("currency", q("US$")),
		no("currency", q("XXX")),
		no("currency", q("")),
		no("currency", "null"),
		no("currency", "756"),

		ok("region", q("CHE")),
		ok("region", q("JPN")),
		as("region", q("usa"), q("USA")),
		no("region", q("CH")),
		no("region", q("ZZZ")),
		no("region", q("Switzerland")),
		no("region", q("")),
		no("region", "null"),
		no("region", "756"),
	}
}

func numberCases() []fieldCase {
	var cs []fieldCase
	for _, f := range boolFields {
		cs = append(cs, ok(f, "true"), ok(f, "false"),
			no(f, "null"), no(f, q("true")), no(f, "1"), no(f, "0"))
	}

	for f, lo := range intFields {
		cs = append(cs, ok(f, fmt.Sprint(lo)), ok(f, "25"), ok(f, "2147483647"),
			no(f, fmt.Sprint(lo-1)), no(f, "-1"), no(f, "2147483648"), no(f, "1.5"),
			no(f, "2.0"), no(f, "1e2"), no(f, q("20")), no(f, "null"), no(f, "true"),
			no(f, "99999999999999999999999"))
	}
	cs = append(cs,
		ok("contact_update_interval", "1"), ok("contact_update_interval", "43200"),
		no("contact_update_interval", "0"), no("contact_update_interval", "43201"),
		no("contact_update_interval", "null"), no("contact_update_interval", q("720")))

	for _, f := range quotaFields {
		cs = append(cs, ok(f, q("100MB")), ok(f, q("1000GB")), ok(f, q("")),
			ok(f, q("1KB")), ok(f, q("8191PB")), ok(f, q("3TB")),
			as(f, q("100mb"), q("100MB")), as(f, q("2Gb"), q("2GB")),
			no(f, q("1.5GB")), no(f, q("100")), no(f, q("0MB")), no(f, q("abc")),
			no(f, q("100 MB")), no(f, q(" 100MB")), no(f, q("-1MB")), no(f, q("+1MB")),
			no(f, q("1MiB")), no(f, q("8192PB")), no(f, "null"), no(f, "100"))
	}

	for f, values := range map[string][]string{
		"contact_match_type":  {"DISABLE", "MATCH_EXACTLY", "MATCH_LENGTH"},
		"contact_append_type": {"DISABLE", "APPEND", "PREPEND"},
	} {
		for _, v := range values {
			cs = append(cs, ok(f, q(v)), no(f, q(strings.ToLower(v))))
		}
		cs = append(cs, no(f, q("")), no(f, "null"), no(f, "1"))
	}
	return cs
}

func nestedCases() []fieldCase {
	day := func(s string) string { return `{"monday":` + s + `}` }
	rng := func(from, to string) string {
		return day(`{"enabled":true,"ranges":[{"from":"` + from + `","to":"` + to + `"}]}`)
	}
	const oh = "office_hours"
	cs := []fieldCase{
		no(oh, "5"), no(oh, "null"), no(oh, q("x")), no(oh, "[]"),
		noAt(oh, `{"funday":{}}`, "office_hours.funday"),
		noAt(oh, day("5"), "office_hours.monday"),
		noAt(oh, day("null"), "office_hours.monday"),
		noAt(oh, day(`{"enabled":"yes"}`), "office_hours.monday.enabled"),
		noAt(oh, day(`{"enabled":null}`), "office_hours.monday.enabled"),
		noAt(oh, day(`{"colour":"red"}`), "office_hours.monday.colour"),
		noAt(oh, day(`{"ranges":5}`), "office_hours.monday.ranges"),
		noAt(oh, day(`{"ranges":null}`), "office_hours.monday.ranges"),
		noAt(oh, rng("25:00", "26:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, rng("09:60", "10:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, rng("9:00", "10:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, rng("10:00", "10:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, rng("11:00", "10:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, rng("10:00", "24:00"), "office_hours.monday.ranges[0]"),
		noAt(oh, day(`{"ranges":[{"from":"09:00","to":"12:00","x":1}]}`),
			"office_hours.monday.ranges[0]"),
		noAt(oh, day(`{"ranges":[{"from":"09:00","to":"12:00"},{"from":"11:59","to":"13:00"}]}`),
			"office_hours.monday.ranges"),

		no("e164", "5"), no("e164", "null"),
		noAt("e164", `{"enabled":null}`, "e164.enabled"),
		noAt("e164", `{"enabled":"true"}`, "e164.enabled"),
		noAt("e164", `{"remove_special_chars":1}`, "e164.remove_special_chars"),
		noAt("e164", `{"country":"abc"}`, "e164.country"),
		noAt("e164", `{"country":5}`, "e164.country"),
		noAt("e164", `{"prefix":"12 34"}`, "e164.prefix"),
		noAt("e164", `{"bogus":1}`, "e164.bogus"),

		no("outbound_caller_ids", "5"), no("outbound_caller_ids", "null"),
		no("outbound_caller_ids", `{"a":1}`),
		noAt("outbound_caller_ids", `[5]`, "outbound_caller_ids[0]"),
		noAt("outbound_caller_ids", `[{"provider_id":"1"}]`, "outbound_caller_ids[0].caller_id"),
		noAt("outbound_caller_ids", `[{"caller_id":"100"}]`, "outbound_caller_ids[0].provider_id"),
		noAt("outbound_caller_ids", `[{"provider_id":"1","caller_id":"100","x":1}]`,
			"outbound_caller_ids[0]"),

		no("foo", "1"),
		no("Name", q("x")),
		no("avatar", "null"),
	}

	for _, ev := range []string{"cdr_event", "extension_event"} {
		cs = append(cs,
			no(ev, "5"), no(ev, "null"),
			noAt(ev, `{"auth":"basic"}`, ev+".auth"),
			noAt(ev, `{"auth":null}`, ev+".auth"),
			noAt(ev, `{"enabled":null}`, ev+".enabled"),
			noAt(ev, `{"enabled":true}`, ev+".url"),
			noAt(ev, `{"auth":"BASIC"}`, ev+".username,"+ev+".password"),
			noAt(ev, `{"auth":"DIGEST","username":"user123"}`, ev+".password"),
			noAt(ev, `{"auth":"BEARER"}`, ev+".token"),
			noAt(ev, `{"url":"ftp://example.com"}`, ev+".url"),
			noAt(ev, `{"url":5}`, ev+".url"),
			noAt(ev, `{"auth":"BASIC","username":"UPPER123","password":"secret1"}`,
				ev+".username"),
			noAt(ev, `{"auth":"BASIC","username":"user123","password":"short"}`,
				ev+".password"),
			noAt(ev, `{"token":"has space"}`, ev+".token"),
			noAt(ev, `{"x":1}`, ev+".x"),
		)
	}
	return cs
}

// TestTenantFieldRules sends every case of fieldCases in a create and in an update. A good
// value must be read back in its canonical form with nothing else changed; a bad one must be
// a 400 naming the field and change nothing.
func TestTenantFieldRules(t *testing.T) {
	s := startServer(t)
	baseID := s.createTenant(t, "Baseline", "baseline.example.com", nil)
	baseline := s.tenant(t, baseID)

	for _, c := range fieldCases() {
		name := c.field + "=" + c.value
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run("create/"+name, func(t *testing.T) { checkCreate(t, s, baseline, c) })
		t.Run("update/"+name, func(t *testing.T) { checkUpdate(t, s, c) })
	}
}

// checkCreate creates a tenant with c's member on top of a valid body. The stored tenant must
// equal the baseline (created from a valid body alone) but for id, created_at, name, domain
// and c's member.
func checkCreate(t *testing.T, s *server, baseline map[string]any, c fieldCase) {
	body := tenantBody(uniq("Create "), uniq("create")+".example.net", nil)
	body[c.field] = json.RawMessage(c.value)
	before := s.tenantCount(t)

	res := s.do(t, "POST", "/api/tenants", s.Admin, body)
	if c.want == "" {
		res.wantInvalid(t, c.badFields()...)
		if after := s.tenantCount(t); after != before {
			t.Fatalf("a failed create changed the tenant count from %d to %d", before, after)
		}
		return
	}

	id, _ := res.want(t, http.StatusCreated).object(t)["id"].(string)
	got := s.tenant(t, id)
	defer s.destroy(t, id)

	want := clone(baseline)
	for _, k := range []string{"id", "created_at"} {
		want[k] = got[k]
	}
	want["name"], want["domain"] = body["name"], body["domain"]
	want[c.field] = raw(t, c.want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("created tenant (-want +got):\n%s", diff)
	}
}

// checkUpdate sends c's member alone to an existing tenant. Only that member may change, and
// only when the value is good; the answer of a good update is the tenant as stored.
func checkUpdate(t *testing.T, s *server, c fieldCase) {
	id := s.createTenant(t, uniq("Update "), uniq("update")+".example.net", nil)
	defer s.destroy(t, id)
	before := s.tenant(t, id)

	res := s.update(t, id, map[string]any{c.field: json.RawMessage(c.value)})
	if c.want == "" {
		res.wantInvalid(t, c.badFields()...)
		if diff := cmp.Diff(before, s.tenant(t, id)); diff != "" {
			t.Fatalf("a failed update changed the tenant (-before +after):\n%s", diff)
		}
		return
	}

	answered := res.want(t, http.StatusOK).object(t)
	got := s.tenant(t, id)
	if diff := cmp.Diff(answered, got); diff != "" {
		t.Errorf("update answer differs from the stored tenant (-answer +stored):\n%s", diff)
	}
	want := clone(before)
	want[c.field] = raw(t, c.want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("updated tenant (-want +got):\n%s", diff)
	}
}

func (c fieldCase) badFields() []string {
	if c.bad == "" {
		return []string{c.field}
	}
	return strings.Split(c.bad, ",")
}

// clone copies a decoded JSON object deeply enough for tests to change its members.
func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
