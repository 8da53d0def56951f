package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tenantd/tenantd"
)

// Who may do what is decided here and nowhere else: every store method asks these functions
// before it reads or writes, with the actor the HTTP layer authenticated.
//
//   - SystemAdmin: everything.
//   - Dealer: the tenants designated to it (others are ENotFound, like missing ones) and,
//     inside its current tenant, what a tenant admin does. Dealers are managed by the
//     system admin only.
//   - Admin: its own tenant through the current-tenant, user and audit endpoints.
//   - StandardUser: signs in and out; nothing else yet.

// requireRole is EForbidden unless the actor holds one of roles.
func requireRole(actor tenantd.Actor, what string, roles ...tenantd.Role) error {
	if slices.Contains(roles, actor.Role) {
		return nil
	}
	return tenantd.Errorf(tenantd.EForbidden, "this account may not %s", what)
}

// canManageTenants allows the system admin and dealers to use the tenants endpoints.
func canManageTenants(actor tenantd.Actor) error {
	return requireRole(actor, "manage tenants", tenantd.RoleSystemAdmin, tenantd.RoleDealer)
}

// canManageUsers allows everyone who administers a tenant to manage its users.
func canManageUsers(actor tenantd.Actor) error {
	return requireRole(actor, "manage users",
		tenantd.RoleSystemAdmin, tenantd.RoleDealer, tenantd.RoleAdmin)
}

// canUseCurrentTenant allows everyone who administers a tenant to use tenant and
// tenant/status.
func canUseCurrentTenant(actor tenantd.Actor) error {
	return requireRole(actor, "manage the tenant",
		tenantd.RoleSystemAdmin, tenantd.RoleDealer, tenantd.RoleAdmin)
}

// canManageDealers allows only the system admin to manage dealers and designations.
func canManageDealers(actor tenantd.Actor) error {
	return requireRole(actor, "manage dealers", tenantd.RoleSystemAdmin)
}

// canReadAudit allows everyone who administers a tenant to read the audit trail, which
// auditScope then narrows.
func canReadAudit(actor tenantd.Actor) error {
	return requireRole(actor, "read the audit trail",
		tenantd.RoleSystemAdmin, tenantd.RoleDealer, tenantd.RoleAdmin)
}

// tenantScope returns a condition on the tenant id column col that keeps only the tenants the
// actor may see, and its arguments; "" when the actor sees every tenant.
func tenantScope(actor tenantd.Actor, col string) (string, []any) {
	if actor.Role == tenantd.RoleSystemAdmin {
		return "", nil
	}
	if actor.Role == tenantd.RoleDealer {
		return col + " IN (SELECT tenant_id FROM tenant_dealers WHERE dealer_id = ?)",
			[]any{actor.UserID}
	}
	return col + " = ?", []any{actor.TenantID}
}

// checkTenantVisible is ENotFound when the actor may not see the tenant. It does not check
// that the tenant exists; loading it does.
func checkTenantVisible(ctx context.Context, q queryer, actor tenantd.Actor, id int64) error {
	cond, args := tenantScope(actor, "t.id")
	if cond == "" {
		return nil
	}

	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM tenants t WHERE t.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&n)
	if err != nil {
		return fmt.Errorf("sqlstore: tenant scope: %w", err)
	}
	if n == 0 {
		return notFound("tenant")
	}
	return nil
}

// currentTenant returns the id of the tenant the actor works in: its own for tenant users,
// the one chosen with tenants/switch for system admins and dealers, checked again here since
// a dealer may have lost the tenant since it switched.
func currentTenant(ctx context.Context, q queryer, actor tenantd.Actor) (int64, error) {
	if actor.TenantID == 0 {
		return 0, tenantd.Errorf(tenantd.ENotFound,
			"no current tenant; choose one with POST /api/tenants/switch?id=")
	}
	if err := checkTenantVisible(ctx, q, actor, actor.TenantID); err != nil {
		return 0, err
	}
	return actor.TenantID, nil
}

// lockDealer locks the dealer's row and returns its limits. Callers lock before they write,
// so that concurrent writes for one dealer queue here instead of deadlocking later.
func lockDealer(ctx context.Context, tx *dbTx, id int64) (maxTenants, maxExt int64, err error) {
	err = tx.QueryRowContext(ctx,
		`SELECT max_tenants, max_extensions FROM dealers WHERE id = ?`+tx.forUpdate(), id).
		Scan(&maxTenants, &maxExt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, notFound("dealer")
	}
	if err != nil {
		return 0, 0, fmt.Errorf("sqlstore: lock dealer: %w", err)
	}
	return maxTenants, maxExt, nil
}

// checkDealerUsage is EQuotaExceeded when the tenants designated to the dealer, as the
// transaction now sees them, exceed its limits. Call it after lockDealer and the write.
func checkDealerUsage(ctx context.Context, tx *dbTx, id, maxTenants, maxExt int64) error {
	var tenants, extensions int64
	err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(t.max_extensions), 0)
		FROM tenant_dealers d JOIN tenants t ON t.id = d.tenant_id WHERE d.dealer_id = ?`, id).
		Scan(&tenants, &extensions)
	if err != nil {
		return fmt.Errorf("sqlstore: dealer usage: %w", err)
	}

	var over []string
	if tenants > maxTenants {
		over = append(over, fmt.Sprintf("%d tenants where max_tenants is %d", tenants,
			maxTenants))
	}
	if extensions > maxExt {
		over = append(over, fmt.Sprintf("%d extensions where max_extensions is %d",
			extensions, maxExt))
	}
	if len(over) > 0 {
		return tenantd.Errorf(tenantd.EQuotaExceeded, "the dealer's limit would be exceeded: %s",
			strings.Join(over, " and "))
	}
	return nil
}

// tenantDealerIDs returns the dealers a tenant is designated to, in id order, the order in
// which they are locked.
func tenantDealerIDs(ctx context.Context, tx *dbTx, tenantID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT dealer_id FROM tenant_dealers WHERE tenant_id = ?
		ORDER BY dealer_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tenant dealers: %w", err)
	}
	defer rows.Close()

	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlstore: tenant dealers: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// dealerLimits are the locked limits of the dealers one write touches.
type dealerLimits map[int64][2]int64

// lockDealers locks each dealer in ids, in order.
func lockDealers(ctx context.Context, tx *dbTx, ids []int64) (dealerLimits, error) {
	limits := dealerLimits{}
	for _, id := range ids {
		t, e, err := lockDealer(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		limits[id] = [2]int64{t, e}
	}
	return limits, nil
}

// check runs checkDealerUsage for every locked dealer.
func (l dealerLimits) check(ctx context.Context, tx *dbTx) error {
	ids := make([]int64, 0, len(l))
	for id := range l {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := checkDealerUsage(ctx, tx, id, l[id][0], l[id][1]); err != nil {
			return err
		}
	}
	return nil
}
