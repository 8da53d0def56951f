package httpapi

import (
	"errors"
	"net/http"
	"slices"

	"github.com/tenantd/tenantd"
)

// tokenBody is the token object PortSIP clients expect from every sign-in and refresh.
type tokenBody struct {
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
}

func writeToken(w http.ResponseWriter, t *tenantd.Token) {
	// Tokens must not sit in a cache between client and server (RFC 6749, section 5.1).
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenBody{
		TokenType:    "Bearer",
		AccessToken:  t.AccessToken,
		RefreshToken: t.RefreshToken,
		ExpiresIn:    int64(t.ExpiresIn.Seconds()),
	})
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
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
	writeToken(w, tok)
	return nil
}

func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) error {
	in, err := readObject(w, r)
	if err != nil {
		return err
	}
	strs, err := readStrings(in, []string{"refresh_token"}, nil)
	if err != nil {
		return err
	}

	tok, err := s.Auth.Refresh(r.Context(), strs["refresh_token"])
	if err != nil {
		return err
	}
	writeToken(w, tok)
	return nil
}

// oauthToken is PortSIP's form login: the OAuth 2 password and refresh_token grants.
// client_id and scope are accepted and ignored, as PortSIP does.
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return tenantd.Errorf(tenantd.ETooLarge, "the form is too large")
		}
		return badBody("must be a URL-encoded form")
	}

	var tok *tenantd.Token
	var err error
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "password":
		tok, err = s.signInLimited(r, tenantd.Credentials{
			Username: r.PostForm.Get("username"), Password: r.PostForm.Get("password"),
			Domain: r.PostForm.Get("domain"), Source: clientAddr(r),
		})
	case "refresh_token":
		tok, err = s.Auth.Refresh(r.Context(), r.PostForm.Get("refresh_token"))
	default:
		var p tenantd.Problems
		p.Add("grant_type", "must be password or refresh_token")
		err = p.Err()
	}
	if err != nil {
		return err
	}
	writeToken(w, tok)
	return nil
}

// signInLimited signs in unless the account or address is locked out by earlier failures,
// and counts the outcome. A locked-out request is 429 with Retry-After, and its password is
// not even checked.
func (s *Server) signInLimited(r *http.Request, c tenantd.Credentials) (*tenantd.Token, error) {
	wait, done := s.Limiter.Attempt(c.Domain, c.Username, c.Source)
	if wait > 0 {
		return nil, &retryAfter{
			err: tenantd.Errorf(tenantd.ETooManyRequests,
				"too many failed sign-ins; try again later"),
			wait: wait,
		}
	}

	tok, err := s.Auth.SignIn(r.Context(), c)
	// Only a success takes the attempt back. Any other outcome, a server error included,
	// keeps it counted: an attacker must not get free guesses by making sign-in fail.
	done(err == nil)
	return tok, err
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	if err := s.Auth.SignOut(r.Context(), actor); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

// authUser describes the signed-in account.
func (s *Server) authUser(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	reset, err := s.Auth.MustResetPassword(r.Context(), actor)
	if err != nil {
		return err
	}

	// Every session tenantd opens began with a checked password (there is no QR or
	// single-sign-on path), so password_verified is true by construction.
	writeJSON(w, http.StatusOK, map[string]any{
		"role":                 actor.Role,
		"password_verified":    true,
		"password_force_reset": reset,
	})
	return nil
}

// readStrings reads the named string members of a small body; required ones must be present
// and non-empty, and any other member is refused.
func readStrings(in tenantd.Input, required, optional []string) (map[string]string, error) {
	var p tenantd.Problems
	out := map[string]string{}

	for _, name := range sortedNames(in) {
		if !slices.Contains(required, name) && !slices.Contains(optional, name) {
			p.Add(name, "unknown field")
			continue
		}
		var v string
		if err := jsonString(in[name], &v); err != nil || len(v) > 1024 {
			p.Add(name, "must be a string of at most 1024 bytes")
			continue
		}
		out[name] = v
	}
	for _, name := range required {
		if out[name] == "" && !slices.ContainsFunc(p, func(f tenantd.FieldError) bool {
			return f.Field == name
		}) {
			p.Add(name, "is required")
		}
	}
	return out, p.Err()
}
