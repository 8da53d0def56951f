package tenantd

import (
	"encoding/json"
	"errors"
	"math"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// A tenantRule reads one member of a tenant create or update body into t, or records why it
// cannot. field is the member's name, for the problem report.
type tenantRule func(t *Tenant, raw json.RawMessage, field string, p *Problems)

// tenantRequired lists the members a create must carry.
var tenantRequired = []string{"name", "domain", "timezone", "currency", "region"}

// tenantReadOnly lists members a client may send back as it read them; they are ignored.
var tenantReadOnly = []string{
	"id", "created_at", "used_disk_quota",
	"avatar_file_name", "avatar_file_size", "avatar_file_url",
}

// tenantRules maps every writable member of the tenant object to the rule that reads it.
var tenantRules = map[string]tenantRule{
	"name":     requiredText(func(t *Tenant) *string { return &t.Name }, canonName),
	"domain":   requiredText(func(t *Tenant) *string { return &t.Domain }, canonDomain),
	"timezone": requiredText(func(t *Tenant) *string { return &t.Timezone }, canonTimezone),
	"currency": requiredText(func(t *Tenant) *string { return &t.Currency }, canonCurrency),
	"region":   requiredText(func(t *Tenant) *string { return &t.Region }, canonRegion),
	"website":  optionalText(func(t *Tenant) *NullString { return &t.Website }, checkWebsite),

	"enabled":                        flag(func(t *Tenant) *bool { return &t.Enabled }),
	"enable_video_recording":         flag(func(t *Tenant) *bool { return &t.EnableVideoRecording }),
	"enable_audio_recording":         flag(func(t *Tenant) *bool { return &t.EnableAudioRecording }),
	"enable_dual_track_recording":    flag(func(t *Tenant) *bool { return &t.EnableDualTrackRecording }),
	"enable_billing":                 flag(func(t *Tenant) *bool { return &t.EnableBilling }),
	"enable_feature_billing":         flag(func(t *Tenant) *bool { return &t.EnableFeatureBilling }),
	"enable_feature_call_statistics": flag(func(t *Tenant) *bool { return &t.EnableFeatureCallStatistics }),
	"enable_feature_contact_center":  flag(func(t *Tenant) *bool { return &t.EnableFeatureContactCenter }),
	"enable_feature_message_channels": flag(
		func(t *Tenant) *bool { return &t.EnableFeatureMessageChannels }),
	"enable_feature_microsoft_teams": flag(func(t *Tenant) *bool { return &t.EnableFeatureMicrosoftTeams }),
	"enable_feature_trunks":          flag(func(t *Tenant) *bool { return &t.EnableFeatureTrunks }),
	"enable_feature_whats_app":       flag(func(t *Tenant) *bool { return &t.EnableFeatureWhatsApp }),
	"enable_night_mode":              flag(func(t *Tenant) *bool { return &t.EnableNightMode }),
	"enable_two_factor_authentication": flag(
		func(t *Tenant) *bool { return &t.EnableTwoFactorAuthentication }),
	"password_force_reset": flag(func(t *Tenant) *bool { return &t.PasswordForceReset }),

	"custom_options": optionalText(
		func(t *Tenant) *NullString { return &t.CustomOptions }, checkCustomOptions),
	"email_recipients": optionalText(
		func(t *Tenant) *NullString { return &t.EmailRecipients }, checkEmailList),

	"max_extensions":            count(func(t *Tenant) *int32 { return &t.MaxExtensions }, 0),
	"max_concurrent_calls":      count(func(t *Tenant) *int32 { return &t.MaxConcurrentCalls }, 0),
	"max_ring_groups":           count(func(t *Tenant) *int32 { return &t.MaxRingGroups }, 0),
	"max_virtual_receptionists": count(func(t *Tenant) *int32 { return &t.MaxVirtualReceptionists }, 0),
	"max_call_queues":           count(func(t *Tenant) *int32 { return &t.MaxCallQueues }, 0),
	"max_conference_rooms":      count(func(t *Tenant) *int32 { return &t.MaxConferenceRooms }, 0),
	"recording_retention":       count(func(t *Tenant) *int32 { return &t.RecordingRetention }, 1),
	"call_report_retention":     count(func(t *Tenant) *int32 { return &t.CallReportRetention }, 1),
	"log_retention":             count(func(t *Tenant) *int32 { return &t.LogRetention }, 1),
	"temp_file_retention":       count(func(t *Tenant) *int32 { return &t.TempFileRetention }, 1),
	"contact_match_length":      count(func(t *Tenant) *int32 { return &t.ContactMatchLength }, 0),
	"contact_update_interval": bounded(
		func(t *Tenant) *int32 { return &t.ContactUpdateInterval }, 1, 43200),

	"disk_quota":              quota(func(t *Tenant) *string { return &t.DiskQuota }),
	"im_disk_quota":           quota(func(t *Tenant) *string { return &t.IMDiskQuota }),
	"extension_im_disk_quota": quota(func(t *Tenant) *string { return &t.ExtensionIMDiskQuota }),

	"contact_match_type": enum(func(t *Tenant) *string { return &t.ContactMatchType },
		"DISABLE", "MATCH_EXACTLY", "MATCH_LENGTH"),
	"contact_append_type": enum(func(t *Tenant) *string { return &t.ContactAppendType },
		"DISABLE", "APPEND", "PREPEND"),

	"office_hours":        readOfficeHours,
	"e164":                readE164,
	"cdr_event":           eventRule(func(t *Tenant) *EventPush { return &t.CDREvent }),
	"extension_event":     eventRule(func(t *Tenant) *EventPush { return &t.ExtensionEvent }),
	"outbound_caller_ids": readCallerIDs,
}

// ApplyTenantInput applies a create or update body to t. For a create, t starts as NewTenant
// and the required members must be present. Members absent from in leave t as it was. The
// error is a VALIDATE_FAILED *Error naming every bad member; t may then be half-changed and
// must be discarded.
func ApplyTenantInput(t *Tenant, in Input, create bool) error {
	var p Problems

	for _, name := range sortedKeys(in) {
		if slices.Contains(tenantReadOnly, name) {
			continue
		}
		rule, ok := tenantRules[name]
		if !ok {
			p.Add(name, reasonUnknown)
			continue
		}
		rule(t, in[name], name, &p)
	}

	if create {
		for _, name := range tenantRequired {
			if _, ok := in[name]; !ok {
				p.Add(name, "is required")
			}
		}
	}

	checkEvent(&t.CDREvent, "cdr_event", &p)
	checkEvent(&t.ExtensionEvent, "extension_event", &p)
	return p.Err()
}

func sortedKeys(in Input) []string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// requiredText reads a string that may not be null or blank; canon validates it and returns
// the form to store, or a reason.
func requiredText(get func(*Tenant) *string, canon func(string) (string, string)) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		s, null, reason := readString(raw)
		if null {
			reason = reasonNotNull
		}
		if reason == "" {
			s, reason = canon(s)
		}
		if reason != "" {
			p.Add(field, reason)
			return
		}
		*get(t) = s
	}
}

// optionalText reads a free-text string that null or "" clears; check judges a non-blank
// value.
func optionalText(get func(*Tenant) *NullString, check func(string) string) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		setText(get(t), raw, field, p, check)
	}
}

func flag(get func(*Tenant) *bool) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		setBool(get(t), raw, field, p)
	}
}

// count reads a 32-bit integer of at least lo.
func count(get func(*Tenant) *int32, lo int32) tenantRule {
	return bounded(get, lo, math.MaxInt32)
}

func bounded(get func(*Tenant) *int32, lo, hi int32) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		n, reason := readInt(raw, int64(lo), int64(hi))
		if reason != "" {
			p.Add(field, reason)
			return
		}
		*get(t) = int32(n)
	}
}

func quota(get func(*Tenant) *string) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		s, null, reason := readString(raw)
		if null {
			reason = reasonNotNull + "; use \"\" for unlimited"
		}
		if reason == "" {
			var err error
			if s, _, err = ParseQuota(s); err != nil {
				reason = err.Error()
			}
		}
		if reason != "" {
			p.Add(field, reason)
			return
		}
		*get(t) = s
	}
}

func enum(get func(*Tenant) *string, values ...string) tenantRule {
	return func(t *Tenant, raw json.RawMessage, field string, p *Problems) {
		s, _, reason := readString(raw)
		if reason == "" && !slices.Contains(values, s) {
			reason = "must be one of " + strings.Join(values, ", ")
		}
		if reason != "" {
			p.Add(field, reason)
			return
		}
		*get(t) = s
	}
}

// canonName keeps the name byte for byte but requires 1 to 1024 characters once surrounding
// white space is ignored.
func canonName(s string) (string, string) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" {
		return "", "must not be blank"
	}
	if utf8.RuneCountInString(trimmed) > 1024 {
		return "", "must be at most 1024 characters"
	}
	if hasControl(s) {
		return "", "must not contain control characters"
	}
	return s, ""
}

func canonDomain(s string) (string, string) {
	if utf8.RuneCountInString(s) > 280 {
		return "", "must be at most 280 characters"
	}
	d, err := CanonicalDomain(s)
	if err != nil {
		return "", err.Error()
	}
	return d, ""
}

func canonTimezone(s string) (string, string) {
	if !ValidTimezone(s) {
		return "", "must be an IANA time zone name such as Europe/Zurich"
	}
	return s, ""
}

func canonCurrency(s string) (string, string) {
	c, ok := CanonicalCurrency(s)
	if !ok {
		return "", "must be an active ISO 4217 currency code such as EUR"
	}
	return c, ""
}

func canonRegion(s string) (string, string) {
	r, ok := CanonicalRegion(s)
	if !ok {
		return "", "must be an ISO 3166-1 alpha-3 country code such as CHE"
	}
	return r, ""
}

func checkWebsite(s string) string {
	return checkHTTPURL(s, 255)
}

// maxCustomOptions bounds custom_options; the whole body is capped at 1 MiB anyway, and one
// opaque blob per tenant has no business being larger than this.
const maxCustomOptions = 64 << 10

func checkCustomOptions(s string) string {
	if len(s) > maxCustomOptions {
		return "must be at most 65536 bytes"
	}
	if !json.Valid([]byte(s)) {
		return "must be valid JSON text"
	}
	return ""
}

// checkEmailList accepts bare e-mail addresses separated by commas or semicolons.
func checkEmailList(s string) string {
	const reason = "must be e-mail addresses separated by commas"
	if len(s) > 1024 {
		return "must be at most 1024 characters"
	}

	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		item = strings.TrimSpace(item)
		addr, err := mail.ParseAddress(item)
		if err != nil || addr.Name != "" || addr.Address != item {
			return reason
		}
	}
	if strings.Trim(s, " ,;") == "" {
		return reason
	}
	return ""
}

// currentTenantExtra are members of POST /api/tenant that tenantd does not keep yet. null or
// "" is accepted (nothing to keep); a value is refused, never dropped silently.
var currentTenantExtra = []string{"stir_shaken_cert", "stir_shaken_key"}

// adminTenantFields are the members of POST /api/tenant, PortSIP's reduced field set: what a
// tenant admin may change in its own tenant.
var adminTenantFields = []string{
	"name", "domain", "website", "timezone", "currency", "region",
	"enable_video_recording", "enable_audio_recording", "enable_dual_track_recording",
	"enable_night_mode", "enable_two_factor_authentication", "custom_options",
	"recording_retention", "call_report_retention", "log_retention", "temp_file_retention",
	"extension_im_disk_quota", "office_hours", "outbound_caller_ids", "e164", "cdr_event",
	"extension_event", "contact_match_type", "contact_match_length", "contact_append_type",
	"contact_update_interval", "password_force_reset",
}

// ApplyCurrentTenantInput applies a POST /api/tenant body to t for an actor of the given role.
// A tenant admin may change only the reduced field set: a change to a limit, quota, feature
// switch or enabled is EForbidden, naming each, and nothing is applied. Sending such a member
// with the value it already has is allowed, so that a client may send back what it read.
// Other roles may change every member of the full tenant object.
func ApplyCurrentTenantInput(t *Tenant, in Input, role Role) error {
	var forbidden []FieldError
	var p Problems
	rest := Input{}

	for _, name := range sortedKeys(in) {
		_, known := tenantRules[name]
		switch {
		case name == "avatar_file_id":
			readAvatar(t, in[name], &p)
		case slices.Contains(currentTenantExtra, name):
			if s, _, reason := readString(in[name]); reason != "" || s != "" {
				p.Add(name, "is not supported by tenantd yet; send null or omit it")
			}
		case role == RoleAdmin && known && !slices.Contains(adminTenantFields, name) &&
			changes(t, name, in[name]):
			forbidden = append(forbidden, FieldError{Field: name,
				Reason: "may be changed only by the system admin or a dealer"})
		default:
			rest[name] = in[name]
		}
	}

	if len(forbidden) > 0 {
		return &Error{Code: EForbidden, Message: "a tenant admin may not change these settings",
			Fields: forbidden}
	}
	if err := ApplyTenantInput(t, rest, false); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Fields = append(e.Fields, p...)
		}
		return err
	}
	return p.Err()
}

// readAvatar reads avatar_file_id: a file id sets the logo, null or "" removes it. Only the
// id is set here; the store checks that the file belongs to the tenant and fills in its name,
// size and download key.
func readAvatar(t *Tenant, raw json.RawMessage, p *Problems) {
	s, _, reason := readString(raw)
	if reason != "" {
		p.Add("avatar_file_id", reason)
		return
	}
	if s == "" {
		t.Avatar = FileRef{}
		return
	}
	id, err := ParseID(s)
	if err != nil {
		p.Add("avatar_file_id", "must be the id of a file of this tenant")
		return
	}
	if id != t.Avatar.FileID {
		t.Avatar = FileRef{FileID: id}
	}
}

// changes reports whether applying the member to t would change t. An invalid value counts
// as no change here; validation reports it.
func changes(t *Tenant, name string, raw json.RawMessage) bool {
	probe := *t // the restricted members are scalars, so a shallow copy is independent
	if ApplyTenantInput(&probe, Input{name: raw}, false) != nil {
		return false
	}
	before, err1 := t.MarshalSettings()
	after, err2 := probe.MarshalSettings()
	return err1 != nil || err2 != nil || string(before) != string(after)
}
