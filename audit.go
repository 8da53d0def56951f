package tenantd

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Audit actions, as PortSIP names them.
const (
	ActionCreate = "CREATE"
	ActionUpdate = "UPDATE"
	ActionDelete = "DELETE"
	ActionLogin  = "LOGIN"
	ActionLogout = "LOGOUT"
)

// Audit object types tenantd records, as PortSIP names them.
const (
	ObjectTenant = "TENANT"
	ObjectDealer = "DEALER"
	ObjectUser   = "USER"
	ObjectLogin  = "LOGIN"
)

// AuditSource is the source of every entry tenantd writes: its REST API.
const AuditSource = "API"

// DefaultLogRetention is how many days entries outside any tenant are kept: PortSIP's default
// log_retention.
const DefaultLogRetention = 180

// AuditEntry is one recorded change or sign-in. OldState and NewState are JSON documents with
// secrets masked, or "" when there is no such state (nothing before a create).
type AuditEntry struct {
	ID         int64
	CreatedAt  time.Time
	TenantID   int64
	UserName   string
	Source     string
	IP         string
	Action     string
	ObjectType string
	ObjectName string
	OldState   string
	NewState   string
}

// MarshalJSON writes the entry in PortSIP's wire form.
func (e AuditEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID         string     `json:"id"`
		CreatedAt  string     `json:"created_at"`
		Source     string     `json:"source"`
		IP         string     `json:"ip"`
		Action     string     `json:"action"`
		ObjectType string     `json:"object_type"`
		UserName   string     `json:"user_name"`
		ObjectName string     `json:"object_name"`
		OldState   NullString `json:"old_state"`
		NewState   NullString `json:"new_state"`
	}{
		FormatID(e.ID), FormatTime(e.CreatedAt), e.Source, e.IP, e.Action, e.ObjectType,
		e.UserName, e.ObjectName, NullString(e.OldState), NullString(e.NewState),
	})
}

// AuditService lists the audit trail and purges it.
type AuditService interface {
	// ListAuditLogs returns one page of the entries the actor may see, newest first unless
	// q orders otherwise: everything for the system admin, its tenants' entries and its own
	// for a dealer, its tenant's entries for a tenant admin.
	ListAuditLogs(ctx context.Context, actor Actor, q ListQuery) ([]AuditEntry, int64, error)

	// PurgeAuditLogs deletes the entries older than their tenant's log_retention days at now
	// (DefaultLogRetention for entries outside any tenant) and returns how many it deleted.
	PurgeAuditLogs(ctx context.Context, now time.Time) (int64, error)
}

// secretMembers are the member names whose values the audit trail never shows, wherever they
// appear in a state document.
var secretMembers = []string{
	"password", "extension_password", "voicemail_pin", "token", "access_token",
	"refresh_token", "stir_shaken_key",
}

// AuditStater is implemented by records that know their own secrets: AuditState returns a
// value that encodes to the record with those secrets replaced by Masked.
type AuditStater interface {
	AuditState() any
}

// Masked replaces a secret value in the audit trail.
const Masked = "******"

// MaskedState encodes v as JSON with the value of every secret member, at any depth,
// replaced by Masked. Blank and null secrets stay as they are, so that the trail still shows
// whether one was set.
//
// A value that implements AuditStater is encoded from its AuditState in one pass, which is
// much cheaper than the generic walk over a decoded document.
func MaskedState(v any) (string, error) {
	if s, ok := v.(AuditStater); ok {
		b, err := json.Marshal(s.AuditState())
		return string(b), err
	}

	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", err
	}
	b, err = json.Marshal(mask(doc))
	return string(b), err
}

func mask(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			if slices.Contains(secretMembers, k) && item != nil && item != "" {
				x[k] = Masked
				continue
			}
			x[k] = mask(item)
		}
	case []any:
		for i, item := range x {
			x[i] = mask(item)
		}
	}
	return v
}
