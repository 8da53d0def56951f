package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tenantd/tenantd"
)

// TenantJSON implements tenantd.TenantService. It answers from the stored settings document
// without decoding it, which is most of the cost of a read.
func (db *DB) TenantJSON(ctx context.Context, actor tenantd.Actor, id int64) ([]byte, int64,
	error) {
	if err := canManageTenants(actor); err != nil {
		return nil, 0, err
	}

	var s tenantd.TenantSummary
	var used, version int64
	var settings sql.RawBytes

	query, args := `SELECT `+tenantColumns+tenantDetail+` WHERE id = ?`, []any{id}
	if scope, scopeArgs := tenantScope(actor, "id"); scope != "" {
		query, args = query+" AND "+scope, append(args, scopeArgs...)
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: load tenant: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, 0, errors.Join(notFound("tenant"), rows.Err())
	}

	// RawBytes points into the driver's buffer, valid until the next Next or Close: the JSON is
	// assembled before either.
	if err := rows.Scan(append(summaryDest(&s), &used, &settings, &version)...); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: scan tenant: %w", err)
	}
	body := tenantd.AppendTenantJSON(make([]byte, 0, len(settings)+256), settings, s.ID, used,
		s.CreatedAt, s.Avatar)
	return body, version, nil
}
