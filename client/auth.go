package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/tenantd/tenantd"
)

// refreshMargin renews a token this long before it expires, so that a request never leaves
// with a token that lapses on the way.
const refreshMargin = 30 * time.Second

// ErrSignedOut is returned by calls that need a token when the client has none.
var ErrSignedOut = errors.New("client: not signed in")

// tokenBody is the token object of sign-in and refresh answers.
type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
}

// SignIn signs in with a user name and password; domain names the tenant of a tenant user
// and is "" for the system admin and dealers. The client keeps the token.
func (c *Client) SignIn(ctx context.Context, username, password, domain string) (Token, error) {
	in := map[string]string{"username": username, "password": password}
	if domain != "" {
		in["domain"] = domain
	}
	r := request{method: http.MethodPost, path: "/api/auth/sign_in", anonymous: true}
	if err := r.jsonBody(in); err != nil {
		return Token{}, err
	}

	var tb tokenBody
	if err := c.call(ctx, r, &tb); err != nil {
		return Token{}, err
	}
	return c.setToken(tb), nil
}

// Refresh exchanges the refresh token for a new pair and keeps it.
func (c *Client) Refresh(ctx context.Context) (Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refreshLocked(ctx)
}

func (c *Client) refreshLocked(ctx context.Context) (Token, error) {
	if c.token.RefreshToken == "" {
		return Token{}, ErrSignedOut
	}
	r := request{method: http.MethodPost, path: "/api/auth/refresh_token", anonymous: true}
	if err := r.jsonBody(map[string]string{"refresh_token": c.token.RefreshToken}); err != nil {
		return Token{}, err
	}

	var tb tokenBody
	if err := c.call(ctx, r, &tb); err != nil {
		return Token{}, err
	}
	c.token = c.tokenFrom(tb)
	c.changed()
	return c.token, nil
}

// SignOut revokes the session on the server and forgets the token.
func (c *Client) SignOut(ctx context.Context) error {
	err := c.postEmpty(ctx, "/api/auth/sign_out")

	c.mu.Lock()
	c.token = Token{}
	c.changed()
	c.mu.Unlock()
	return err
}

// AuthUser describes the signed-in account.
type AuthUser struct {
	Role               tenantd.Role `json:"role"`
	PasswordVerified   bool         `json:"password_verified"`
	PasswordForceReset bool         `json:"password_force_reset"`
}

// CurrentUser returns the signed-in account.
func (c *Client) CurrentUser(ctx context.Context) (*AuthUser, error) {
	var u AuthUser
	if err := c.getJSON(ctx, "/api/auth/user", nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// OAuthToken signs in through the OAuth 2 password grant form, as some PortSIP clients do.
func (c *Client) OAuthToken(ctx context.Context, username, password, domain string) (Token, error) {
	form := url.Values{"grant_type": {"password"}, "username": {username},
		"password": {password}}
	if domain != "" {
		form.Set("domain", domain)
	}
	r := request{method: http.MethodPost, path: "/api/login/oauth/token", anonymous: true,
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded"}

	var tb tokenBody
	if err := c.call(ctx, r, &tb); err != nil {
		return Token{}, err
	}
	return c.setToken(tb), nil
}

func (c *Client) setToken(tb tokenBody) Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = c.tokenFrom(tb)
	c.changed()
	return c.token
}

func (c *Client) tokenFrom(tb tokenBody) Token {
	return Token{
		AccessToken:  tb.AccessToken,
		RefreshToken: tb.RefreshToken,
		Expiry:       c.now().Add(time.Duration(tb.ExpiresIn) * time.Second),
	}
}

// changed tells the owner about a new token; c.mu is held.
func (c *Client) changed() {
	if c.onToken != nil {
		c.onToken(c.token)
	}
}

// accessToken returns a bearer token that is valid for at least refreshMargin, renewing it
// first when needed.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.token.AccessToken == "" {
		return "", ErrSignedOut
	}
	expiring := !c.token.Expiry.IsZero() && c.now().Add(refreshMargin).After(c.token.Expiry)
	if expiring && c.token.RefreshToken != "" {
		if _, err := c.refreshLocked(ctx); err != nil {
			return "", err
		}
	}
	return c.token.AccessToken, nil
}

func (c *Client) hasRefreshToken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token.RefreshToken != ""
}
