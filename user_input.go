package tenantd

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// unmanagedUserObjects and unmanagedUserArrays are PortSIP's call-feature members of a user.
// tenantd does not route calls, so it refuses values in them rather than drop them silently;
// an empty value (what tenantd itself returns) is accepted so that a client may send back
// what it read.
var unmanagedUserObjects = []string{
	"office_hours",
	"available_office_hours_forward_rule", "available_non_office_hours_forward_rule",
	"available_no_answer_forward_rule",
	"busy_office_hours_forward_rule", "busy_non_office_hours_forward_rule",
	"busy_no_answer_forward_rule",
	"dnd_office_hours_forward_rule", "dnd_non_office_hours_forward_rule",
	"away_office_hours_forward_rule", "away_non_office_hours_forward_rule",
	"lunch_office_hours_forward_rule", "lunch_non_office_hours_forward_rule",
	"trip_office_hours_forward_rule", "trip_non_office_hours_forward_rule",
	"offline_office_hours_forward_rule", "offline_non_office_hours_forward_rule",
}

var unmanagedUserArrays = []string{"outbound_caller_ids", "custom_forward_rules", "blfs"}

// userRequired lists the members a create must carry.
var userRequired = []string{
	"name", "display_name", "password", "email", "role",
	"extension_number", "extension_password", "voicemail_pin",
}

// userReadOnly lists members a client may send back as it read them; they are ignored.
var userReadOnly = []string{
	"id", "created_at", "avatar_file_name", "avatar_file_size", "avatar_file_url",
	"sync_type", "profile",
}

// userRoles are the roles a tenant user may hold.
var userRoles = []string{string(RoleAdmin), string(RoleStandardUser)}

// ApplyUserInput applies a create or update body to u (NewUser for a create). Members absent
// from in leave u as it was. The error is a VALIDATE_FAILED *Error naming every bad member;
// u may then be half-changed and must be discarded.
func ApplyUserInput(u *User, in Input, create bool) error {
	var p Problems
	for _, name := range sortedKeys(in) {
		raw := in[name]
		switch {
		case slices.Contains(userReadOnly, name):
		case slices.Contains(unmanagedUserObjects, name),
			slices.Contains(unmanagedUserArrays, name):
			if !isEmptyValue(raw) {
				p.Add(name, "is a call-feature setting that tenantd does not manage")
			}
		case !applyUserIdentity(u, name, raw, &p) && !applyUserSetting(&u.UserSettings,
			name, raw, &p):
			p.Add(name, reasonUnknown)
		}
	}

	if create {
		for _, name := range userRequired {
			if _, ok := in[name]; !ok {
				p.Add(name, "is required")
			}
		}
	}
	return p.Err()
}

// isEmptyValue reports whether raw is null, {} or [].
func isEmptyValue(raw json.RawMessage) bool {
	compact := new(bytes.Buffer)
	if err := json.Compact(compact, raw); err != nil {
		return false
	}
	switch compact.String() {
	case "null", "{}", "[]":
		return true
	}
	return false
}

// applyUserIdentity reads the members kept in columns, and reports whether name is one.
func applyUserIdentity(u *User, name string, raw json.RawMessage, p *Problems) bool {
	switch name {
	case "name":
		readName(&u.Name, raw, name, p)
	case "password":
		if s, ok := readPassword(raw, name, p); ok {
			u.Password = s
		}
	case "role":
		var role string
		readEnum(&role, raw, name, p, userRoles...)
		if role != "" {
			u.Role = Role(role)
		}
	case "enabled":
		setBool(&u.Enabled, raw, name, p)
	case "email":
		setText(&u.Email, raw, name, p, checkEmail)
	case "display_name":
		setText(&u.DisplayName, raw, name, p, textRule(1024))
	case "mobile_phone":
		setText(&u.MobilePhone, raw, name, p, textRule(32))
	case "work_phone":
		setText(&u.WorkPhone, raw, name, p, textRule(32))
	case "home_phone":
		setText(&u.HomePhone, raw, name, p, textRule(32))
	case "address":
		setText(&u.Address, raw, name, p, textRule(128))
	case "department":
		setText(&u.Department, raw, name, p, textRule(128))
	case "extension_number":
		readDigits(&u.ExtensionNumber, raw, name, p, 3, 64)
	default:
		return false
	}
	return true
}

// applyUserSetting reads the scalar settings, and reports whether name is one.
func applyUserSetting(s *UserSettings, name string, raw json.RawMessage, p *Problems) bool {
	flags := map[string]*bool{
		"enable_audio_recording":   &s.EnableAudioRecording,
		"enable_video_recording":   &s.EnableVideoRecording,
		"enable_dnd":               &s.EnableDND,
		"enable_acb":               &s.EnableACB,
		"enable_hot_desking":       &s.EnableHotDesking,
		"anonymous_outbound_calls": &s.AnonymousOutboundCalls,
		"delivery_outbound_cid":    &s.DeliveryOutboundCID,
		"enable_voicemail_pin":     &s.EnableVoicemailPin,
		"enable_voicemail_notify":  &s.EnableVoicemailNotify,
	}
	if dst, ok := flags[name]; ok {
		setBool(dst, raw, name, p)
		return true
	}

	switch name {
	case "extension_password":
		readExtensionPassword(&s.ExtensionPassword, raw, name, p)
	case "voicemail_pin":
		readVoicemailPin(&s.VoicemailPin, raw, name, p)
	case "sms":
		readEnum(&s.SMS, raw, name, p, "DISABLE", "ALLOW", "ALLOW_WITH_SENDER_ID")
	case "custom_options":
		setText(&s.CustomOptions, raw, name, p, checkCustomOptions)
	case "voicemail_prompt":
		setText(&s.VoicemailPrompt, raw, name, p, checkLanguageTag)
	case "voicemail_play_datetime":
		readOptionalEnum(&s.VoicemailPlayDatetime, raw, name, p,
			"DISABLE", "12_HOUR_CLOCK", "24_HOUR_CLOCK")
	case "interface":
		readOptionalEnum(&s.Interface, raw, name, p, "WEB_DOMAIN", "PUBLIC_IPV4",
			"PUBLIC_IPV6", "PRIVATE_IPV4", "PRIVATE_IPV6", "SBC_DOMAIN")
	case "preferred_transport":
		readOptionalEnum(&s.PreferredTransport, raw, name, p, "UDP", "TCP", "TLS")
	default:
		return false
	}
	return true
}

// readOptionalEnum reads an enum that has no default: unset until a client sets it, and then
// one of values (null is refused, as for every enum).
func readOptionalEnum(dst *NullString, raw json.RawMessage, field string, p *Problems,
	values ...string) {
	var s string
	readEnum(&s, raw, field, p, values...)
	if s != "" {
		*dst = NullString(s)
	}
}

// readDigits reads a required string of lo to hi decimal digits.
func readDigits(dst *string, raw json.RawMessage, field string, p *Problems, lo, hi int) {
	s, _, reason := readString(raw)
	if reason == "" && (len(s) < lo || len(s) > hi || strings.Trim(s, "0123456789") != "") {
		reason = "must be 3 to 64 digits"
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}

// readExtensionPassword reads the SIP password: 1 to 64 printable characters.
func readExtensionPassword(dst *string, raw json.RawMessage, field string, p *Problems) {
	s, _, reason := readString(raw)
	if reason == "" && (s == "" || len(s) > 64 || hasControl(s)) {
		reason = "must be 1 to 64 characters without control characters"
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}

// readVoicemailPin applies PortSIP's PIN policy: 6 to 10 digits, no digit three times in a
// row and no run of three ascending digits.
func readVoicemailPin(dst *string, raw json.RawMessage, field string, p *Problems) {
	s, _, reason := readString(raw)
	if reason == "" && !validPin(s) {
		reason = "must be 6 to 10 digits without a digit repeated three times in a row or " +
			"three ascending digits in a row"
	}
	if reason != "" {
		p.Add(field, reason)
		return
	}
	*dst = s
}

func validPin(s string) bool {
	if len(s) < 6 || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	for i := 2; i < len(s); i++ {
		a, b, c := s[i-2], s[i-1], s[i]
		if a == b && b == c || b == a+1 && c == b+1 {
			return false
		}
	}
	return true
}

// checkLanguageTag accepts a BCP 47 shaped tag: subtags of 1 to 8 letters or digits joined
// by hyphens, the first made of letters.
func checkLanguageTag(s string) string {
	const reason = "must be a BCP 47 language tag such as en-US"
	if len(s) > 35 {
		return reason
	}
	for i, sub := range strings.Split(s, "-") {
		if sub == "" || len(sub) > 8 {
			return reason
		}
		for _, r := range sub {
			letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
			if !letter && (i == 0 || r < '0' || r > '9') {
				return reason
			}
		}
	}
	return ""
}
