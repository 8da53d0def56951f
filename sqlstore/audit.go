package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/filter"
)

// Ensure DB implements the domain's audit service.
var _ tenantd.AuditService = (*DB)(nil)

// auditFields are the fields audit lists may filter and sort on.
var auditFields = filter.Fields{
	"id":          {Column: "id", Kind: filter.ID},
	"created_at":  {Column: "created_at", Kind: filter.Time},
	"source":      {Column: "source", Kind: filter.String},
	"ip":          {Column: "ip", Kind: filter.String},
	"action":      {Column: "action", Kind: filter.String},
	"object_type": {Column: "object_type", Kind: filter.String},
	"user_name":   {Column: "user_name", Kind: filter.String},
	"object_name": {Column: "object_name", Kind: filter.String},
}

// auditRecord is one change to record; old and new are the states before and after (nil
// when there is none), encoded with secrets masked.
type auditRecord struct {
	tenantID   int64
	action     string
	objectType string
	objectName string
	old, new   any
}

// maskedJSON is a state that maskedState already encoded, recorded as it is.
type maskedJSON string

// record writes an audit entry inside the transaction of the change it describes, so that the
// trail holds exactly the changes that happened.
func (db *DB) record(ctx context.Context, tx *dbTx, actor tenantd.Actor, r auditRecord) error {
	old, err := maskedState(r.old)
	if err != nil {
		return err
	}
	new, err := maskedState(r.new)
	if err != nil {
		return err
	}

	tenant := sql.NullInt64{Int64: r.tenantID, Valid: r.tenantID != 0}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_logs (id, tenant_id, user_id, user_name,
		source, ip, action, object_type, object_name, old_state, new_state, search_text,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.ids.Next(), tenant, actor.UserID, actor.Name, tenantd.AuditSource, actor.Source,
		r.action, r.objectType, r.objectName, old, new,
		strings.ToLower(actor.Name+"\n"+r.objectName), db.Now().Unix())
	if err != nil {
		return fmt.Errorf("sqlstore: record audit entry: %w", err)
	}
	return nil
}

func maskedState(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if m, ok := v.(maskedJSON); ok {
		return string(m), nil
	}
	s, err := tenantd.MaskedState(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode audit state: %w", err)
	}
	return s, nil
}

// ListAuditLogs implements tenantd.AuditService.
func (db *DB) ListAuditLogs(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]tenantd.AuditEntry, int64, error) {
	if err := canReadAudit(actor); err != nil {
		return nil, 0, err
	}

	conds, args := auditScope(actor)
	if q.Search != "" {
		conds = append(conds, db.r.d.contains("search_text"))
		args = append(args, strings.ToLower(q.Search))
	}
	if q.OrderBy == "" {
		q.OrderBy = "created_at desc, id desc"
	}
	sel, err := db.buildSelect(q, auditFields, conds, args)
	if err != nil {
		return nil, 0, err
	}

	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit_logs`+sel.where,
		sel.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: count audit logs: %w", err)
	}

	rows, err := db.read.QueryContext(ctx, `SELECT id, created_at, coalesce(tenant_id, 0),
		user_name, source, ip, action, object_type, object_name, old_state, new_state
		FROM audit_logs`+sel.where+sel.page, sel.pageArgs()...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list audit logs: %w", err)
	}
	defer rows.Close()

	items := []tenantd.AuditEntry{}
	for rows.Next() {
		var e tenantd.AuditEntry
		if err := rows.Scan(&e.ID, (*unixTime)(&e.CreatedAt), &e.TenantID, &e.UserName,
			&e.Source, &e.IP, &e.Action, &e.ObjectType, &e.ObjectName, &e.OldState,
			&e.NewState); err != nil {
			return nil, 0, fmt.Errorf("sqlstore: scan audit log: %w", err)
		}
		items = append(items, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list audit logs: %w", err)
	}
	return items, total, nil
}

// auditScope limits the trail to what the actor may see: a dealer sees its tenants' entries
// and its own, a tenant admin its tenant's.
func auditScope(actor tenantd.Actor) ([]string, []any) {
	switch actor.Role {
	case tenantd.RoleSystemAdmin:
		return nil, nil
	case tenantd.RoleDealer:
		cond, args := tenantScope(actor, "tenant_id")
		return []string{"(" + cond + " OR user_id = ?)"}, append(args, actor.UserID)
	}
	return []string{"tenant_id = ?"}, []any{actor.TenantID}
}

// PurgeAuditLogs implements tenantd.AuditService. The daemon runs it periodically; tests call
// it with a time of their choosing.
func (db *DB) PurgeAuditLogs(ctx context.Context, now time.Time) (int64, error) {
	const day = 24 * 60 * 60
	var deleted int64

	err := db.inTx(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_logs WHERE tenant_id IS NOT NULL
			AND created_at < ? - ? * (SELECT t.log_retention FROM tenants t
				WHERE t.id = audit_logs.tenant_id)`, now.Unix(), day)
		if err != nil {
			return fmt.Errorf("sqlstore: purge tenant audit logs: %w", err)
		}
		n1, _ := res.RowsAffected()

		res, err = tx.ExecContext(ctx, `DELETE FROM audit_logs WHERE tenant_id IS NULL
			AND created_at < ?`, now.Unix()-tenantd.DefaultLogRetention*day)
		if err != nil {
			return fmt.Errorf("sqlstore: purge audit logs: %w", err)
		}
		n2, _ := res.RowsAffected()
		deleted = n1 + n2
		return nil
	})
	return deleted, err
}
