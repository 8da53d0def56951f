package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/filter"
)

// Ensure DB implements the domain's tenant service.
var _ tenantd.TenantService = (*DB)(nil)

// tenantFields are the summary fields lists may filter and sort on, with their columns.
var tenantFields = filter.Fields{
	"id":                   {Column: "id", Kind: filter.ID},
	"name":                 {Column: "name", Kind: filter.String},
	"domain":               {Column: "domain", Kind: filter.String},
	"max_extensions":       {Column: "max_extensions", Kind: filter.Int},
	"max_concurrent_calls": {Column: "max_concurrent_calls", Kind: filter.Int},
	"enabled":              {Column: "enabled", Kind: filter.Bool},
	"website":              {Column: "website", Kind: filter.String, Nullable: true},
	"timezone":             {Column: "timezone", Kind: filter.String},
	"currency":             {Column: "currency", Kind: filter.String},
	"region":               {Column: "region", Kind: filter.String},
	"avatar_file_name":     {Column: "avatar_file_name", Kind: filter.String, Nullable: true},
	"avatar_file_size":     {Column: "avatar_file_size", Kind: filter.Int},
	// The URL is not stored; it is the download path around the key, as Summary writes it.
	"avatar_file_url": {Column: "('/api/blobs/' || avatar_key)", Kind: filter.String,
		Nullable: true},
	"created_at": {Column: "created_at", Kind: filter.Time},
}

const tenantSummaryColumns = `id, name, domain, max_extensions, max_concurrent_calls, enabled,
	website, timezone, currency, region, avatar_file_id, avatar_file_name, avatar_file_size,
	avatar_key, created_at`

const tenantColumns = tenantSummaryColumns + `, used_disk_bytes, settings, version`

// tenantDetail is what tenantColumns are selected from: the tenant and its settings document.
const tenantDetail = ` FROM tenants JOIN tenant_settings ON tenant_id = id`

// CreateTenant implements tenantd.TenantService. A tenant a dealer creates is designated to
// it, within its limits.
func (db *DB) CreateTenant(ctx context.Context, actor tenantd.Actor, t *tenantd.Tenant) error {
	if err := canManageTenants(actor); err != nil {
		return err
	}

	settings, err := t.MarshalSettings()
	if err != nil {
		return fmt.Errorf("sqlstore: encode tenant: %w", err)
	}
	now := db.Now().UTC().Truncate(time.Second)
	id := db.ids.Next()

	err = db.inTx(ctx, func(tx *dbTx) error {
		tx.leavesTokens() // a new tenant has no sessions yet
		var limits dealerLimits
		if actor.Role == tenantd.RoleDealer {
			var err error
			if limits, err = lockDealers(ctx, tx, []int64{actor.UserID}); err != nil {
				return err
			}
		}

		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, name, domain, search_text,
			enabled, max_extensions, max_concurrent_calls, website, timezone, currency, region,
			log_retention, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			id, t.Name, t.Domain, searchText(t), boolInt(t.Enabled), t.MaxExtensions,
			t.MaxConcurrentCalls, nullable(string(t.Website)), t.Timezone, t.Currency, t.Region,
			t.LogRetention, now.Unix(), now.Unix())
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tenant_settings (tenant_id, settings)
			VALUES (?, ?)`, id, string(settings))
		if err != nil {
			return err
		}
		t.ID, t.CreatedAt, t.Version = id, now, 1

		if actor.Role == tenantd.RoleDealer {
			if err := designate(ctx, tx, id, actor.UserID, now); err != nil {
				return err
			}
			if err := limits.check(ctx, tx); err != nil {
				return err
			}
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: id, action: tenantd.ActionCreate,
			objectType: tenantd.ObjectTenant, objectName: t.Name, new: t})
	})
	if err != nil {
		t.ID, t.CreatedAt, t.Version = 0, time.Time{}, 0
	}
	if isUniqueViolation(err) {
		return domainTaken()
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create tenant: %w", err)
	}
	return nil
}

// Tenant implements tenantd.TenantService.
func (db *DB) Tenant(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.Tenant, error) {
	if err := canManageTenants(actor); err != nil {
		return nil, err
	}
	if err := checkTenantVisible(ctx, db.read, actor, id); err != nil {
		return nil, err
	}
	return loadTenant(ctx, db.read, id)
}

// ListTenants implements tenantd.TenantService.
func (db *DB) ListTenants(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]tenantd.TenantSummary, int64, error) {
	if err := canManageTenants(actor); err != nil {
		return nil, 0, err
	}

	conds, args := db.tenantSearch(q.Search)
	if scope, scopeArgs := tenantScope(actor, "id"); scope != "" {
		conds, args = append(conds, scope), append(args, scopeArgs...)
	}
	sel, err := db.buildSelect(q, tenantFields, conds, args)
	if err != nil {
		return nil, 0, err
	}

	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM tenants`+sel.where,
		sel.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: count tenants: %w", err)
	}

	rows, err := db.read.QueryContext(ctx, `SELECT `+tenantSummaryColumns+` FROM tenants`+
		sel.where+sel.page, sel.pageArgs()...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list tenants: %w", err)
	}
	defer rows.Close()

	items := []tenantd.TenantSummary{}
	for rows.Next() {
		var s tenantd.TenantSummary
		if err := rows.Scan(summaryDest(&s)...); err != nil {
			return nil, 0, fmt.Errorf("sqlstore: scan tenant: %w", err)
		}
		items = append(items, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list tenants: %w", err)
	}
	return items, total, nil
}

// UpdateTenant implements tenantd.TenantService.
func (db *DB) UpdateTenant(ctx context.Context, actor tenantd.Actor, id int64,
	change func(*tenantd.Tenant) error) (*tenantd.Tenant, error) {
	if err := canManageTenants(actor); err != nil {
		return nil, err
	}

	var t *tenantd.Tenant
	err := db.inTx(ctx, func(tx *dbTx) error {
		// updateTenant locks the tenant's dealers, then the tenant, before it reads: the same
		// order as every other write, so that two of them cannot deadlock on PostgreSQL.
		var err error
		t, err = db.updateTenant(ctx, tx, actor, id, change)
		return err
	})
	if isUniqueViolation(err) {
		return nil, domainTaken()
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// updateTenant loads, changes and saves a tenant the actor may see, holding the limits of
// its dealers and its own user count, and records the change.
func (db *DB) updateTenant(ctx context.Context, tx *dbTx, actor tenantd.Actor, id int64,
	change func(*tenantd.Tenant) error) (*tenantd.Tenant, error) {
	if err := checkTenantVisible(ctx, tx, actor, id); err != nil {
		return nil, err
	}
	dealers, err := tenantDealerIDs(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	limits, err := lockDealers(ctx, tx, dealers)
	if err != nil {
		return nil, err
	}

	if _, err := lockTenant(ctx, tx, id); err != nil {
		return nil, err
	}
	t, err := loadTenant(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	// Encode the old state before change runs: change may reuse the tenant's slices.
	old, err := maskedState(t)
	if err != nil {
		return nil, err
	}
	wasEnabled, avatar, oldMax := t.Enabled, t.Avatar, t.MaxExtensions
	if err := change(t); err != nil {
		return nil, err
	}
	if t.Enabled == wasEnabled {
		tx.leavesTokens() // only disabling a tenant ends its people's sessions
	}
	if wasEnabled && !t.Enabled {
		if err := revokeUserSessions(ctx, tx, "tenant_id = ?", id); err != nil {
			return nil, err
		}
	}
	if err := resolveAvatar(ctx, tx, t, avatar); err != nil {
		return nil, err
	}
	if err := db.saveTenant(ctx, tx, t); err != nil {
		return nil, err
	}
	if err := checkExtensionLimits(ctx, tx, t, oldMax, limits); err != nil {
		return nil, err
	}

	err = db.record(ctx, tx, actor, auditRecord{tenantID: id, action: tenantd.ActionUpdate,
		objectType: tenantd.ObjectTenant, objectName: t.Name, old: maskedJSON(old), new: t})
	return t, err
}

// DeleteTenant implements tenantd.TenantService.
func (db *DB) DeleteTenant(ctx context.Context, actor tenantd.Actor, id int64,
	pre tenantd.Precondition) error {
	if err := canManageTenants(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		if err := checkTenantVisible(ctx, tx, actor, id); err != nil {
			return err
		}
		t, err := loadTenant(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := pre.Check(t.Version); err != nil {
			return err
		}

		// Record first: the entry names the tenant, and deleting it sets the entry's tenant
		// to NULL, so that the trail keeps it under the system's retention.
		err = db.record(ctx, tx, actor, auditRecord{tenantID: id, action: tenantd.ActionDelete,
			objectType: tenantd.ObjectTenant, objectName: t.Name, old: t})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tenants WHERE id = ?`, id); err != nil {
			return fmt.Errorf("sqlstore: delete tenant: %w", err)
		}
		return nil
	})
}

// checkExtensionLimits checks what a change of max_extensions could break, and only that,
// since each check is a count: a lower limit must still hold the tenant's users, a higher one
// must fit in its dealers' limits.
func checkExtensionLimits(ctx context.Context, tx *dbTx, t *tenantd.Tenant, oldMax int32,
	limits dealerLimits) error {
	switch {
	case t.MaxExtensions < oldMax:
		return checkUserCount(ctx, tx, t.ID, int64(t.MaxExtensions), 0)
	case t.MaxExtensions > oldMax:
		return limits.check(ctx, tx)
	}
	return nil
}

// saveTenant writes every column of t and bumps its version.
func (db *DB) saveTenant(ctx context.Context, tx *dbTx, t *tenantd.Tenant) error {
	settings, err := t.MarshalSettings()
	if err != nil {
		return fmt.Errorf("sqlstore: encode tenant: %w", err)
	}

	t.Version++
	_, err = tx.ExecContext(ctx, `UPDATE tenants SET name = ?, domain = ?, search_text = ?,
		enabled = ?, max_extensions = ?, max_concurrent_calls = ?, website = ?, timezone = ?,
		currency = ?, region = ?, log_retention = ?, version = ?, updated_at = ?,
		avatar_file_id = ?, avatar_file_name = ?, avatar_file_size = ?, avatar_key = ?
		WHERE id = ?`,
		t.Name, t.Domain, searchText(t), boolInt(t.Enabled), t.MaxExtensions,
		t.MaxConcurrentCalls, nullable(string(t.Website)), t.Timezone, t.Currency, t.Region,
		t.LogRetention, t.Version, db.Now().Unix(),
		sql.NullInt64{Int64: t.Avatar.FileID, Valid: t.Avatar.FileID != 0},
		nullable(t.Avatar.Name), t.Avatar.Size, nullable(t.Avatar.Key), t.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: update tenant: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE tenant_settings SET settings = ? WHERE tenant_id = ?`,
		string(settings), t.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: update tenant settings: %w", err)
	}
	return nil
}

func loadTenant(ctx context.Context, q queryer, id int64) (*tenantd.Tenant, error) {
	t := new(tenantd.Tenant)
	var s tenantd.TenantSummary
	var settings string

	dest := append(summaryDest(&s), &t.UsedDiskBytes, &settings, &t.Version)
	err := q.QueryRowContext(ctx, `SELECT `+tenantColumns+tenantDetail+` WHERE id = ?`, id).
		Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("tenant")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load tenant: %w", err)
	}

	if err := t.UnmarshalSettings([]byte(settings)); err != nil {
		return nil, fmt.Errorf("sqlstore: decode tenant %d: %w", id, err)
	}
	t.ID, t.CreatedAt, t.Avatar = s.ID, s.CreatedAt, s.Avatar
	return t, nil
}

// summaryDest returns scan targets for tenantSummaryColumns.
func summaryDest(s *tenantd.TenantSummary) []any {
	return []any{&s.ID, &s.Name, &s.Domain, &s.MaxExtensions, &s.MaxConcurrentCalls,
		(*boolCol)(&s.Enabled), (*nullText)(&s.Website), &s.Timezone, &s.Currency, &s.Region,
		(*nullInt)(&s.Avatar.FileID), (*nullText)((*tenantd.NullString)(&s.Avatar.Name)),
		&s.Avatar.Size, (*nullText)((*tenantd.NullString)(&s.Avatar.Key)),
		(*unixTime)(&s.CreatedAt)}
}

// searchText is what search matches: the name and domain, lower-cased, on separate lines so
// that no match spans both.
func searchText(t *tenantd.Tenant) string {
	return strings.ToLower(t.Name) + "\n" + t.Domain
}

// tenantSearch returns the condition and argument that keep the tenants whose name or domain
// holds the search text, ignoring case, or nothing for an empty search. On SQLite a fragment of
// three characters or more is looked up in the trigram index, as a phrase: FTS5 takes a quoted
// phrase literally, and consecutive trigrams match exactly where the text holds the fragment.
// Shorter fragments, and PostgreSQL, scan.
func (db *DB) tenantSearch(search string) ([]string, []any) {
	if search == "" {
		return nil, nil
	}
	folded := strings.ToLower(search)
	if db.r.d == sqliteDialect && utf8.RuneCountInString(folded) >= 3 {
		phrase := `"` + strings.ReplaceAll(folded, `"`, `""`) + `"`
		return []string{`id IN (SELECT rowid FROM tenant_search WHERE tenant_search MATCH ?)`},
			[]any{phrase}
	}
	return []string{db.r.d.contains("search_text")}, []any{folded}
}

func domainTaken() error {
	return &tenantd.Error{
		Code:    tenantd.EConflict,
		Message: "the domain is already used by another tenant",
		Fields:  []tenantd.FieldError{{Field: "domain", Reason: "is already taken"}},
	}
}
