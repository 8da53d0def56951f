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

// Ensure DB implements the domain's user service.
var _ tenantd.UserService = (*DB)(nil)

const userColumns = `id, tenant_id, name, role, enabled, email, display_name, mobile_phone,
	work_phone, home_phone, address, department, extension_number, created_at, version,
	settings`

// userFields are the summary fields user lists may filter and sort on.
var userFields = filter.Fields{
	"id":               {Column: "id", Kind: filter.ID},
	"name":             {Column: "name", Kind: filter.String},
	"enabled":          {Column: "enabled", Kind: filter.Bool},
	"email":            {Column: "email", Kind: filter.String, Nullable: true},
	"display_name":     {Column: "display_name", Kind: filter.String, Nullable: true},
	"role":             {Column: "role", Kind: filter.String},
	"mobile_phone":     {Column: "mobile_phone", Kind: filter.String, Nullable: true},
	"work_phone":       {Column: "work_phone", Kind: filter.String, Nullable: true},
	"home_phone":       {Column: "home_phone", Kind: filter.String, Nullable: true},
	"address":          {Column: "address", Kind: filter.String, Nullable: true},
	"department":       {Column: "department", Kind: filter.String, Nullable: true},
	"extension_number": {Column: "extension_number", Kind: filter.String},
	"created_at":       {Column: "created_at", Kind: filter.Time},
}

// CreateUser implements tenantd.UserService. The tenant's user count is taken inside the
// write transaction, after locking the tenant's row, so that concurrent creations never pass
// max_extensions together.
func (db *DB) CreateUser(ctx context.Context, actor tenantd.Actor, u *tenantd.User) error {
	if err := canManageUsers(actor); err != nil {
		return err
	}

	// Hash before the transaction: the hash is slow and must not hold the writer.
	hash, err := db.hashPassword(ctx, u.Password)
	if err != nil {
		return err
	}
	u.Password = ""
	settings, err := u.MarshalSettings()
	if err != nil {
		return fmt.Errorf("sqlstore: encode user: %w", err)
	}
	now := db.Now().UTC().Truncate(time.Second)
	id := db.ids.Next()

	var tenantID int64
	err = db.inTx(ctx, func(tx *dbTx) error {
		var err error
		if tenantID, err = currentTenant(ctx, tx, actor); err != nil {
			return err
		}
		max, err := lockTenant(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if err := checkUserCount(ctx, tx, tenantID, max, 1); err != nil {
			return err
		}

		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, tenant_id, name, role,
			password_hash, enabled, email, display_name, mobile_phone, work_phone, home_phone,
			address, department, extension_number, search_text, settings, version, created_at,
			updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			id, tenantID, u.Name, u.Role, hash, boolInt(u.Enabled), nullable(string(u.Email)),
			nullable(string(u.DisplayName)), nullable(string(u.MobilePhone)),
			nullable(string(u.WorkPhone)), nullable(string(u.HomePhone)),
			nullable(string(u.Address)), nullable(string(u.Department)), u.ExtensionNumber,
			userSearchText(u), string(settings), now.Unix(), now.Unix())
		if err != nil {
			return err
		}

		u.ID, u.TenantID, u.CreatedAt, u.Version = id, tenantID, now, 1
		return db.record(ctx, tx, actor, auditRecord{tenantID: tenantID,
			action: tenantd.ActionCreate, objectType: tenantd.ObjectUser, objectName: u.Name,
			new: u})
	})
	if isUniqueViolation(err) {
		return db.userTaken(ctx, tenantID, u, 0)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create user: %w", err)
	}
	return nil
}

// User implements tenantd.UserService.
func (db *DB) User(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.User, error) {
	if err := canManageUsers(actor); err != nil {
		return nil, err
	}
	tenantID, err := currentTenant(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	return loadUser(ctx, db.read, tenantID, id)
}

// ListUsers implements tenantd.UserService.
func (db *DB) ListUsers(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]tenantd.UserSummary, int64, error) {
	if err := canManageUsers(actor); err != nil {
		return nil, 0, err
	}
	tenantID, err := currentTenant(ctx, db.read, actor)
	if err != nil {
		return nil, 0, err
	}

	conds, args := []string{"tenant_id = ?"}, []any{tenantID}
	if q.Search != "" {
		conds = append(conds, db.r.d.contains("search_text"))
		args = append(args, strings.ToLower(q.Search))
	}
	sel, err := db.buildSelect(q, userFields, conds, args)
	if err != nil {
		return nil, 0, err
	}

	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users`+sel.where,
		sel.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: count users: %w", err)
	}

	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users`+sel.where+
		sel.page, sel.pageArgs()...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list users: %w", err)
	}
	defer rows.Close()

	items := []tenantd.UserSummary{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, u.Summary())
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlstore: list users: %w", err)
	}
	return items, total, nil
}

// UpdateUser implements tenantd.UserService. A new password is hashed inside the
// transaction: password changes are rare, and hashing there keeps the update atomic.
func (db *DB) UpdateUser(ctx context.Context, actor tenantd.Actor, id int64,
	change func(*tenantd.User) error) (*tenantd.User, error) {
	if err := canManageUsers(actor); err != nil {
		return nil, err
	}

	probe := tenantd.NewUser()
	_ = change(probe) // only its password matters; the real change is checked below
	pre, err := db.prehash(ctx, probe.Password)
	if err != nil {
		return nil, err
	}

	var u *tenantd.User
	var tenantID int64
	err = db.inTx(ctx, func(tx *dbTx) error {
		var err error
		if tenantID, err = currentTenant(ctx, tx, actor); err != nil {
			return err
		}
		if u, err = loadUser(ctx, tx, tenantID, id); err != nil {
			return err
		}
		old := *u
		if err := change(u); err != nil {
			return err
		}
		if err := db.saveUser(ctx, tx, u, pre); err != nil {
			return err
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: tenantID,
			action: tenantd.ActionUpdate, objectType: tenantd.ObjectUser, objectName: u.Name,
			old: &old, new: u})
	})
	if isUniqueViolation(err) {
		return nil, db.userTaken(ctx, tenantID, u, id)
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// saveUser writes every column of u, and its password when u carries a new one. A new
// password or a disabled user ends the user's sessions.
func (db *DB) saveUser(ctx context.Context, tx *dbTx, u *tenantd.User,
	pre prehashed) error {
	if u.Password != "" || !u.Enabled {
		if err := revokeUserSessions(ctx, tx, "id = ?", u.ID); err != nil {
			return err
		}
	}
	if u.Password != "" {
		hash, err := pre.hashFor(ctx, db, u.Password)
		if err != nil {
			return err
		}
		u.Password = ""
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`,
			hash, u.ID); err != nil {
			return fmt.Errorf("sqlstore: update user password: %w", err)
		}
	}

	settings, err := u.MarshalSettings()
	if err != nil {
		return fmt.Errorf("sqlstore: encode user: %w", err)
	}
	u.Version++
	_, err = tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, enabled = ?, email = ?,
		display_name = ?, mobile_phone = ?, work_phone = ?, home_phone = ?, address = ?,
		department = ?, extension_number = ?, search_text = ?, settings = ?, version = ?,
		updated_at = ? WHERE id = ?`,
		u.Name, u.Role, boolInt(u.Enabled), nullable(string(u.Email)),
		nullable(string(u.DisplayName)), nullable(string(u.MobilePhone)),
		nullable(string(u.WorkPhone)), nullable(string(u.HomePhone)),
		nullable(string(u.Address)), nullable(string(u.Department)), u.ExtensionNumber,
		userSearchText(u), string(settings), u.Version, db.Now().Unix(), u.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: update user: %w", err)
	}
	return nil
}

// DeleteUser implements tenantd.UserService.
func (db *DB) DeleteUser(ctx context.Context, actor tenantd.Actor, id int64,
	pre tenantd.Precondition) error {
	if err := canManageUsers(actor); err != nil {
		return err
	}

	return db.inTx(ctx, func(tx *dbTx) error {
		tenantID, err := currentTenant(ctx, tx, actor)
		if err != nil {
			return err
		}
		u, err := loadUser(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		if err := pre.Check(u.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
			return fmt.Errorf("sqlstore: delete user: %w", err)
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: tenantID,
			action: tenantd.ActionDelete, objectType: tenantd.ObjectUser, objectName: u.Name,
			old: u})
	})
}

// lockTenant locks the tenant's row and returns its max_extensions.
func lockTenant(ctx context.Context, tx *dbTx, id int64) (int64, error) {
	var max int64
	err := tx.QueryRowContext(ctx,
		`SELECT max_extensions FROM tenants WHERE id = ?`+tx.forUpdate(), id).Scan(&max)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("tenant")
	}
	if err != nil {
		return 0, fmt.Errorf("sqlstore: lock tenant: %w", err)
	}
	return max, nil
}

// checkUserCount is EQuotaExceeded when the tenant's users plus adding would exceed max.
func checkUserCount(ctx context.Context, tx *dbTx, tenantID, max, adding int64) error {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE tenant_id = ?`, tenantID).
		Scan(&n)
	if err != nil {
		return fmt.Errorf("sqlstore: count users: %w", err)
	}
	if n+adding > max {
		return tenantd.Errorf(tenantd.EQuotaExceeded,
			"the tenant would have %d users where max_extensions is %d", n+adding, max)
	}
	return nil
}

// userTaken names the member whose uniqueness a failed write broke. The database enforced
// the rule; this only reads which of the two unique values is held by another user.
func (db *DB) userTaken(ctx context.Context, tenantID int64, u *tenantd.User, self int64) error {
	var p tenantd.Problems
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE tenant_id = ?
		AND name = ? AND id <> ?`, tenantID, u.Name, self).Scan(&n)
	if err == nil && n > 0 {
		p.Add("name", "is already taken")
	}
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE tenant_id = ?
		AND extension_number = ? AND id <> ?`, tenantID, u.ExtensionNumber, self).Scan(&n)
	if err == nil && n > 0 {
		p.Add("extension_number", "is already taken")
	}
	if len(p) == 0 {
		p.Add("name", "or extension_number is already taken")
	}
	return &tenantd.Error{Code: tenantd.EConflict, Message: "the user conflicts with another",
		Fields: p}
}

func loadUser(ctx context.Context, q queryer, tenantID, id int64) (*tenantd.User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?
		AND tenant_id = ?`, id, tenantID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load user: %w", err)
	}
	defer rows.Close()

	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: load user: %w", err)
		}
		return nil, notFound("user")
	}
	return scanUser(rows)
}

func scanUser(rows *sql.Rows) (*tenantd.User, error) {
	u := new(tenantd.User)
	var settings string
	err := rows.Scan(&u.ID, &u.TenantID, &u.Name, &u.Role, (*boolCol)(&u.Enabled),
		(*nullText)(&u.Email), (*nullText)(&u.DisplayName), (*nullText)(&u.MobilePhone),
		(*nullText)(&u.WorkPhone), (*nullText)(&u.HomePhone), (*nullText)(&u.Address),
		(*nullText)(&u.Department), &u.ExtensionNumber, (*unixTime)(&u.CreatedAt), &u.Version,
		&settings)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: scan user: %w", err)
	}
	if err := u.UnmarshalSettings([]byte(settings)); err != nil {
		return nil, fmt.Errorf("sqlstore: decode user %d: %w", u.ID, err)
	}
	return u, nil
}

func userSearchText(u *tenantd.User) string {
	return strings.ToLower(u.Name + "\n" + string(u.DisplayName) + "\n" + string(u.Email) +
		"\n" + u.ExtensionNumber)
}
