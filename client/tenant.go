package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
)

// ListOptions are the options of every list endpoint. Zero values are left out, so the
// server's defaults apply (skip 0, top 100).
type ListOptions struct {
	Filter  string // e.g. "currency eq 'CHF' and max_extensions ge 100"
	Search  string // text that name or domain contains, ignoring case
	OrderBy string // e.g. "name desc, created_at"
	Skip    int64
	Top     int64
}

// Values returns the options as query parameters.
func (o ListOptions) Values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("filter", o.Filter)
	set("search", o.Search)
	set("orderby", o.OrderBy)
	if o.Skip != 0 {
		q.Set("skip", strconv.FormatInt(o.Skip, 10))
	}
	if o.Top != 0 {
		q.Set("top", strconv.FormatInt(o.Top, 10))
	}
	return q
}

// Fields are members of a create or update body, by their JSON names. Values are anything
// encoding/json can write, domain types included:
//
//	client.Fields{"name": "Acme", "office_hours": tenantd.DefaultOfficeHours()}
type Fields map[string]any

// Tenants manages tenants; get it from Client.Tenants.
type Tenants struct{ c *Client }

// Tenants returns the tenant endpoints.
func (c *Client) Tenants() Tenants { return Tenants{c} }

// TenantPage is one page of a tenant list.
type TenantPage struct {
	Count int64                   // matches before paging
	Items []tenantd.TenantSummary // this page
}

// List returns one page of the tenants the caller may see.
func (s Tenants) List(ctx context.Context, opts ListOptions) (*TenantPage, error) {
	var wire struct {
		Count int64         `json:"count"`
		Items []wireSummary `json:"items"`
	}
	if err := s.c.getJSON(ctx, "/api/tenants", opts.Values(), &wire); err != nil {
		return nil, err
	}

	page := &TenantPage{Count: wire.Count, Items: make([]tenantd.TenantSummary, len(wire.Items))}
	for i, w := range wire.Items {
		page.Items[i] = w.summary()
	}
	return page, nil
}

// Get returns the tenant with the given id.
func (s Tenants) Get(ctx context.Context, id string) (*tenantd.Tenant, error) {
	var raw json.RawMessage
	if err := s.c.getJSON(ctx, "/api/tenants/"+escape(id), nil, &raw); err != nil {
		return nil, err
	}
	return DecodeTenant(raw)
}

// Create creates a tenant with every setting of t (start from tenantd.NewTenant) and returns
// its id.
func (s Tenants) Create(ctx context.Context, t *tenantd.Tenant) (string, error) {
	settings, err := t.MarshalSettings()
	if err != nil {
		return "", fmt.Errorf("client: encode tenant: %w", err)
	}
	return s.CreateFields(ctx, json.RawMessage(settings))
}

// CreateFields creates a tenant from a body holding only some members (a Fields or any
// JSON-encodable value); the server fills in the defaults. It returns the new id.
func (s Tenants) CreateFields(ctx context.Context, body any) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := s.c.postJSON(ctx, "/api/tenants", body, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// Update changes the given members of a tenant and returns the whole tenant afterwards.
func (s Tenants) Update(ctx context.Context, id string, fields Fields) (*tenantd.Tenant, error) {
	var raw json.RawMessage
	if err := s.c.postJSON(ctx, "/api/tenants/"+escape(id), fields, &raw); err != nil {
		return nil, err
	}
	return DecodeTenant(raw)
}

// Delete removes a tenant and everything it owns.
func (s Tenants) Delete(ctx context.Context, id string) error {
	return s.c.postEmpty(ctx, "/api/tenants/"+escape(id)+"/destroy")
}

// Switch makes the tenant the current one of this client's session, so that Users and Files
// work inside it: what a system admin or a dealer does before managing a tenant's users.
func (s Tenants) Switch(ctx context.Context, id string) error {
	return s.c.call(ctx, request{method: http.MethodPost, path: "/api/tenants/switch",
		query: url.Values{"id": {id}}}, nil)
}

// readOnly holds the members of a tenant that the server computes.
type readOnly struct {
	ID             string             `json:"id"`
	CreatedAt      time.Time          `json:"created_at"`
	UsedDiskQuota  string             `json:"used_disk_quota"`
	AvatarFileName tenantd.NullString `json:"avatar_file_name"`
	AvatarFileSize int64              `json:"avatar_file_size"`
	AvatarFileURL  tenantd.NullString `json:"avatar_file_url"`
}

func (r readOnly) avatar() tenantd.FileRef {
	return tenantd.FileRef{
		Name: string(r.AvatarFileName),
		Size: r.AvatarFileSize,
		Key:  strings.TrimPrefix(string(r.AvatarFileURL), "/api/blobs/"),
	}
}

// DecodeTenant reads a tenant in the server's JSON form into the domain type, read-only
// members included (used_disk_quota becomes UsedDiskBytes, to the kilobyte).
func DecodeTenant(raw []byte) (*tenantd.Tenant, error) {
	t := new(tenantd.Tenant)
	if err := t.UnmarshalSettings(raw); err != nil {
		return nil, fmt.Errorf("client: decode tenant: %w", err)
	}
	var ro readOnly
	if err := json.Unmarshal(raw, &ro); err != nil {
		return nil, fmt.Errorf("client: decode tenant: %w", err)
	}

	id, err := tenantd.ParseID(ro.ID)
	if err != nil {
		return nil, fmt.Errorf("client: decode tenant: bad id %q", ro.ID)
	}
	t.ID, t.CreatedAt, t.Avatar = id, ro.CreatedAt, ro.avatar()
	if _, n, err := tenantd.ParseQuota(ro.UsedDiskQuota); err == nil {
		t.UsedDiskBytes = n // "0KB" does not parse and leaves 0, which is what it means
	}
	return t, nil
}

// wireSummary is a list item as the server writes it.
type wireSummary struct {
	readOnly
	Name               string             `json:"name"`
	Domain             string             `json:"domain"`
	MaxExtensions      int32              `json:"max_extensions"`
	MaxConcurrentCalls int32              `json:"max_concurrent_calls"`
	Enabled            bool               `json:"enabled"`
	Website            tenantd.NullString `json:"website"`
	Timezone           string             `json:"timezone"`
	Currency           string             `json:"currency"`
	Region             string             `json:"region"`
}

func (w wireSummary) summary() tenantd.TenantSummary {
	id, _ := tenantd.ParseID(w.ID)
	return tenantd.TenantSummary{
		ID: id, Name: w.Name, Domain: w.Domain, MaxExtensions: w.MaxExtensions,
		MaxConcurrentCalls: w.MaxConcurrentCalls, Enabled: w.Enabled, Website: w.Website,
		Timezone: w.Timezone, Currency: w.Currency, Region: w.Region,
		Avatar: w.avatar(), CreatedAt: w.CreatedAt,
	}
}
