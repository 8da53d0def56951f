package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/internal/secret"
)

// Ensure DB implements the domain's auth service.
var _ tenantd.AuthService = (*DB)(nil)

// errBadCredentials is the one answer to every failed sign-in, so that it tells nothing about
// which part was wrong or whether the account exists.
var errBadCredentials = tenantd.Errorf(tenantd.EUnauthorized, "invalid user name or password")

var errBadToken = tenantd.Errorf(tenantd.EUnauthorized, "invalid or expired token")

// account is what sign-in needs to know of a user.
type account struct {
	id            int64
	tenantID      sql.NullInt64
	hash          string
	enabled       bool
	tenantEnabled bool
}

// SignIn implements tenantd.AuthService.
func (db *DB) SignIn(ctx context.Context, c tenantd.Credentials) (*tenantd.Token, error) {
	acct, err := db.findAccount(ctx, c.Username, c.Domain)
	if err != nil && tenantd.ErrorCode(err) != tenantd.ENotFound {
		return nil, err
	}

	// Hash even for an unknown account, so that timing does not tell which names exist.
	hash := dummyHash
	if acct != nil {
		hash = acct.hash
	}
	ok, err := db.checkPassword(ctx, hash, c.Password)
	if err != nil {
		return nil, err
	}
	if acct == nil || !ok || !acct.enabled || !acct.tenantEnabled {
		return nil, errBadCredentials
	}

	var tok *tenantd.Token
	err = db.inTx(ctx, func(tx *dbTx) error {
		tx.leavesTokens() // a new session changes no other token
		var err error
		if tok, err = db.openSession(ctx, tx, acct.id, 0, sql.NullInt64{}); err != nil {
			return err
		}
		actor := tenantd.Actor{UserID: acct.id, Name: c.Username, Source: c.Source}
		return db.record(ctx, tx, actor, auditRecord{tenantID: acct.tenantID.Int64,
			action: tenantd.ActionLogin, objectType: tenantd.ObjectLogin,
			objectName: c.Username})
	})
	return tok, err
}

// dummyHash is a valid hash of a random password, checked when an account does not exist.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$" +
	"2K1o4Qh4v0OVN6fbx0YV0GeS6x2C1Pm7Zs9e6o0fTGQ"

// checkPassword verifies a password, letting only a few hashes run at once: each takes
// 19 MiB, and an unbounded burst of sign-ins must not exhaust memory.
func (db *DB) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case db.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-db.hashSlots }()

	ok, err := secret.CheckPassword(hash, password)
	if err != nil {
		return false, fmt.Errorf("sqlstore: check password: %w", err)
	}
	return ok, nil
}

// hashPassword hashes under the same bound as checkPassword.
func (db *DB) hashPassword(ctx context.Context, password string) (string, error) {
	select {
	case db.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-db.hashSlots }()
	return secret.HashPassword(password)
}

func (db *DB) findAccount(ctx context.Context, name, domain string) (*account, error) {
	a := new(account)
	var err error
	if domain == "" {
		err = db.read.QueryRowContext(ctx, `SELECT id, tenant_id, password_hash, enabled, 1
			FROM users WHERE tenant_id IS NULL AND name = ?`, name).
			Scan(&a.id, &a.tenantID, &a.hash, (*boolCol)(&a.enabled), (*boolCol)(&a.tenantEnabled))
	} else {
		canonical, derr := tenantd.CanonicalDomain(domain)
		if derr != nil {
			return nil, notFound("account")
		}
		err = db.read.QueryRowContext(ctx, `SELECT u.id, u.tenant_id, u.password_hash,
			u.enabled, t.enabled FROM users u JOIN tenants t ON t.id = u.tenant_id
			WHERE t.domain = ? AND u.name = ?`, canonical, name).
			Scan(&a.id, &a.tenantID, &a.hash, (*boolCol)(&a.enabled), (*boolCol)(&a.tenantEnabled))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("account")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find account: %w", err)
	}
	return a, nil
}

// openSession stores a new session for the user and returns its tokens. family is the id of
// the sign-in the session descends from, 0 for a new sign-in.
func (db *DB) openSession(ctx context.Context, tx *dbTx, userID, family int64,
	current sql.NullInt64) (*tenantd.Token, error) {
	access, err1 := secret.NewToken()
	refresh, err2 := secret.NewToken()
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}

	id := db.ids.Next()
	if family == 0 {
		family = id
	}
	now := db.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, family_id, access_hash,
		access_expires_at, refresh_hash, refresh_expires_at, current_tenant_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, userID, family, secret.HashToken(access),
		now.Add(tenantd.AccessTokenTTL).Unix(), secret.HashToken(refresh),
		now.Add(tenantd.RefreshTokenTTL).Unix(), current, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open session: %w", err)
	}

	return &tenantd.Token{
		AccessToken:  access,
		RefreshToken: refresh,
		ExpiresIn:    tenantd.AccessTokenTTL,
	}, nil
}

// Refresh implements tenantd.AuthService.
func (db *DB) Refresh(ctx context.Context, refreshToken string) (*tenantd.Token, error) {
	var tok *tenantd.Token
	reused := false

	err := db.inTx(ctx, func(tx *dbTx) error {
		var s struct {
			id, user, family, expires int64
			refreshed, revoked, live  bool
			current                   sql.NullInt64
		}
		err := tx.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.family_id,
			s.refresh_expires_at, s.refreshed, s.revoked, s.current_tenant_id,
			CASE WHEN u.enabled = 1 AND coalesce(t.enabled, 1) = 1 THEN 1 ELSE 0 END
			FROM sessions s JOIN users u ON u.id = s.user_id
			LEFT JOIN tenants t ON t.id = u.tenant_id
			WHERE s.refresh_hash = ?`+tx.forUpdate("s"), secret.HashToken(refreshToken)).
			Scan(&s.id, &s.user, &s.family, &s.expires, (*boolCol)(&s.refreshed),
				(*boolCol)(&s.revoked), &s.current, (*boolCol)(&s.live))
		if errors.Is(err, sql.ErrNoRows) {
			return errBadToken
		}
		if err != nil {
			return fmt.Errorf("sqlstore: find refresh token: %w", err)
		}

		if s.refreshed && !s.revoked {
			// A spent refresh token came back: it may have been stolen. Revoke the family and
			// commit that, then refuse.
			reused = true
			return revokeFamily(ctx, tx, s.family)
		}
		if s.revoked || !s.live || s.expires <= db.Now().Unix() {
			return errBadToken
		}

		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET refreshed = 1 WHERE id = ?`,
			s.id); err != nil {
			return fmt.Errorf("sqlstore: spend refresh token: %w", err)
		}
		tx.leavesTokens() // the old access token stays valid until it expires
		tok, err = db.openSession(ctx, tx, s.user, s.family, s.current)
		return err
	})
	if err == nil && reused {
		err = errBadToken
	}
	return tok, err
}

func revokeFamily(ctx context.Context, tx *dbTx, family int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = 1 WHERE family_id = ?`, family)
	if err != nil {
		return fmt.Errorf("sqlstore: revoke sessions: %w", err)
	}
	return nil
}

// SignOut implements tenantd.AuthService. It revokes every session of the sign-in the actor's
// session descends from, so tokens handed out before a refresh stop working too.
func (db *DB) SignOut(ctx context.Context, actor tenantd.Actor) error {
	return db.inTx(ctx, func(tx *dbTx) error {
		var family int64
		err := tx.QueryRowContext(ctx, `SELECT family_id FROM sessions WHERE id = ?`,
			actor.SessionID).Scan(&family)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadToken
		}
		if err != nil {
			return fmt.Errorf("sqlstore: find session: %w", err)
		}
		if err := revokeFamily(ctx, tx, family); err != nil {
			return err
		}
		return db.record(ctx, tx, actor, auditRecord{tenantID: homeTenant(actor),
			action: tenantd.ActionLogout, objectType: tenantd.ObjectLogin,
			objectName: actor.Name})
	})
}

// homeTenant is the tenant an account belongs to: 0 for system admins and dealers, whose
// TenantID is only the tenant they switched to.
func homeTenant(actor tenantd.Actor) int64 {
	if actor.Role == tenantd.RoleAdmin || actor.Role == tenantd.RoleStandardUser {
		return actor.TenantID
	}
	return 0
}

// Authenticate implements tenantd.AuthService. A disabled account or tenant fails here, so
// disabling one takes effect on the next request.
func (db *DB) Authenticate(ctx context.Context, accessToken string) (tenantd.Actor, error) {
	hash, now := secret.HashToken(accessToken), db.Now().Unix()
	var epoch int64
	if db.auth != nil {
		if a, ok := db.auth.get(hash, now); ok {
			return a, nil
		}
		epoch = db.auth.epoch.Load() // read before the query: a revocation after it wins
	}

	var a tenantd.Actor
	var home, current sql.NullInt64
	var expires int64
	err := db.read.QueryRowContext(ctx, `SELECT s.id, u.id, u.name, u.role, u.tenant_id,
		s.current_tenant_id, s.access_expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN tenants t ON t.id = u.tenant_id
		WHERE s.access_hash = ? AND s.revoked = 0 AND s.access_expires_at > ?
		AND u.enabled = 1 AND coalesce(t.enabled, 1) = 1`, hash, now).
		Scan(&a.SessionID, &a.UserID, &a.Name, &a.Role, &home, &current, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errBadToken
	}
	if err != nil {
		return a, fmt.Errorf("sqlstore: authenticate: %w", err)
	}

	a.TenantID = current.Int64
	if home.Valid {
		a.TenantID = home.Int64
	}
	a.ExpiresAt = time.Unix(expires, 0).UTC()
	if db.auth != nil {
		db.auth.put(hash, a, expires, epoch)
	}
	return a, nil
}

// EnsureAdmin creates the system admin account "admin" with the given password when no system
// admin exists yet, and reports whether it did.
func (db *DB) EnsureAdmin(ctx context.Context, password string) (bool, error) {
	hash, err := db.hashPassword(ctx, password)
	if err != nil {
		return false, err
	}

	created := false
	err = db.inTx(ctx, func(tx *dbTx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = ?`,
			tenantd.RoleSystemAdmin).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, tenant_id, name, role,
			password_hash, enabled, created_at) VALUES (?, NULL, 'admin', ?, ?, 1, ?)`,
			db.ids.Next(), tenantd.RoleSystemAdmin, hash, db.Now().Unix())
		created = err == nil
		return err
	})
	if isUniqueViolation(err) {
		return false, nil // another process, starting at the same time, created it
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: ensure admin: %w", err)
	}
	return created, nil
}

// HasAdmin reports whether a system admin account exists.
func (db *DB) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = ?`,
		tenantd.RoleSystemAdmin).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlstore: count admins: %w", err)
	}
	return n > 0, nil
}

// MustResetPassword implements tenantd.AuthService. System admins and dealers belong to no
// tenant and are never forced.
func (db *DB) MustResetPassword(ctx context.Context, actor tenantd.Actor) (bool, error) {
	if actor.Role != tenantd.RoleAdmin && actor.Role != tenantd.RoleStandardUser {
		return false, nil
	}

	var settings string
	err := db.read.QueryRowContext(ctx, `SELECT settings FROM tenant_settings
		WHERE tenant_id = ?`, actor.TenantID).Scan(&settings)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errBadToken // the tenant went away under the token
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: read tenant settings: %w", err)
	}

	var doc struct {
		PasswordForceReset bool `json:"password_force_reset"`
	}
	if err := json.Unmarshal([]byte(settings), &doc); err != nil {
		return false, fmt.Errorf("sqlstore: decode tenant settings: %w", err)
	}
	return doc.PasswordForceReset, nil
}

// revokeUserSessions ends every live session of the accounts that userCond selects (a
// condition on users' id column, with its arguments): disabling an account or a tenant, or
// changing a password, must end the sessions it had, not just pause them until re-enabled.
func revokeUserSessions(ctx context.Context, tx *dbTx, userCond string, args ...any) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = 1 WHERE revoked = 0
		AND user_id IN (SELECT id FROM users WHERE `+userCond+`)`, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: revoke sessions: %w", err)
	}
	return nil
}

// prehashed is a password hashed before a write transaction began. Hashing takes tens of
// milliseconds on purpose; on SQLite every write waits for the one writer, so an update that
// hashed inside its transaction would hold up every other write meanwhile.
type prehashed struct {
	password, encoded string
}

// prehash hashes password, if any, outside any transaction. An update finds the new password
// by applying its change to a blank record first: the change is a pure function of the
// request, so inside the transaction it sets the same password.
func (db *DB) prehash(ctx context.Context, password string) (prehashed, error) {
	if password == "" {
		return prehashed{}, nil
	}
	hash, err := db.hashPassword(ctx, password)
	return prehashed{password: password, encoded: hash}, err
}

// hashFor returns the hash of password: the one made beforehand when it is for this
// password, else a new one (then inside the transaction, slower but correct).
func (p prehashed) hashFor(ctx context.Context, db *DB, password string) (string, error) {
	if p.encoded != "" && p.password == password {
		return p.encoded, nil
	}
	return db.hashPassword(ctx, password)
}
