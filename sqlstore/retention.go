package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tenantd/tenantd"
)

// Expired names an upload (UploadID) or a temporary file (FileID) that was past its tenant's
// temp_file_retention when ExpiredTemporaries looked. Cutoff is the Unix time before which
// it counts as expired; the purge checks it again.
type Expired struct {
	TenantID int64
	UploadID string
	FileID   int64
	Cutoff   int64
}

// ExpiredTemporaries lists, at now, the uploads not added to for the tenant's
// temp_file_retention days and the temporary files created longer ago than that. A file that
// is a tenant's logo is never listed: it is in use.
func (db *DB) ExpiredTemporaries(ctx context.Context, now time.Time) ([]Expired, error) {
	cutoffs, err := db.retentionCutoffs(ctx, now)
	if err != nil {
		return nil, err
	}

	var out []Expired
	for tenantID, cutoff := range cutoffs {
		rows, err := db.read.QueryContext(ctx, `SELECT id FROM uploads
			WHERE tenant_id = ? AND updated_at < ?`, tenantID, cutoff)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: expired uploads: %w", err)
		}
		ids, err := scanStrings(rows)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out = append(out, Expired{TenantID: tenantID, UploadID: id, Cutoff: cutoff})
		}

		rows, err = db.read.QueryContext(ctx, `SELECT id FROM files
			WHERE `+expiredFileCond, tenantID, cutoff)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: expired files: %w", err)
		}
		for rows.Next() {
			e := Expired{TenantID: tenantID, Cutoff: cutoff}
			if err := rows.Scan(&e.FileID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: expired files: %w", err)
			}
			out = append(out, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("sqlstore: expired files: %w", err)
		}
	}
	return out, nil
}

// expiredFileCond selects a tenant's temporary files created before a cutoff that are not
// the tenant's logo; its arguments are the tenant id and the cutoff.
const expiredFileCond = `tenant_id = ? AND temporary = 1 AND created_at < ?
	AND id NOT IN (SELECT avatar_file_id FROM tenants WHERE avatar_file_id IS NOT NULL)`

// retentionCutoffs returns, for each tenant that has uploads or temporary files, the time
// before which they expire. temp_file_retention lives in the settings document.
func (db *DB) retentionCutoffs(ctx context.Context, now time.Time) (map[int64]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, s.settings FROM tenants t
		JOIN tenant_settings s ON s.tenant_id = t.id
		WHERE EXISTS (SELECT 1 FROM uploads u WHERE u.tenant_id = t.id)
		OR EXISTS (SELECT 1 FROM files f WHERE f.tenant_id = t.id AND f.temporary = 1)`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: retention tenants: %w", err)
	}
	defer rows.Close()

	cutoffs := map[int64]int64{}
	for rows.Next() {
		var id int64
		var settings string
		if err := rows.Scan(&id, &settings); err != nil {
			return nil, fmt.Errorf("sqlstore: retention tenants: %w", err)
		}
		var s struct {
			TempFileRetention int32 `json:"temp_file_retention"`
		}
		if err := json.Unmarshal([]byte(settings), &s); err != nil {
			return nil, fmt.Errorf("sqlstore: decode tenant %d: %w", id, err)
		}
		cutoffs[id] = dayCutoff(now, s.TempFileRetention)
	}
	return cutoffs, rows.Err()
}

// PurgeUpload deletes the upload if it is still expired as e says, and returns it (nil when
// it was not deleted). The caller discards its staged content and hands a pinned digest to
// RemoveBlob.
func (db *DB) PurgeUpload(ctx context.Context, e Expired) (*tenantd.Upload, error) {
	var u *tenantd.Upload
	err := db.inTx(ctx, func(tx *dbTx) error {
		var err error
		u, err = loadUpload(ctx, tx, e.TenantID, e.UploadID, "", tx.forUpdate())
		if tenantd.ErrorCode(err) == tenantd.ENotFound || err == nil && u.UpdatedAt.Unix() >= e.Cutoff {
			u = nil
			return nil
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, e.UploadID)
		if err != nil {
			return fmt.Errorf("sqlstore: purge upload: %w", err)
		}
		return nil
	})
	return u, err
}

// PurgeFile deletes the temporary file if it is still expired as e says, as RemoveFile
// does, and returns it (nil when it was not deleted).
func (db *DB) PurgeFile(ctx context.Context, e Expired) (*tenantd.File, error) {
	var f *tenantd.File
	err := db.inTx(ctx, func(tx *dbTx) error {
		var err error
		f, err = db.deleteFile(ctx, tx, e.TenantID, `id = ? AND `+expiredFileCond, e.FileID,
			e.TenantID, e.Cutoff)
		if tenantd.ErrorCode(err) == tenantd.ENotFound {
			f = nil
			return nil
		}
		return err
	})
	return f, err
}
