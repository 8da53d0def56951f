package sqlstore

import (
	"context"
	"fmt"

	"github.com/tenantd/tenantd"
)

// Ensure DB implements the domain's current-tenant service.
var _ tenantd.CurrentTenantService = (*DB)(nil)

// SwitchTenant implements tenantd.CurrentTenantService.
func (db *DB) SwitchTenant(ctx context.Context, actor tenantd.Actor, tenantID int64) error {
	if err := canManageTenants(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		if err := checkTenantVisible(ctx, tx, actor, tenantID); err != nil {
			return err
		}
		if _, err := loadTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET current_tenant_id = ? WHERE id = ?`,
			tenantID, actor.SessionID)
		if err != nil {
			return fmt.Errorf("sqlstore: switch tenant: %w", err)
		}
		return nil
	})
}

// CurrentTenant implements tenantd.CurrentTenantService.
func (db *DB) CurrentTenant(ctx context.Context, actor tenantd.Actor) (*tenantd.Tenant, error) {
	if err := canUseCurrentTenant(actor); err != nil {
		return nil, err
	}
	id, err := currentTenant(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	return loadTenant(ctx, db.read, id)
}

// UpdateCurrentTenant implements tenantd.CurrentTenantService.
func (db *DB) UpdateCurrentTenant(ctx context.Context, actor tenantd.Actor,
	change func(*tenantd.Tenant) error) (*tenantd.Tenant, error) {
	if err := canUseCurrentTenant(actor); err != nil {
		return nil, err
	}

	var t *tenantd.Tenant
	err := db.inTx(ctx, func(tx *dbTx) error {
		id, err := currentTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
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

// TenantStatus implements tenantd.CurrentTenantService.
func (db *DB) TenantStatus(ctx context.Context, actor tenantd.Actor) (*tenantd.TenantStatus,
	error) {
	if err := canUseCurrentTenant(actor); err != nil {
		return nil, err
	}
	id, err := currentTenant(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}

	st := &tenantd.TenantStatus{Version: tenantd.APIVersion, Calls: []any{}}
	err = db.read.QueryRowContext(ctx, `SELECT t.max_extensions,
		(SELECT count(*) FROM users u WHERE u.tenant_id = t.id)
		FROM tenants t WHERE t.id = ?`, id).Scan(&st.LicensedUsers, &st.CurrentUsers)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tenant status: %w", err)
	}
	return st, nil
}
