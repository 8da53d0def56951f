package httpapi

import (
	"mime"
	"net/http"
	"time"

	"github.com/tenantd/tenantd"
)

// loginCookie carries the access token of a PortSIP-style login. Its path is /api/login, so
// browsers send it nowhere else: every other endpoint takes bearer tokens only, which keeps
// them out of reach of cross-site requests.
const loginCookie = "tenantd_session"

// login is PortSIP's POST /login: a sign-in whose session a browser keeps in a cookie. It
// answers the token object too, so that a script can use it as a bearer token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	// A page on another site can post a form here, but not with a JSON content type without
	// the browser asking first (CORS); requiring JSON keeps such a page from logging a victim's
	// browser into the attacker's account.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		var p tenantd.Problems
		p.Add("Content-Type", "must be application/json")
		return p.Err()
	}
	in, err := readObject(w, r)
	if err != nil {
		return err
	}
	strs, err := readStrings(in, []string{"username", "password"}, []string{"domain"})
	if err != nil {
		return err
	}

	tok, err := s.signInLimited(r, tenantd.Credentials{
		Username: strs["username"], Password: strs["password"], Domain: strs["domain"],
		Source: clientAddr(r),
	})
	if err != nil {
		return err
	}

	http.SetCookie(w, &http.Cookie{
		Name: loginCookie, Value: tok.AccessToken, Path: "/api/login",
		MaxAge: int(tok.ExpiresIn.Seconds()), HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	writeToken(w, tok)
	return nil
}

// loginStatus is PortSIP's GET /login: the access token of the current session, from the
// login cookie or a bearer token, with its expiry and the account's role.
func (s *Server) loginStatus(w http.ResponseWriter, r *http.Request) error {
	token, ok := bearerToken(r)
	if !ok {
		c, err := r.Cookie(loginCookie)
		if err != nil || c.Value == "" || len(c.Value) > 512 {
			return tenantd.Errorf(tenantd.EUnauthorized, "not signed in")
		}
		token = c.Value
	}

	actor, err := s.Auth.Authenticate(r.Context(), token)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"expires_at":   tenantd.FormatTime(actor.ExpiresAt),
		"expires_in":   int64(max(0, time.Until(actor.ExpiresAt).Seconds())),
		"role":         actor.Role,
	})
	return nil
}
