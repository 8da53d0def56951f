package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/filter"
)

// Ensure DB implements the domain's dealer service.
var _ tenantd.DealerService = (*DB)(nil)

// dealerView joins a dealer's account and its limits into one relation, so that list queries
// name columns without table prefixes.
const dealerView = `(SELECT u.id, u.name, u.enabled, u.email, u.display_name, u.created_at,
	u.version, u.search_text, d.level, d.max_tenants, d.max_extensions, d.tenant_full_access,
	d.website, d.phone, d.address, d.description
	FROM users u JOIN dealers d ON d.id = u.id) dv`

const dealerColumns = `id, name, enabled, email, display_name, created_at, version, level,
	max_tenants, max_extensions, tenant_full_access, website, phone, address, description`

// dealerFields are the fields dealer lists may filter and sort on.
var dealerFields = filter.Fields{
	"id":                 {Column: "id", Kind: filter.ID},
	"name":               {Column: "name", Kind: filter.String},
	"enabled":            {Column: "enabled", Kind: filter.Bool},
	"level":              {Column: "level", Kind: filter.String},
	"email":              {Column: "email", Kind: filter.String, Nullable: true},
	"display_name":       {Column: "display_name", Kind: filter.String, Nullable: true},
	"website":            {Column: "website", Kind: filter.String, Nullable: true},
	"phone":              {Column: "phone", Kind: filter.String, Nullable: true},
	"address":            {Column: "address", Kind: filter.String, Nullable: true},
	"description":        {Column: "description", Kind: filter.String, Nullable: true},
	"max_tenants":        {Column: "max_tenants", Kind: filter.Int},
	"max_extensions":     {Column: "max_extensions", Kind: filter.Int},
	"tenant_full_access": {Column: "tenant_full_access", Kind: filter.Bool},
}

// CreateDealer implements tenantd.DealerService.
func (db *DB) CreateDealer(ctx context.Context, actor tenantd.Actor, d *tenantd.Dealer) error {
	if err := canManageDealers(actor); err != nil {
		return err
	}

	// Hash before the transaction: the hash is slow and must not hold the writer.
	hash, err := db.hashPassword(ctx, d.Password)
	if err != nil {
		return err
	}
	d.Password = ""
	now := db.Now().UTC().Truncate(time.Second)
	id := db.ids.Next()

	err = db.inTx(ctx, func(tx *dbTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, tenant_id, name, role,
			password_hash, enabled, email, display_name, search_text, version, created_at,
			updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			id, d.Name, tenantd.RoleDealer, hash, boolInt(d.Enabled), nullable(string(d.Email)),
			nullable(string(d.DisplayName)), dealerSearchText(d), now.Unix(), now.Unix())
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dealers (id, level, max_tenants,
			max_extensions, tenant_full_access, website, phone, address, description)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, d.Level, d.MaxTenants, d.MaxExtensions, boolInt(d.TenantFullAccess),
			nullable(string(d.Website)), nullable(string(d.Phone)),
			nullable(string(d.Address)), nullable(string(d.Description)))
		if err != nil {
			return err
		}

		d.ID, d.CreatedAt, d.Version = id, now, 1
		return db.record(ctx, tx, actor, auditRecord{action: tenantd.ActionCreate,
			objectType: tenantd.ObjectDealer, objectName: d.Name, new: d})
	})
	if isUniqueViolation(err) {
		return nameTaken()
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create dealer: %w", err)
	}
	return nil
}

// Dealer implements tenantd.DealerService.
func (db *DB) Dealer(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.Dealer, error) {
	if err := canManageDealers(actor); err != nil {
		return nil, err
	}
	return loadDealer(ctx, db.read, id)
}

// ListDealers implements tenantd.DealerService.
func (db *DB) ListDealers(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]*tenantd.Dealer, int64, error) {
	if err := canManageDealers(actor); err != nil {
		return nil, 0, err
	}

	var conds []string
	var args []any
	if q.Search != "" {
		conds = []string{db.r.d.contains("search_text")}
		args = []any{strings.ToLower(q.Search)}
	}
	sel, err := db.buildSelect(q, dealerFields, conds, args)
	if err != nil {
		return nil, 0, err
	}

	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+dealerView+sel.where,
		sel.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: count dealers: %w", err)
	}

	rows, err := db.read.QueryContext(ctx, `SELECT `+dealerColumns+` FROM `+dealerView+
		sel.where+sel.page, sel.pageArgs()...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list dealers: %w", err)
	}
	defer rows.Close()

	items := []*tenantd.Dealer{}
	for rows.Next() {
		d := new(tenantd.Dealer)
		if err := rows.Scan(dealerDest(d)...); err != nil {
			return nil, 0, fmt.Errorf("sqlstore: scan dealer: %w", err)
		}
		items = append(items, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list dealers: %w", err)
	}
	return items, total, nil
}

// UpdateDealer implements tenantd.DealerService. A new password is hashed inside the
// transaction: password changes are rare, and hashing once keeps the update atomic.
func (db *DB) UpdateDealer(ctx context.Context, actor tenantd.Actor, id int64,
	change func(*tenantd.Dealer) error) (*tenantd.Dealer, error) {
	if err := canManageDealers(actor); err != nil {
		return nil, err
	}

	probe := tenantd.NewDealer()
	_ = change(probe) // only its password matters; the real change is checked below
	pre, err := db.prehash(ctx, probe.Password)
	if err != nil {
		return nil, err
	}

	var d *tenantd.Dealer
	err = db.inTx(ctx, func(tx *dbTx) error {
		if _, _, err := lockDealer(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if d, err = loadDealer(ctx, tx, id); err != nil {
			return err
		}
		old := *d
		if err := change(d); err != nil {
			return err
		}
		if err := db.saveDealer(ctx, tx, d, pre); err != nil {
			return err
		}
		err = checkDealerUsage(ctx, tx, id, int64(d.MaxTenants), int64(d.MaxExtensions))
		if err != nil {
			return err
		}
		return db.record(ctx, tx, actor, auditRecord{action: tenantd.ActionUpdate,
			objectType: tenantd.ObjectDealer, objectName: d.Name, old: &old, new: d})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// saveDealer writes every column of d, and its password when d carries a new one. A new
// password or a disabled dealer ends the dealer's sessions.
func (db *DB) saveDealer(ctx context.Context, tx *dbTx, d *tenantd.Dealer,
	pre prehashed) error {
	if d.Password != "" || !d.Enabled {
		if err := revokeUserSessions(ctx, tx, "id = ?", d.ID); err != nil {
			return err
		}
	}
	if d.Password != "" {
		hash, err := pre.hashFor(ctx, db, d.Password)
		if err != nil {
			return err
		}
		d.Password = ""
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`,
			hash, d.ID); err != nil {
			return fmt.Errorf("sqlstore: update dealer password: %w", err)
		}
	}

	d.Version++
	_, err := tx.ExecContext(ctx, `UPDATE users SET enabled = ?, email = ?, display_name = ?,
		search_text = ?, version = ?, updated_at = ? WHERE id = ?`,
		boolInt(d.Enabled), nullable(string(d.Email)), nullable(string(d.DisplayName)),
		dealerSearchText(d), d.Version, db.Now().Unix(), d.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: update dealer: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE dealers SET level = ?, max_tenants = ?,
		max_extensions = ?, tenant_full_access = ?, website = ?, phone = ?, address = ?,
		description = ? WHERE id = ?`,
		d.Level, d.MaxTenants, d.MaxExtensions, boolInt(d.TenantFullAccess),
		nullable(string(d.Website)), nullable(string(d.Phone)), nullable(string(d.Address)),
		nullable(string(d.Description)), d.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: update dealer: %w", err)
	}
	return nil
}

// DeleteDealer implements tenantd.DealerService. Its sessions and designations go with it.
func (db *DB) DeleteDealer(ctx context.Context, actor tenantd.Actor, id int64,
	pre tenantd.Precondition) error {
	if err := canManageDealers(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		d, err := loadDealer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := pre.Check(d.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
			return fmt.Errorf("sqlstore: delete dealer: %w", err)
		}
		return db.record(ctx, tx, actor, auditRecord{action: tenantd.ActionDelete,
			objectType: tenantd.ObjectDealer, objectName: d.Name, old: d})
	})
}

// TenantDealers implements tenantd.DealerService.
func (db *DB) TenantDealers(ctx context.Context, actor tenantd.Actor, tenantID int64) (
	[]tenantd.DealerRef, error) {
	if err := canManageTenants(actor); err != nil {
		return nil, err
	}
	if err := checkTenantVisible(ctx, db.read, actor, tenantID); err != nil {
		return nil, err
	}
	if _, err := loadTenant(ctx, db.read, tenantID); err != nil {
		return nil, err
	}

	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.enabled, d.level, u.name,
		u.display_name FROM tenant_dealers td JOIN dealers d ON d.id = td.dealer_id
		JOIN users u ON u.id = d.id WHERE td.tenant_id = ? ORDER BY u.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tenant dealers: %w", err)
	}
	defer rows.Close()

	refs := []tenantd.DealerRef{}
	for rows.Next() {
		var r tenantd.DealerRef
		if err := rows.Scan(&r.ID, (*boolCol)(&r.Enabled), &r.Level, &r.Name,
			(*nullText)(&r.DisplayName)); err != nil {
			return nil, fmt.Errorf("sqlstore: scan tenant dealer: %w", err)
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

// DesignateTenant implements tenantd.DealerService. Designating again is not an error.
func (db *DB) DesignateTenant(ctx context.Context, actor tenantd.Actor, tenantID,
	dealerID int64) error {
	if err := canManageDealers(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		t, d, err := designationParties(ctx, tx, tenantID, dealerID)
		if err != nil {
			return err
		}
		limits, err := lockDealers(ctx, tx, []int64{dealerID})
		if err != nil {
			return err
		}
		if n, err := designations(ctx, tx, tenantID, dealerID); err != nil || n > 0 {
			return err
		}

		if err := designate(ctx, tx, tenantID, dealerID, db.Now()); err != nil {
			return err
		}
		if err := limits.check(ctx, tx); err != nil {
			return err
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: tenantID,
			action: tenantd.ActionUpdate, objectType: tenantd.ObjectTenant, objectName: t.Name,
			new: map[string]string{"designated_to_dealer": d.Name}})
	})
}

// RemoveDesignation implements tenantd.DealerService.
func (db *DB) RemoveDesignation(ctx context.Context, actor tenantd.Actor, tenantID,
	dealerID int64) error {
	if err := canManageDealers(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		t, d, err := designationParties(ctx, tx, tenantID, dealerID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM tenant_dealers WHERE tenant_id = ?
			AND dealer_id = ?`, tenantID, dealerID)
		if err != nil {
			return fmt.Errorf("sqlstore: remove designation: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(notFound("designation"), err)
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: tenantID,
			action: tenantd.ActionUpdate, objectType: tenantd.ObjectTenant, objectName: t.Name,
			old: map[string]string{"designated_to_dealer": d.Name}})
	})
}

// designationParties loads both sides of a designation; either missing is ENotFound.
func designationParties(ctx context.Context, tx *dbTx, tenantID, dealerID int64) (
	*tenantd.Tenant, *tenantd.Dealer, error) {
	t, err := loadTenant(ctx, tx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	d, err := loadDealer(ctx, tx, dealerID)
	if err != nil {
		return nil, nil, err
	}
	return t, d, nil
}

func designations(ctx context.Context, tx *dbTx, tenantID, dealerID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tenant_dealers WHERE tenant_id = ?
		AND dealer_id = ?`, tenantID, dealerID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: find designation: %w", err)
	}
	return n, nil
}

func designate(ctx context.Context, tx *dbTx, tenantID, dealerID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tenant_dealers (tenant_id, dealer_id, created_at)
		VALUES (?, ?, ?)`, tenantID, dealerID, now.Unix())
	if err != nil {
		return fmt.Errorf("sqlstore: designate tenant: %w", err)
	}
	return nil
}

func loadDealer(ctx context.Context, q queryer, id int64) (*tenantd.Dealer, error) {
	d := new(tenantd.Dealer)
	err := q.QueryRowContext(ctx, `SELECT `+dealerColumns+` FROM `+dealerView+` WHERE id = ?`,
		id).Scan(dealerDest(d)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("dealer")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load dealer: %w", err)
	}
	return d, nil
}

// dealerDest returns scan targets for dealerColumns.
func dealerDest(d *tenantd.Dealer) []any {
	return []any{&d.ID, &d.Name, (*boolCol)(&d.Enabled), (*nullText)(&d.Email),
		(*nullText)(&d.DisplayName), (*unixTime)(&d.CreatedAt), &d.Version, &d.Level,
		&d.MaxTenants, &d.MaxExtensions, (*boolCol)(&d.TenantFullAccess),
		(*nullText)(&d.Website), (*nullText)(&d.Phone), (*nullText)(&d.Address),
		(*nullText)(&d.Description)}
}

func dealerSearchText(d *tenantd.Dealer) string {
	return strings.ToLower(d.Name + "\n" + string(d.DisplayName) + "\n" + string(d.Email))
}

func nameTaken() error {
	return &tenantd.Error{
		Code:    tenantd.EConflict,
		Message: "the name is already used by another account",
		Fields:  []tenantd.FieldError{{Field: "name", Reason: "is already taken"}},
	}
}
