package tenantd

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// Tenant is one company hosted on the PBX, with every setting of PortSIP's v22.2 tenant object.
// Optional free-text settings hold "" when blank; they are written as JSON null.
type Tenant struct {
	ID        int64     `json:"-"`
	CreatedAt time.Time `json:"-"`
	Version   int64     `json:"-"` // bumped by every write; the source of the ETag

	Name     string     `json:"name"`
	Domain   string     `json:"domain"`
	Website  NullString `json:"website"`
	Timezone string     `json:"timezone"`
	Currency string     `json:"currency"`
	Region   string     `json:"region"`
	Enabled  bool       `json:"enabled"`

	EnableVideoRecording          bool `json:"enable_video_recording"`
	EnableAudioRecording          bool `json:"enable_audio_recording"`
	EnableDualTrackRecording      bool `json:"enable_dual_track_recording"`
	EnableBilling                 bool `json:"enable_billing"`
	EnableFeatureBilling          bool `json:"enable_feature_billing"`
	EnableFeatureCallStatistics   bool `json:"enable_feature_call_statistics"`
	EnableFeatureContactCenter    bool `json:"enable_feature_contact_center"`
	EnableFeatureMessageChannels  bool `json:"enable_feature_message_channels"`
	EnableFeatureMicrosoftTeams   bool `json:"enable_feature_microsoft_teams"`
	EnableFeatureTrunks           bool `json:"enable_feature_trunks"`
	EnableFeatureWhatsApp         bool `json:"enable_feature_whats_app"`
	EnableNightMode               bool `json:"enable_night_mode"`
	EnableTwoFactorAuthentication bool `json:"enable_two_factor_authentication"`

	CustomOptions NullString `json:"custom_options"`

	MaxExtensions           int32 `json:"max_extensions"`
	MaxConcurrentCalls      int32 `json:"max_concurrent_calls"`
	MaxRingGroups           int32 `json:"max_ring_groups"`
	MaxVirtualReceptionists int32 `json:"max_virtual_receptionists"`
	MaxCallQueues           int32 `json:"max_call_queues"`
	MaxConferenceRooms      int32 `json:"max_conference_rooms"`

	DiskQuota            string `json:"disk_quota"`
	IMDiskQuota          string `json:"im_disk_quota"`
	ExtensionIMDiskQuota string `json:"extension_im_disk_quota"`
	UsedDiskBytes        int64  `json:"-"`

	RecordingRetention  int32 `json:"recording_retention"`
	CallReportRetention int32 `json:"call_report_retention"`
	LogRetention        int32 `json:"log_retention"`
	TempFileRetention   int32 `json:"temp_file_retention"`

	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids"`
	OfficeHours       OfficeHours        `json:"office_hours"`
	E164              E164               `json:"e164"`
	CDREvent          EventPush          `json:"cdr_event"`
	ExtensionEvent    EventPush          `json:"extension_event"`

	ContactMatchType      string `json:"contact_match_type"`
	ContactMatchLength    int32  `json:"contact_match_length"`
	ContactAppendType     string `json:"contact_append_type"`
	ContactUpdateInterval int32  `json:"contact_update_interval"`

	EmailRecipients    NullString `json:"email_recipients"`
	PasswordForceReset bool       `json:"password_force_reset"`

	Avatar FileRef `json:"-"`
}

// FileRef is the denormalised view of a file attached to a record (a tenant's logo). Its zero
// value means no file.
type FileRef struct {
	FileID int64
	Name   string
	Size   int64
	Key    string // opaque download key under /api/blobs/
}

// URL returns the download path of the file, or "" when there is none.
func (f FileRef) URL() string {
	if f.Key == "" {
		return ""
	}
	return "/api/blobs/" + f.Key
}

// OutboundCallerID is a caller ID the tenant may present on one trunk provider.
type OutboundCallerID struct {
	ProviderID  string     `json:"provider_id"`
	CallerID    string     `json:"caller_id"`
	Description NullString `json:"description"`
}

// E164 holds the rules that turn dialled numbers into E.164 form.
type E164 struct {
	Enabled                  bool       `json:"enabled"`
	InternationalCode        NullString `json:"international_code"`
	Country                  NullString `json:"country"`
	AreaCode                 NullString `json:"area_code"`
	NationalCode             NullString `json:"national_code"`
	Prefix                   NullString `json:"prefix"`
	RemoveSpecialChars       bool       `json:"remove_special_chars"`
	RemoveDuplicateCountries bool       `json:"remove_duplicate_countries"`
	RemoveDuplicateAreaCodes bool       `json:"remove_duplicate_area_codes"`
}

// EventPush configures the HTTP callback the PBX makes for call records or extension events.
type EventPush struct {
	Enabled  bool       `json:"enabled"`
	Auth     string     `json:"auth"`
	Username NullString `json:"username"`
	Password NullString `json:"password"`
	Token    NullString `json:"token"`
	URL      NullString `json:"url"`
}

// Event push authentication schemes.
const (
	AuthDisable = "DISABLE"
	AuthBasic   = "BASIC"
	AuthDigest  = "DIGEST"
	AuthBearer  = "BEARER"
)

// NewTenant returns a tenant holding PortSIP's defaults for every setting that has one.
// Office hours, which PortSIP leaves open, default to Monday to Friday 09:00 to 18:00 so that a
// new tenant is not treated as closed around the clock.
func NewTenant() *Tenant {
	return &Tenant{
		Enabled:                      true,
		EnableFeatureCallStatistics:  true,
		EnableFeatureContactCenter:   true,
		EnableFeatureMessageChannels: true,
		EnableFeatureMicrosoftTeams:  true,
		EnableFeatureTrunks:          true,
		EnableFeatureWhatsApp:        true,

		MaxExtensions:           1000,
		MaxConcurrentCalls:      20,
		MaxRingGroups:           20,
		MaxVirtualReceptionists: 20,
		MaxCallQueues:           20,
		MaxConferenceRooms:      20,

		ExtensionIMDiskQuota: "1GB",

		RecordingRetention:  180,
		CallReportRetention: 30,
		LogRetention:        180,
		TempFileRetention:   30,

		OutboundCallerIDs: []OutboundCallerID{},
		OfficeHours:       DefaultOfficeHours(),
		E164: E164{
			RemoveDuplicateCountries: true,
			RemoveDuplicateAreaCodes: true,
		},
		CDREvent:       EventPush{Auth: AuthDisable},
		ExtensionEvent: EventPush{Auth: AuthDisable},

		ContactMatchType:      "MATCH_EXACTLY",
		ContactAppendType:     "APPEND",
		ContactUpdateInterval: 720,
	}
}

// Summary returns the list view of the tenant.
func (t *Tenant) Summary() TenantSummary {
	return TenantSummary{
		ID:                 t.ID,
		Name:               t.Name,
		Domain:             t.Domain,
		MaxExtensions:      t.MaxExtensions,
		MaxConcurrentCalls: t.MaxConcurrentCalls,
		Enabled:            t.Enabled,
		Website:            t.Website,
		Timezone:           t.Timezone,
		Currency:           t.Currency,
		Region:             t.Region,
		Avatar:             t.Avatar,
		CreatedAt:          t.CreatedAt,
	}
}

// TenantSummary is the list item of GET /api/tenants: exactly PortSIP's fourteen fields.
type TenantSummary struct {
	ID                 int64
	Name               string
	Domain             string
	MaxExtensions      int32
	MaxConcurrentCalls int32
	Enabled            bool
	Website            NullString
	Timezone           string
	Currency           string
	Region             string
	Avatar             FileRef
	CreatedAt          time.Time
}

// MarshalJSON writes the summary in PortSIP's wire form.
func (s TenantSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID                 string     `json:"id"`
		Name               string     `json:"name"`
		Domain             string     `json:"domain"`
		MaxExtensions      int32      `json:"max_extensions"`
		MaxConcurrentCalls int32      `json:"max_concurrent_calls"`
		Enabled            bool       `json:"enabled"`
		Website            NullString `json:"website"`
		Timezone           string     `json:"timezone"`
		Currency           string     `json:"currency"`
		Region             string     `json:"region"`
		AvatarFileName     NullString `json:"avatar_file_name"`
		AvatarFileSize     int64      `json:"avatar_file_size"`
		AvatarFileURL      NullString `json:"avatar_file_url"`
		CreatedAt          string     `json:"created_at"`
	}{
		FormatID(s.ID), s.Name, s.Domain, s.MaxExtensions, s.MaxConcurrentCalls, s.Enabled,
		s.Website, s.Timezone, s.Currency, s.Region,
		NullString(s.Avatar.Name), s.Avatar.Size, NullString(s.Avatar.URL()),
		FormatTime(s.CreatedAt),
	})
}

// MarshalJSON writes the detailed tenant in PortSIP's wire form, read-only fields included.
func (t *Tenant) MarshalJSON() ([]byte, error) {
	settings, err := t.MarshalSettings()
	if err != nil {
		return nil, err
	}
	return AppendTenantJSON(nil, settings, t.ID, t.UsedDiskBytes, t.CreatedAt, t.Avatar), nil
}

// AppendTenantJSON appends to dst the detailed wire form of a tenant from its settings as
// MarshalSettings encoded them and its read-only values. Reads use it to answer straight from
// stored settings, without decoding and encoding them again.
func AppendTenantJSON(dst, settings []byte, id, usedBytes int64, created time.Time,
	avatar FileRef) []byte {
	dst = append(dst, `{"id":"`...)
	dst = strconv.AppendInt(dst, id, 10)
	dst = append(dst, `",`...)
	dst = append(dst, bytes.TrimSuffix(bytes.TrimPrefix(settings, []byte("{")), []byte("}"))...)
	dst = append(dst, `,"used_disk_quota":"`...)
	dst = append(dst, FormatUsage(usedBytes)...)
	dst = append(dst, `","created_at":"`...)
	dst = append(dst, FormatTime(created)...)
	dst = append(dst, `","avatar_file_name":`...)
	dst = appendNullString(dst, avatar.Name)
	dst = append(dst, `,"avatar_file_size":`...)
	dst = strconv.AppendInt(dst, avatar.Size, 10)
	dst = append(dst, `,"avatar_file_url":`...)
	dst = appendNullString(dst, avatar.URL())
	return append(dst, '}')
}

// appendNullString appends s as a JSON string, or null when it is empty.
func appendNullString(dst []byte, s string) []byte {
	b, _ := NullString(s).MarshalJSON() // encoding a string cannot fail
	return append(dst, b...)
}

// AuditState implements AuditStater: a copy of the tenant with the event push passwords and
// tokens masked. The copy shares slices with t; neither is changed through it.
func (t *Tenant) AuditState() any {
	c := *t
	c.CDREvent, c.ExtensionEvent = c.CDREvent.masked(), c.ExtensionEvent.masked()
	return &c
}

// MarshalSettings encodes only the settings of t (no id, times or usage), the form the
// store keeps.
func (t *Tenant) MarshalSettings() ([]byte, error) {
	type settings Tenant
	return json.Marshal((*settings)(t))
}

// UnmarshalSettings restores settings written by MarshalSettings into t.
func (t *Tenant) UnmarshalSettings(b []byte) error {
	type settings Tenant
	return json.Unmarshal(b, (*settings)(t))
}

// TenantService manages tenants. Every method acts for actor and sees only the tenants the
// actor may see: any other id is ENotFound, exactly like a missing one.
type TenantService interface {
	// CreateTenant stores t, setting its ID, CreatedAt and Version. A taken domain is EConflict.
	CreateTenant(ctx context.Context, actor Actor, t *Tenant) error

	// Tenant returns the tenant with the given id.
	Tenant(ctx context.Context, actor Actor, id int64) (*Tenant, error)

	// TenantJSON returns the detailed wire form of the tenant with the given id and its
	// version, straight from storage: the fast path of reads.
	TenantJSON(ctx context.Context, actor Actor, id int64) ([]byte, int64, error)

	// ListTenants returns one page of summaries and the number of matches before paging.
	ListTenants(ctx context.Context, actor Actor, q ListQuery) ([]TenantSummary, int64, error)

	// UpdateTenant loads the tenant, lets change modify it and stores the result, all in one
	// transaction, so concurrent updates never lose each other's changes. change sees the
	// stored Version, so it can apply a Precondition. An error from change aborts the update
	// and is returned as is.
	UpdateTenant(ctx context.Context, actor Actor, id int64, change func(*Tenant) error) (
		*Tenant, error)

	// DeleteTenant removes the tenant and everything it owns, provided the tenant's version
	// meets pre (checked in the deleting transaction); otherwise it changes nothing and
	// returns the EPreconditionFailed error of pre.Check.
	DeleteTenant(ctx context.Context, actor Actor, id int64, pre Precondition) error
}

// FormatID writes an id the way clients see it: a decimal string.
func FormatID(id int64) string {
	return strconv.FormatInt(id, 10)
}

// ParseID reads an id written by FormatID. Anything else is ENotFound, since an id that does
// not parse cannot name an existing resource.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || FormatID(id) != s {
		return 0, Errorf(ENotFound, "not found")
	}
	return id, nil
}

// FormatTime writes a timestamp as RFC 3339 in UTC, to the second.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// NullString is an optional free-text value: "" is written to JSON as null and read from null.
type NullString string

// MarshalJSON writes "" as null.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON reads null as "".
func (s *NullString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}
