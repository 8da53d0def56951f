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

// File records live here; their content lives in a blob store (package blobstore), which the
// files service keeps in step with these rows. The rules that tie them together:
//
//   - a blobs row exists for every digest a file or an upload refers to (foreign keys);
//   - content is removed from disk only by RemoveBlob, inside a transaction that holds the
//     blobs row and finds nothing referring to it, so that a concurrent upload of the same
//     content either keeps it alive or writes it again after the removal;
//   - a tenant's used_disk_bytes is the sum of its files' sizes, changed in the transaction
//     that adds or removes a file.

// fileFields are the fields file lists may filter and sort on.
var fileFields = filter.Fields{
	"id":         {Column: "id", Kind: filter.ID},
	"name":       {Column: "name", Kind: filter.String},
	"size":       {Column: "size", Kind: filter.Int},
	"media_type": {Column: "media_type", Kind: filter.String},
	"temporary":  {Column: "temporary", Kind: filter.Bool},
	"created_at": {Column: "created_at", Kind: filter.Time},
}

const fileColumns = `id, tenant_id, name, size, media_type, digest, temporary, download_key,
	created_at`

func fileDest(f *tenantd.File) []any {
	return []any{&f.ID, &f.TenantID, &f.Name, &f.Size, &f.MediaType, &f.Digest,
		(*boolCol)(&f.Temporary), &f.Key, (*unixTime)(&f.CreatedAt)}
}

// canManageFiles allows everyone who administers a tenant to use its files.
func canManageFiles(actor tenantd.Actor) error {
	return requireRole(actor, "manage files",
		tenantd.RoleSystemAdmin, tenantd.RoleDealer, tenantd.RoleAdmin)
}

// fileTenant returns the tenant whose files the actor works on.
func fileTenant(ctx context.Context, q queryer, actor tenantd.Actor) (int64, error) {
	if err := canManageFiles(actor); err != nil {
		return 0, err
	}
	return currentTenant(ctx, q, actor)
}

// ListFiles returns one page of the current tenant's files and the number of matches.
func (db *DB) ListFiles(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]tenantd.File, int64, error) {
	tenantID, err := fileTenant(ctx, db.read, actor)
	if err != nil {
		return nil, 0, err
	}

	conds, args := []string{"tenant_id = ?"}, []any{tenantID}
	if q.Search != "" {
		conds, args = append(conds, db.r.d.contains("search_text")),
			append(args, strings.ToLower(q.Search))
	}
	sel, err := db.buildSelect(q, fileFields, conds, args)
	if err != nil {
		return nil, 0, err
	}

	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM files`+sel.where,
		sel.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: count files: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+fileColumns+` FROM files`+sel.where+
		sel.page, sel.pageArgs()...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list files: %w", err)
	}
	defer rows.Close()

	items := []tenantd.File{}
	for rows.Next() {
		var f tenantd.File
		if err := rows.Scan(fileDest(&f)...); err != nil {
			return nil, 0, fmt.Errorf("sqlstore: scan file: %w", err)
		}
		items = append(items, f)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list files: %w", err)
	}
	return items, total, nil
}

// File returns one file of the current tenant.
func (db *DB) File(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.File, error) {
	tenantID, err := fileTenant(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	return loadFile(ctx, db.read, `id = ? AND tenant_id = ?`, id, tenantID)
}

// FileByKey returns the file with the download key. Keys are capabilities, so no actor is
// involved.
func (db *DB) FileByKey(ctx context.Context, key string) (*tenantd.File, error) {
	return loadFile(ctx, db.read, `download_key = ?`, key)
}

func loadFile(ctx context.Context, q queryer, cond string, args ...any) (*tenantd.File, error) {
	var f tenantd.File
	err := q.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE `+cond, args...).
		Scan(fileDest(&f)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("file")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load file: %w", err)
	}
	return &f, nil
}

// RemoveFile deletes one file of the current tenant, gives its size back to the tenant's
// disk usage and takes it off the tenant's logo if it was that. It returns the file, whose
// digest the caller hands to RemoveBlob.
func (db *DB) RemoveFile(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.File,
	error) {
	var f *tenantd.File
	err := db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := fileTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		f, err = db.deleteFile(ctx, tx, tenantID, `id = ? AND tenant_id = ?`, id, tenantID)
		return err
	})
	return f, err
}

// deleteFile deletes the file of tenantID that cond selects, with the tenant row locked
// first (the order every file write follows), and keeps the tenant consistent.
func (db *DB) deleteFile(ctx context.Context, tx *dbTx, tenantID int64, cond string,
	args ...any) (*tenantd.File, error) {
	if err := tx.lockRow(ctx, "tenants", tenantID); err != nil {
		return nil, err
	}
	f, err := loadFile(ctx, tx, cond+tx.forUpdate(), args...)
	if err != nil {
		return nil, err
	}

	if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE id = ?`, f.ID); err != nil {
		return nil, fmt.Errorf("sqlstore: delete file: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE tenants SET used_disk_bytes = used_disk_bytes - ?
		WHERE id = ?`, f.Size, f.TenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: tenant usage: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE tenants SET avatar_file_id = NULL,
		avatar_file_name = NULL, avatar_file_size = 0, avatar_key = NULL,
		version = version + 1, updated_at = ? WHERE id = ? AND avatar_file_id = ?`,
		db.Now().Unix(), f.TenantID, f.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: clear tenant logo: %w", err)
	}
	return f, nil
}

// RemoveBlob deletes the content with the digest when no file and no upload refers to it:
// it locks the blob's row, checks, calls remove (which deletes the content from storage) and
// deletes the row, all in one transaction. It reports whether the blob was removed. remove
// runs inside the transaction, so it must be quick: a file unlink, not a copy.
func (db *DB) RemoveBlob(ctx context.Context, digest string, remove func() error) (bool,
	error) {
	removed := false
	err := db.inTx(ctx, func(tx *dbTx) error {
		removed = false
		var found string
		err := tx.QueryRowContext(ctx, `SELECT digest FROM blobs WHERE digest = ?`+
			tx.forUpdate(), digest).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("sqlstore: lock blob: %w", err)
		}

		var used int
		err = tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM files WHERE digest = ?) +
			(SELECT count(*) FROM uploads WHERE digest = ?)`, digest, digest).Scan(&used)
		if err != nil || used > 0 {
			return err
		}

		if err := remove(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE digest = ?`, digest); err != nil {
			return fmt.Errorf("sqlstore: delete blob: %w", err)
		}
		removed = true
		return nil
	})
	return removed, err
}

// OrphanBlobs returns the digests that no file or upload refers to any more, such as the
// content of a deleted tenant's files.
func (db *DB) OrphanBlobs(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT b.digest FROM blobs b
		WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.digest = b.digest)
		AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.digest = b.digest)`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: orphan blobs: %w", err)
	}
	return scanStrings(rows)
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlstore: scan: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// resolveAvatar fills t.Avatar from the file it names, which must be a file of t's tenant,
// and locks that file's row so that it cannot be deleted before the tenant is saved.
// A tenant whose logo did not change is left alone.
func resolveAvatar(ctx context.Context, tx *dbTx, t *tenantd.Tenant, before tenantd.FileRef) error {
	if t.Avatar.FileID == 0 {
		t.Avatar = tenantd.FileRef{}
		return nil
	}
	if t.Avatar == before {
		return nil
	}

	f, err := loadFile(ctx, tx, `id = ? AND tenant_id = ?`+tx.forUpdate(), t.Avatar.FileID, t.ID)
	if tenantd.ErrorCode(err) == tenantd.ENotFound {
		return &tenantd.Error{Code: tenantd.EInvalid, Message: "request validation failed",
			Fields: []tenantd.FieldError{{Field: "avatar_file_id",
				Reason: "must be the id of a file of this tenant"}}}
	}
	if err != nil {
		return err
	}
	t.Avatar = tenantd.FileRef{FileID: f.ID, Name: f.Name, Size: f.Size, Key: f.Key}
	return nil
}

// searchName is what file search matches: the name, lower-cased.
func searchName(name string) string {
	return strings.ToLower(name)
}

// dayCutoff is the time retention days before now, in Unix seconds.
func dayCutoff(now time.Time, days int32) int64 {
	return now.Unix() - int64(days)*24*60*60
}
