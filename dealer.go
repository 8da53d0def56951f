package tenantd

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Dealer levels, from the first (DISTRIBUTOR) to the third (RESELLER).
const (
	LevelDistributor    = "DISTRIBUTOR"
	LevelSubDistributor = "SUB_DISTRIBUTOR"
	LevelReseller       = "RESELLER"
)

var dealerLevels = []string{LevelDistributor, LevelSubDistributor, LevelReseller}

// Dealer is a reseller: an account that signs in with its name and password (no domain) and
// manages the tenants designated to it, within its limits.
type Dealer struct {
	ID        int64
	CreatedAt time.Time
	Version   int64

	Name             string
	Level            string
	Email            NullString
	DisplayName      NullString
	Website          NullString
	Phone            NullString
	Address          NullString
	Description      NullString
	MaxTenants       int32
	MaxExtensions    int32
	TenantFullAccess bool
	Enabled          bool

	// Password is a new password to set, in clear; "" leaves the password as it is. The store
	// keeps only its hash and never fills this field.
	Password string
}

// NewDealer returns a dealer holding PortSIP's defaults.
func NewDealer() *Dealer {
	return &Dealer{MaxTenants: 100, MaxExtensions: 50000, TenantFullAccess: true, Enabled: true}
}

// MarshalJSON writes the dealer in PortSIP's wire form; the password is never written.
func (d *Dealer) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID               string     `json:"id"`
		Enabled          bool       `json:"enabled"`
		Level            string     `json:"level"`
		Name             string     `json:"name"`
		Email            NullString `json:"email"`
		DisplayName      NullString `json:"display_name"`
		Website          NullString `json:"website"`
		Phone            NullString `json:"phone"`
		Address          NullString `json:"address"`
		Description      NullString `json:"description"`
		MaxTenants       int32      `json:"max_tenants"`
		MaxExtensions    int32      `json:"max_extensions"`
		TenantFullAccess bool       `json:"tenant_full_access"`
	}{
		FormatID(d.ID), d.Enabled, d.Level, d.Name, d.Email, d.DisplayName, d.Website, d.Phone,
		d.Address, d.Description, d.MaxTenants, d.MaxExtensions, d.TenantFullAccess,
	})
}

// DealerRef is the short form of a dealer that GET tenants/{id}/dealers lists.
type DealerRef struct {
	ID          int64
	Enabled     bool
	Level       string
	Name        string
	DisplayName NullString
}

// MarshalJSON writes the reference in PortSIP's wire form.
func (d DealerRef) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID          string     `json:"id"`
		Enabled     bool       `json:"enabled"`
		Level       string     `json:"level"`
		Name        string     `json:"name"`
		DisplayName NullString `json:"display_name"`
	}{FormatID(d.ID), d.Enabled, d.Level, d.Name, d.DisplayName})
}

// dealerRequired lists the members a create must carry.
var dealerRequired = []string{"name", "level", "password", "max_tenants", "max_extensions"}

// dealerCreateOnly lists the members an update may not carry: a dealer keeps its name.
var dealerCreateOnly = []string{"name"}

// ApplyDealerInput applies a create or update body to d (NewDealer for a create). Members
// absent from in leave d as it was. The error is a VALIDATE_FAILED *Error naming every bad
// member; d may then be half-changed and must be discarded.
func ApplyDealerInput(d *Dealer, in Input, create bool) error {
	var p Problems
	for _, name := range sortedKeys(in) {
		raw := in[name]
		if name == "id" || name == "created_at" {
			continue
		}
		if !create && slices.Contains(dealerCreateOnly, name) {
			p.Add(name, "cannot be changed")
			continue
		}
		applyDealerMember(d, name, raw, &p)
	}

	if create {
		for _, name := range dealerRequired {
			if _, ok := in[name]; !ok {
				p.Add(name, "is required")
			}
		}
	}
	return p.Err()
}

func applyDealerMember(d *Dealer, name string, raw json.RawMessage, p *Problems) {
	switch name {
	case "name":
		readName(&d.Name, raw, name, p)
	case "password":
		if s, ok := readPassword(raw, name, p); ok {
			d.Password = s
		}
	case "level":
		readEnum(&d.Level, raw, name, p, dealerLevels...)
	case "email":
		setText(&d.Email, raw, name, p, checkEmail)
	case "display_name":
		setText(&d.DisplayName, raw, name, p, textRule(1024))
	case "website":
		setText(&d.Website, raw, name, p, checkWebsite)
	case "phone":
		setText(&d.Phone, raw, name, p, textRule(32))
	case "address":
		setText(&d.Address, raw, name, p, textRule(128))
	case "description":
		setText(&d.Description, raw, name, p, textRule(1024))
	case "max_tenants":
		readCount(&d.MaxTenants, raw, name, p)
	case "max_extensions":
		readCount(&d.MaxExtensions, raw, name, p)
	case "tenant_full_access":
		setBool(&d.TenantFullAccess, raw, name, p)
	case "enabled":
		setBool(&d.Enabled, raw, name, p)
	default:
		p.Add(name, reasonUnknown)
	}
}

// DealerService manages dealers and the designation of tenants to them. Only the system admin
// manages dealers; a dealer may read the designations of its own tenants.
type DealerService interface {
	// CreateDealer stores d, setting its ID and CreatedAt. A taken name is EConflict.
	CreateDealer(ctx context.Context, actor Actor, d *Dealer) error

	// Dealer returns the dealer with the given id.
	Dealer(ctx context.Context, actor Actor, id int64) (*Dealer, error)

	// ListDealers returns one page of dealers and the number of matches before paging.
	ListDealers(ctx context.Context, actor Actor, q ListQuery) ([]*Dealer, int64, error)

	// UpdateDealer loads the dealer, lets change modify it and stores the result in one
	// transaction. Limits below what the dealer already uses are EQuotaExceeded.
	UpdateDealer(ctx context.Context, actor Actor, id int64, change func(*Dealer) error) (
		*Dealer, error)

	// DeleteDealer removes the dealer; its tenants stay, no longer designated to it.
	DeleteDealer(ctx context.Context, actor Actor, id int64, pre Precondition) error

	// TenantDealers lists the dealers a tenant is designated to.
	TenantDealers(ctx context.Context, actor Actor, tenantID int64) ([]DealerRef, error)

	// DesignateTenant designates the tenant to the dealer, within the dealer's limits.
	DesignateTenant(ctx context.Context, actor Actor, tenantID, dealerID int64) error

	// RemoveDesignation undoes DesignateTenant; ENotFound when there is no such designation.
	RemoveDesignation(ctx context.Context, actor Actor, tenantID, dealerID int64) error
}
