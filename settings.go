package tenantd

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// readE164 merges the members present in raw into t's E.164 rules.
func readE164(t *Tenant, raw json.RawMessage, field string, p *Problems) {
	in, reason := readObject(raw)
	if reason != "" {
		p.Add(field, reason)
		return
	}

	e := &t.E164
	for _, name := range sortedKeys(in) {
		at := field + "." + name
		switch name {
		case "enabled":
			setBool(&e.Enabled, in[name], at, p)
		case "remove_special_chars":
			setBool(&e.RemoveSpecialChars, in[name], at, p)
		case "remove_duplicate_countries":
			setBool(&e.RemoveDuplicateCountries, in[name], at, p)
		case "remove_duplicate_area_codes":
			setBool(&e.RemoveDuplicateAreaCodes, in[name], at, p)
		case "international_code":
			setText(&e.InternationalCode, in[name], at, p, checkDialCode)
		case "country":
			setText(&e.Country, in[name], at, p, checkDialCode)
		case "area_code":
			setText(&e.AreaCode, in[name], at, p, checkDialCode)
		case "national_code":
			setText(&e.NationalCode, in[name], at, p, checkDialCode)
		case "prefix":
			setText(&e.Prefix, in[name], at, p, checkDialCode)
		default:
			p.Add(at, reasonUnknown)
		}
	}
}

// checkDialCode accepts up to 16 digits, optionally after one leading '+'.
func checkDialCode(s string) string {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || len(digits) > 16 || strings.Trim(digits, "0123456789") != "" {
		return "must be up to 16 digits, optionally after a leading +"
	}
	return ""
}

// eventRule merges the members present in raw into one event push setting. Rules that tie
// members together are checked by checkEvent once every member is read.
func eventRule(get func(*Tenant) *EventPush) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		in, reason := readObject(raw)
		if reason != "" {
			p.Add(field, reason)
			return
		}

		e := get(t)
		for _, name := range sortedKeys(in) {
			at := field + "." + name
			switch name {
			case "enabled":
				setBool(&e.Enabled, in[name], at, p)
			case "auth":
				setAuth(&e.Auth, in[name], at, p)
			case "username", "password":
				dst := &e.Username
				if name == "password" {
					dst = &e.Password
				}
				setText(dst, in[name], at, p, checkEventCredential)
			case "token":
				setText(&e.Token, in[name], at, p, checkEventToken)
			case "url":
				setText(&e.URL, in[name], at, p, func(s string) string { return checkHTTPURL(s, 128) })
			default:
				p.Add(at, reasonUnknown)
			}
		}
	}
}

var authSchemes = []string{AuthDisable, AuthBasic, AuthDigest, AuthBearer}

func setAuth(dst *string, raw json.RawMessage, field string, p *Problems) {
	s, _, reason := readString(raw)
	if reason == "" && !slices.Contains(authSchemes, s) {
		reason = "must be one of " + strings.Join(authSchemes, ", ")
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}

// checkEventCredential follows PortSIP's published pattern for event push user names and
// passwords: 6 to 64 lower-case letters and digits.
func checkEventCredential(s string) string {
	if len(s) < 6 || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return "must be 6 to 64 lower-case letters and digits"
	}
	return ""
}

func checkEventToken(s string) string {
	if len(s) > 1024 || hasControl(s) || strings.ContainsRune(s, ' ') {
		return "must be at most 1024 characters without spaces or control characters"
	}
	return ""
}

// checkEvent applies the rules that span members of an event push setting after a merge.
// A member already refused on its own is not reported again as missing: its bad value was
// never stored, but the client did send one.
func checkEvent(e *EventPush, field string, p *Problems) {
	missing := func(member string, blank bool, reason string) {
		at := field + "." + member
		if blank && !slices.ContainsFunc(*p, func(f FieldError) bool { return f.Field == at }) {
			p.Add(at, reason)
		}
	}

	missing("url", e.Enabled && e.URL == "", "is required when the event push is enabled")
	switch e.Auth {
	case AuthBasic, AuthDigest:
		missing("username", e.Username == "", "is required for "+e.Auth+" authentication")
		missing("password", e.Password == "", "is required for "+e.Auth+" authentication")
	case AuthBearer:
		missing("token", e.Token == "", "is required for BEARER authentication")
	}
}

// maxCallerIDs bounds the outbound caller IDs of one tenant.
const maxCallerIDs = 256

// readCallerIDs replaces the tenant's outbound caller IDs with the array in raw.
func readCallerIDs(t *Tenant, raw json.RawMessage, field string, p *Problems) {
	items, reason := readArray(raw)
	if reason == "" && len(items) > maxCallerIDs {
		reason = "must hold at most " + strconv.Itoa(maxCallerIDs) + " caller IDs"
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}

	ids := make([]OutboundCallerID, 0, len(items))
	for i, item := range items {
		at := field + "[" + strconv.Itoa(i) + "]"
		var c OutboundCallerID
		if err := strictUnmarshal(item, &c); err != nil {
			p.Add(at, "must be an object with provider_id, caller_id and description")
			continue
		}
		if c.ProviderID == "" || checkText(c.ProviderID, 64) != "" {
			p.Add(at+".provider_id", "must be 1 to 64 characters")
			continue
		}
		if c.CallerID == "" || checkText(c.CallerID, 64) != "" {
			p.Add(at+".caller_id", "must be 1 to 64 characters")
			continue
		}
		if reason := checkText(string(c.Description), 1024); reason != "" {
			p.Add(at+".description", reason)
			continue
		}
		ids = append(ids, c)
	}
	t.OutboundCallerIDs = ids
}

func setBool(dst *bool, raw json.RawMessage, field string, p *Problems) {
	v, reason := readBool(raw)
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = v
}

// setText reads an optional free-text member: null or "" clears it, check judges the rest.
func setText(dst *NullString, raw json.RawMessage, field string, p *Problems,
	check func(string) string) {
	s, _, reason := readString(raw)
	if reason == "" && s != "" {
		reason = check(s)
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = NullString(s)
}

// masked returns the setting with its password and token replaced by Masked when set.
func (e EventPush) masked() EventPush {
	if e.Password != "" {
		e.Password = Masked
	}
	if e.Token != "" {
		e.Token = Masked
	}
	return e
}
