package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tenantd/tenantd"
)

const uploadColumns = `id, tenant_id, name, temporary, size, digest, created_at, updated_at,
	token_hash`

func uploadDest(u *tenantd.Upload, tokenHash *string) []any {
	return []any{&u.ID, &u.TenantID, &u.Name, (*boolCol)(&u.Temporary), &u.Size,
		(*nullText)((*tenantd.NullString)(&u.Digest)), (*unixTime)(&u.CreatedAt),
		(*unixTime)(&u.UpdatedAt), tokenHash}
}

// CreateUpload stores a new upload of the current tenant, setting its TenantID and times.
// Only tokenHash, the SHA-256 of the upload token, is kept.
func (db *DB) CreateUpload(ctx context.Context, actor tenantd.Actor, u *tenantd.Upload,
	tokenHash string) error {
	now := db.Now().UTC().Truncate(time.Second)
	return db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO uploads (id, tenant_id, token_hash, name,
			temporary, size, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
			u.ID, tenantID, tokenHash, u.Name, boolInt(u.Temporary), now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: create upload: %w", err)
		}
		u.TenantID, u.CreatedAt, u.UpdatedAt = tenantID, now, now
		return nil
	})
}

// Upload returns an upload of the current tenant. When tokenHash is not empty it must be the
// upload's, else the answer is EForbidden.
func (db *DB) Upload(ctx context.Context, actor tenantd.Actor, id, tokenHash string) (
	*tenantd.Upload, error) {
	tenantID, err := fileTenant(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	return loadUpload(ctx, db.read, tenantID, id, tokenHash, "")
}

// loadUpload reads the upload of tenantID with the id and checks its token (unless tokenHash
// is empty). suffix is appended to the query (a lock clause).
func loadUpload(ctx context.Context, q queryer, tenantID int64, id, tokenHash, suffix string) (
	*tenantd.Upload, error) {
	u := new(tenantd.Upload)
	var stored string
	err := q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads
		WHERE id = ? AND tenant_id = ?`+suffix, id, tenantID).Scan(uploadDest(u, &stored)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("upload")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load upload: %w", err)
	}
	if tokenHash != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(tokenHash)) != 1 {
		return nil, tenantd.Errorf(tenantd.EForbidden, "the upload token does not match")
	}
	return u, nil
}

// SpaceLeft returns how many more bytes the current tenant may store, counting its files
// and the bytes its uploads have received, and whether it has a limit at all. It is a read
// without locks, for refusing a chunk early; AddToUpload decides.
func (db *DB) SpaceLeft(ctx context.Context, actor tenantd.Actor) (left int64, limited bool,
	err error) {
	tenantID, err := fileTenant(ctx, db.read, actor)
	if err != nil {
		return 0, false, err
	}
	return spaceLeft(ctx, db.read, tenantID)
}

func spaceLeft(ctx context.Context, q queryer, tenantID int64) (int64, bool, error) {
	t, err := loadTenant(ctx, q, tenantID)
	if err != nil {
		return 0, false, err
	}
	_, quota, err := tenantd.ParseQuota(t.DiskQuota)
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: tenant %d disk_quota: %w", tenantID, err)
	}
	if quota == 0 {
		return 0, false, nil
	}

	var reserved int64
	err = q.QueryRowContext(ctx, `SELECT coalesce(CAST(sum(size) AS BIGINT), 0) FROM uploads
		WHERE tenant_id = ?`, tenantID).Scan(&reserved)
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: reserved space: %w", err)
	}
	return max(quota-t.UsedDiskBytes-reserved, 0), true, nil
}

// AddToUpload records that n more bytes of the upload, written at offset, arrived. With the
// tenant's row locked it checks that they fit in the disk quota beside the tenant's files and
// every other upload's received bytes (EQuotaExceeded otherwise), so that parallel uploads
// cannot pass the quota together. An upload that no longer has offset bytes (another append
// got in first) or that is being completed is EConflict.
func (db *DB) AddToUpload(ctx context.Context, actor tenantd.Actor, id, tokenHash string,
	offset, n int64) (*tenantd.Upload, error) {
	var u *tenantd.Upload
	err := db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := tx.lockRow(ctx, "tenants", tenantID); err != nil {
			return err
		}
		if u, err = loadUpload(ctx, tx, tenantID, id, tokenHash, tx.forUpdate()); err != nil {
			return err
		}
		if err := checkAppendable(u, offset); err != nil {
			return err
		}

		left, limited, err := spaceLeft(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if limited && n > left {
			return quotaExceeded()
		}

		now := db.Now().UTC().Truncate(time.Second)
		_, err = tx.ExecContext(ctx, `UPDATE uploads SET size = size + ?, updated_at = ?
			WHERE id = ?`, n, now.Unix(), id)
		if err != nil {
			return fmt.Errorf("sqlstore: record chunk: %w", err)
		}
		u.Size, u.UpdatedAt = u.Size+n, now
		return nil
	})
	return u, err
}

func checkAppendable(u *tenantd.Upload, offset int64) error {
	if u.Digest != "" {
		return tenantd.Errorf(tenantd.EConflict, "the upload is being completed")
	}
	if u.Size != offset {
		return tenantd.Errorf(tenantd.EConflict,
			"another request added to the upload; it now holds %d bytes", u.Size)
	}
	return nil
}

func quotaExceeded() error {
	return tenantd.Errorf(tenantd.EQuotaExceeded,
		"the tenant's disk_quota would be exceeded; delete files or raise the quota")
}

// PinUpload begins completing an upload of size bytes whose content has the digest: it
// records the digest on the upload, which makes the blob's row exist and keeps RemoveBlob
// from deleting the content while the file is being stored. Appends are refused from now
// on. Pinning again with the same digest is allowed, so that a failed completion can be
// retried; with another digest it is EConflict.
func (db *DB) PinUpload(ctx context.Context, actor tenantd.Actor, id, tokenHash string,
	size int64, digest string) (*tenantd.Upload, error) {
	var u *tenantd.Upload
	err := db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		if u, err = loadUpload(ctx, tx, tenantID, id, tokenHash, tx.forUpdate()); err != nil {
			return err
		}
		if u.Size != size || u.Digest != "" && u.Digest != digest {
			return tenantd.Errorf(tenantd.EConflict, "the upload changed while completing")
		}

		// DO UPDATE rather than DO NOTHING: it waits for, and then sees, a RemoveBlob that
		// holds the row, instead of passing it by.
		_, err = tx.ExecContext(ctx, `INSERT INTO blobs (digest, size, created_at)
			VALUES (?, ?, ?) ON CONFLICT (digest) DO UPDATE SET size = excluded.size`,
			digest, size, db.Now().Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: pin blob: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE uploads SET digest = ? WHERE id = ?`, digest, id)
		if err != nil {
			return fmt.Errorf("sqlstore: pin upload: %w", err)
		}
		u.Digest = digest
		return nil
	})
	return u, err
}

// FinishUpload turns a pinned upload into the file f (whose Name, Size, MediaType, Digest,
// Temporary and Key the caller sets; ID, TenantID and CreatedAt are set here). The upload's
// received bytes become the tenant's used disk space in the same transaction, so usage
// never counts them twice or not at all. An upload already finished is ENotFound.
func (db *DB) FinishUpload(ctx context.Context, actor tenantd.Actor, id string,
	f *tenantd.File) error {
	now := db.Now().UTC().Truncate(time.Second)
	fileID := db.ids.Next()

	err := db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := tx.lockRow(ctx, "tenants", tenantID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ? AND tenant_id = ?
			AND digest = ? AND size = ?`, id, tenantID, f.Digest, f.Size)
		if err != nil {
			return fmt.Errorf("sqlstore: finish upload: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("upload")
		}

		_, err = tx.ExecContext(ctx, `INSERT INTO files (id, tenant_id, name, search_text, size,
			media_type, digest, temporary, download_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, fileID, tenantID, f.Name,
			searchName(f.Name), f.Size, f.MediaType, f.Digest, boolInt(f.Temporary), f.Key,
			now.Unix())
		if err != nil {
			return fmt.Errorf("sqlstore: create file: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE tenants SET used_disk_bytes = used_disk_bytes + ?
			WHERE id = ?`, f.Size, tenantID)
		if err != nil {
			return fmt.Errorf("sqlstore: tenant usage: %w", err)
		}
		f.ID, f.TenantID, f.CreatedAt = fileID, tenantID, now
		return nil
	})
	if isUniqueViolation(err) {
		return fmt.Errorf("sqlstore: download key collision: %w", err)
	}
	return err
}

// DeleteUpload abandons an upload of the current tenant, releasing its space. tokenHash, if
// not empty, must match. It returns the upload, whose pinned digest (if any) the caller
// hands to RemoveBlob.
func (db *DB) DeleteUpload(ctx context.Context, actor tenantd.Actor, id, tokenHash string) (
	*tenantd.Upload, error) {
	var u *tenantd.Upload
	err := db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		if u, err = loadUpload(ctx, tx, tenantID, id, tokenHash, tx.forUpdate()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, id); err != nil {
			return fmt.Errorf("sqlstore: delete upload: %w", err)
		}
		return nil
	})
	return u, err
}

// KnownUploads returns which of ids name uploads that still exist.
func (db *DB) KnownUploads(ctx context.Context, ids []string) (map[string]bool, error) {
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		var n int
		err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM uploads WHERE id = ?`, id).
			Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: known uploads: %w", err)
		}
		known[id] = n > 0
	}
	return known, nil
}
