package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
)

// bulkBatch is how many tenants one INSERT statement carries; 15 columns each stays well under
// SQLite's and PostgreSQL's limits on bound parameters.
const bulkBatch = 500

// BulkCreateTenants stores many already-validated tenants quickly: multi-row inserts, many
// per transaction. It is meant for imports and benchmark seeding by the system admin; unlike
// CreateTenant it writes no audit entries. A taken domain fails the whole call.
func (db *DB) BulkCreateTenants(ctx context.Context, actor tenantd.Actor,
	tenants []*tenantd.Tenant) error {
	if actor.Role != tenantd.RoleSystemAdmin {
		return tenantd.Errorf(tenantd.EForbidden, "only the system admin may import tenants")
	}

	now := db.Now().UTC().Truncate(time.Second)
	for start := 0; start < len(tenants); start += bulkBatch * 20 {
		end := min(start+bulkBatch*20, len(tenants))
		err := db.inTx(ctx, func(tx *dbTx) error {
			for i := start; i < end; i += bulkBatch {
				if err := db.insertTenants(ctx, tx, tenants[i:min(i+bulkBatch, end)], now); err != nil {
					return err
				}
			}
			return nil
		})
		if isUniqueViolation(err) {
			return domainTaken()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) insertTenants(ctx context.Context, tx *dbTx, batch []*tenantd.Tenant,
	now time.Time) error {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
	rows := make([]string, len(batch))
	args := make([]any, 0, len(batch)*13)
	docs := make([]string, len(batch))
	docArgs := make([]any, 0, len(batch)*2)

	for i, t := range batch {
		settings, err := t.MarshalSettings()
		if err != nil {
			return fmt.Errorf("sqlstore: encode tenant: %w", err)
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = now
		}
		t.ID, t.Version = db.ids.Next(), 1

		rows[i], docs[i] = row, "(?, ?)"
		args = append(args, t.ID, t.Name, t.Domain, searchText(t), boolInt(t.Enabled),
			t.MaxExtensions, t.MaxConcurrentCalls, nullable(string(t.Website)), t.Timezone,
			t.Currency, t.Region, t.CreatedAt.Unix(), now.Unix())
		docArgs = append(docArgs, t.ID, string(settings))
	}

	_, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, name, domain, search_text, enabled,
		max_extensions, max_concurrent_calls, website, timezone, currency, region,
		version, created_at, updated_at) VALUES `+strings.Join(rows, ", "), args...)
	if err != nil {
		return fmt.Errorf("sqlstore: bulk insert tenants: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tenant_settings (tenant_id, settings) VALUES `+
		strings.Join(docs, ", "), docArgs...)
	if err != nil {
		return fmt.Errorf("sqlstore: bulk insert tenant settings: %w", err)
	}
	return nil
}
