package tenantd

import (
	"context"
	"encoding/json"
	"time"
)

// User is a person in a tenant: an account that signs in with its name, password and the
// tenant's domain, and an extension of the PBX.
type User struct {
	ID        int64     `json:"-"`
	TenantID  int64     `json:"-"`
	CreatedAt time.Time `json:"-"`
	Version   int64     `json:"-"`

	Name            string     `json:"-"`
	Role            Role       `json:"-"`
	Enabled         bool       `json:"-"`
	Email           NullString `json:"-"`
	DisplayName     NullString `json:"-"`
	MobilePhone     NullString `json:"-"`
	WorkPhone       NullString `json:"-"`
	HomePhone       NullString `json:"-"`
	Address         NullString `json:"-"`
	Department      NullString `json:"-"`
	ExtensionNumber string     `json:"-"`

	// Password is a new password to set, in clear; "" leaves it as it is. The store keeps
	// only its hash and never fills this field.
	Password string `json:"-"`

	UserSettings
}

// UserSettings are PortSIP's scalar user settings that tenantd stores as given.
// ExtensionPassword is kept recoverable because SIP digest authentication needs it; it is
// never written to API answers.
type UserSettings struct {
	ExtensionPassword      string     `json:"extension_password"`
	EnableAudioRecording   bool       `json:"enable_audio_recording"`
	EnableVideoRecording   bool       `json:"enable_video_recording"`
	EnableDND              bool       `json:"enable_dnd"`
	EnableACB              bool       `json:"enable_acb"`
	EnableHotDesking       bool       `json:"enable_hot_desking"`
	AnonymousOutboundCalls bool       `json:"anonymous_outbound_calls"`
	DeliveryOutboundCID    bool       `json:"delivery_outbound_cid"`
	SMS                    string     `json:"sms"`
	CustomOptions          NullString `json:"custom_options"`
	VoicemailPrompt        NullString `json:"voicemail_prompt"`
	EnableVoicemailPin     bool       `json:"enable_voicemail_pin"`
	VoicemailPin           string     `json:"voicemail_pin"`
	EnableVoicemailNotify  bool       `json:"enable_voicemail_notify"`
	VoicemailPlayDatetime  NullString `json:"voicemail_play_datetime"`
	Interface              NullString `json:"interface"`
	PreferredTransport     NullString `json:"preferred_transport"`
}

// NewUser returns a user holding PortSIP's defaults.
func NewUser() *User {
	return &User{
		Enabled: true,
		UserSettings: UserSettings{
			DeliveryOutboundCID: true,
			SMS:                 "DISABLE",
			EnableVoicemailPin:  true,
		},
	}
}

// Summary returns the list view of the user.
func (u *User) Summary() UserSummary {
	return UserSummary{u}
}

// UserSummary is the list item of GET /api/users.
type UserSummary struct{ u *User }

// summaryFields returns the members shared by the list item and the detailed user.
func (u *User) summaryFields() map[string]any {
	return map[string]any{
		"id":               FormatID(u.ID),
		"name":             u.Name,
		"enabled":          u.Enabled,
		"email":            u.Email,
		"display_name":     u.DisplayName,
		"role":             u.Role,
		"mobile_phone":     u.MobilePhone,
		"work_phone":       u.WorkPhone,
		"home_phone":       u.HomePhone,
		"address":          u.Address,
		"department":       u.Department,
		"extension_number": u.ExtensionNumber,
		"created_at":       FormatTime(u.CreatedAt),
		"avatar_file_name": nil,
		"avatar_file_size": 0,
		"avatar_file_url":  nil,
		"sync_type":        nil,
	}
}

// MarshalJSON writes the list item in PortSIP's wire form.
func (s UserSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.u.summaryFields())
}

// MarshalJSON writes the detailed user in PortSIP's wire form. Passwords are never written.
// Call-feature objects tenantd does not manage are written empty.
func (u *User) MarshalJSON() ([]byte, error) {
	m := u.summaryFields()
	s := u.UserSettings
	for k, v := range map[string]any{
		"enable_audio_recording":   s.EnableAudioRecording,
		"enable_video_recording":   s.EnableVideoRecording,
		"enable_dnd":               s.EnableDND,
		"enable_acb":               s.EnableACB,
		"enable_hot_desking":       s.EnableHotDesking,
		"anonymous_outbound_calls": s.AnonymousOutboundCalls,
		"delivery_outbound_cid":    s.DeliveryOutboundCID,
		"sms":                      s.SMS,
		"custom_options":           s.CustomOptions,
		"voicemail_prompt":         s.VoicemailPrompt,
		"enable_voicemail_pin":     s.EnableVoicemailPin,
		"voicemail_pin":            s.VoicemailPin,
		"enable_voicemail_notify":  s.EnableVoicemailNotify,
		"voicemail_play_datetime":  s.VoicemailPlayDatetime,
		"interface":                s.Interface,
		"preferred_transport":      s.PreferredTransport,
		"profile":                  nil,
	} {
		m[k] = v
	}
	for _, name := range unmanagedUserObjects {
		m[name] = struct{}{}
	}
	for _, name := range unmanagedUserArrays {
		m[name] = []struct{}{}
	}
	return json.Marshal(m)
}

// MarshalSettings encodes the settings the store keeps in one document.
func (u *User) MarshalSettings() ([]byte, error) {
	return json.Marshal(u.UserSettings)
}

// UnmarshalSettings restores settings written by MarshalSettings.
func (u *User) UnmarshalSettings(b []byte) error {
	return json.Unmarshal(b, &u.UserSettings)
}

// UserService manages the users of the actor's current tenant. Every method acts inside that
// tenant only: a user of another tenant is ENotFound, exactly like a missing one.
type UserService interface {
	// CreateUser stores u in the current tenant, setting its ID, TenantID and CreatedAt. A
	// taken name or extension number is EConflict; a full tenant is EQuotaExceeded.
	CreateUser(ctx context.Context, actor Actor, u *User) error

	// User returns the user with the given id.
	User(ctx context.Context, actor Actor, id int64) (*User, error)

	// ListUsers returns one page of users and the number of matches before paging.
	ListUsers(ctx context.Context, actor Actor, q ListQuery) ([]UserSummary, int64, error)

	// UpdateUser loads the user, lets change modify it and stores the result in one
	// transaction.
	UpdateUser(ctx context.Context, actor Actor, id int64, change func(*User) error) (
		*User, error)

	// DeleteUser removes the user and ends its sessions.
	DeleteUser(ctx context.Context, actor Actor, id int64, pre Precondition) error
}
