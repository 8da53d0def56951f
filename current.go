package tenantd

import (
	"context"
	"encoding/json"
)

// CurrentTenant is the view of a tenant that GET /api/tenant answers: PortSIP's reduced field
// set, without enabled, email_recipients and created_at, and with the STIR/SHAKEN members,
// which tenantd does not keep yet and writes as null.
type CurrentTenant struct{ *Tenant }

// currentTenantHidden are the members of the full tenant that the reduced view leaves out.
var currentTenantHidden = []string{"enabled", "email_recipients", "created_at"}

// MarshalJSON writes the reduced view.
func (c CurrentTenant) MarshalJSON() ([]byte, error) {
	full, err := c.Tenant.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(full, &m); err != nil {
		return nil, err
	}
	for _, name := range currentTenantHidden {
		delete(m, name)
	}
	m["stir_shaken_cert"] = json.RawMessage("null")
	m["stir_shaken_key"] = json.RawMessage("null")
	return json.Marshal(m)
}

// TenantStatus is the answer of GET /api/tenant/status. Only the user counts are real; the
// counters of calls, queues, rooms, ring groups, IVRs and trunks are 0 because tenantd does
// not run those resources.
type TenantStatus struct {
	Version       string `json:"version"`
	LicensedUsers int32  `json:"licensed_users"`
	CurrentUsers  int32  `json:"current_users"`
	OnlineUsers   int32  `json:"online_users"`
	CurrentCalls  int32  `json:"current_calls"`
	Queues        int32  `json:"current_queues"`
	Rooms         int32  `json:"current_conference_rooms"`
	RingGroups    int32  `json:"current_ring_groups"`
	IVRs          int32  `json:"current_ivrs"`
	Trunks        int32  `json:"current_trunks"`
	Calls         []any  `json:"calls_in_24_hours"`
}

// APIVersion is the PortSIP API level tenantd implements, reported as the status version.
const APIVersion = "22.2"

// CurrentTenantService works on the current tenant of the actor: its own for tenant users,
// the one chosen with SwitchTenant for system admins and dealers. Without a current tenant
// every method but SwitchTenant is ENotFound.
type CurrentTenantService interface {
	// SwitchTenant makes the tenant current for the actor's session. Only system admins and
	// dealers switch; a tenant a dealer cannot see is ENotFound.
	SwitchTenant(ctx context.Context, actor Actor, tenantID int64) error

	// CurrentTenant returns the current tenant.
	CurrentTenant(ctx context.Context, actor Actor) (*Tenant, error)

	// UpdateCurrentTenant changes the current tenant as TenantService.UpdateTenant does.
	UpdateCurrentTenant(ctx context.Context, actor Actor, change func(*Tenant) error) (
		*Tenant, error)

	// TenantStatus counts the current tenant's users against its licence.
	TenantStatus(ctx context.Context, actor Actor) (*TenantStatus, error)
}
