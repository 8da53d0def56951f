package tenantd

import (
	"context"
	"time"
)

// Role is what a signed-in account may do.
type Role string

// The roles PortSIP defines.
const (
	RoleSystemAdmin  Role = "SystemAdmin"
	RoleDealer       Role = "Dealer"
	RoleAdmin        Role = "Admin"
	RoleStandardUser Role = "StandardUser"
)

// Actor is the authenticated caller of a request: who it is and which tenant it works in.
// Every service method takes it explicitly and limits what it sees to what the actor may see.
type Actor struct {
	UserID    int64
	SessionID int64
	Name      string
	Role      Role

	// TenantID is the tenant the actor works in: its own for tenant users, the one chosen with
	// tenants/switch for system admins and dealers (0 when none is chosen).
	TenantID int64

	// Source is the client's network address, for throttling and the audit trail.
	Source string

	// ExpiresAt is when the access token the actor signed in with expires.
	ExpiresAt time.Time
}

// Token is the pair of bearer tokens handed out at sign-in and on refresh.
type Token struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
}

// AccessTokenTTL and RefreshTokenTTL are how long tokens stay valid.
const (
	AccessTokenTTL  = 30 * time.Minute
	RefreshTokenTTL = 30 * 24 * time.Hour
)

// Credentials are what a person signs in with. Domain names the tenant of a tenant user and
// is empty for system admins and dealers.
type Credentials struct {
	Username string
	Password string
	Domain   string
	Source   string
}

// AuthService signs people in and out and turns bearer tokens into actors.
type AuthService interface {
	// SignIn checks the credentials and opens a session. Wrong credentials, unknown accounts
	// and disabled accounts or tenants are all EUnauthorized, with one message.
	SignIn(ctx context.Context, c Credentials) (*Token, error)

	// Refresh exchanges a refresh token for a new pair. A refresh token works once: using it
	// again revokes every token descended from the same sign-in.
	Refresh(ctx context.Context, refreshToken string) (*Token, error)

	// SignOut revokes the actor's session: its access and refresh tokens stop working at once.
	SignOut(ctx context.Context, actor Actor) error

	// Authenticate returns the actor an access token belongs to, or EUnauthorized.
	Authenticate(ctx context.Context, accessToken string) (Actor, error)

	// MustResetPassword reports whether the actor must change its password before anything
	// else: set for the users of a tenant whose password_force_reset is on.
	MustResetPassword(ctx context.Context, actor Actor) (bool, error)
}
