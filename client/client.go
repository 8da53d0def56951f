// Package client is a typed Go client for tenantd's HTTP API. tenantctl and the end-to-end
// tests use it; so can any Go program that manages tenants.
//
//	c := client.New("http://127.0.0.1:8887")
//	if _, err := c.SignIn(ctx, "admin", password, ""); err != nil { ... }
//	page, err := c.Tenants().List(ctx, client.ListOptions{Search: "acme"})
//
// Errors the server answers are *Error, carrying the HTTP status, the code, the message and
// the rejected fields. The client refreshes its access token by itself when it has expired
// or is about to, and once more when the server answers 401.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tenantd/tenantd"
)

// Client talks to one tenantd server. It is safe for concurrent use.
type Client struct {
	base    string
	http    *http.Client
	onToken func(Token)
	now     func() time.Time

	mu    sync.Mutex // guards token and serialises refreshes
	token Token
}

// Token is a signed-in session: the bearer token, the token that renews it and when the
// bearer token expires.
type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"`
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through h instead of a client with a 60-second timeout;
// nil keeps the default.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithToken starts the client signed in with a token saved earlier.
func WithToken(t Token) Option {
	return func(c *Client) { c.token = t }
}

// OnTokenChange calls f with the new token after every sign-in and refresh, and with the zero
// Token after sign-out, so that a program can save it. f runs while the client holds its
// lock: it must not call the client.
func OnTokenChange(f func(Token)) Option {
	return func(c *Client) { c.onToken = f }
}

// New returns a client for the server at baseURL, such as "http://127.0.0.1:8887". It does
// no I/O.
func New(baseURL string, opts ...Option) *Client {
	c := &Client{
		base: strings.TrimRight(baseURL, "/"),
		http: &http.Client{Timeout: 60 * time.Second},
		now:  time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Token returns the client's current token; it is the zero Token when signed out.
func (c *Client) Token() Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Error is an error answered by the server.
type Error struct {
	Status    int                  // the HTTP status
	Code      string               // the error code, such as VALIDATE_FAILED; "" when absent
	Message   string               // the server's message
	Fields    []tenantd.FieldError // the rejected fields of a validation error
	RequestID string               // the X-Request-Id of the answer
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (HTTP %d): %s", e.Code, e.Status, e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s %s", f.Field, f.Reason)
	}
	return b.String()
}

// ErrorStatus returns the HTTP status of the *Error in err's chain, or 0 when there is none
// (a network failure, for instance).
func ErrorStatus(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// request is one call to the server.
type request struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte // kept whole so that a request can be sent again after a refresh
	contentType  string
	anonymous    bool
}

// jsonBody sets the request body to v encoded as JSON.
func (r *request) jsonBody(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("client: encode request: %w", err)
	}
	r.body, r.contentType = b, "application/json"
	return nil
}

// send performs r and returns the response of a 2xx answer; the caller closes its body. Any
// other answer is returned as *Error.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	retried := false
	for {
		var token string
		if !r.anonymous {
			var err error
			if token, err = c.accessToken(ctx); err != nil {
				return nil, err
			}
		}

		res, err := c.sendOnce(ctx, r, token)
		if err != nil {
			return nil, err
		}
		if res.StatusCode/100 == 2 {
			return res, nil
		}

		apiErr := readError(res)
		if res.StatusCode == http.StatusUnauthorized && !r.anonymous && !retried &&
			c.hasRefreshToken() {
			// The token may have been revoked early or the clocks disagree: renew it once.
			retried = true
			if _, err := c.Refresh(ctx); err == nil {
				continue
			}
		}
		return nil, apiErr
	}
}

func (c *Client) sendOnce(ctx context.Context, r request, token string) (*http.Response, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, bytes.NewReader(r.body))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", r.method, r.path, err)
	}
	return res, nil
}

// readError turns a non-2xx answer into *Error, closing its body.
func readError(res *http.Response) *Error {
	defer res.Body.Close()
	e := &Error{Status: res.StatusCode, RequestID: res.Header.Get("X-Request-Id")}

	var env struct {
		Errors []struct {
			Code    string               `json:"code"`
			Message string               `json:"message"`
			Detail  []tenantd.FieldError `json:"detail"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(raw, &env) == nil && len(env.Errors) > 0 {
		first := env.Errors[0]
		e.Code, e.Message, e.Fields = first.Code, first.Message, first.Detail
		return e
	}
	e.Message = http.StatusText(res.StatusCode)
	return e
}

// call performs r and decodes a JSON answer into out, unless out is nil.
func (c *Client) call(ctx context.Context, r request, out any) error {
	res, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer res.Body.Close()

	if out == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("client: %s %s: decode answer: %w", r.method, r.path, err)
	}
	return nil
}

// getJSON, postJSON and postEmpty are the shapes most endpoints have.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	return c.call(ctx, request{method: http.MethodGet, path: path, query: q}, out)
}

func (c *Client) postJSON(ctx context.Context, path string, in, out any) error {
	r := request{method: http.MethodPost, path: path}
	if err := r.jsonBody(in); err != nil {
		return err
	}
	return c.call(ctx, r, out)
}

func (c *Client) postEmpty(ctx context.Context, path string) error {
	return c.call(ctx, request{method: http.MethodPost, path: path}, nil)
}

// escape makes an id safe inside a path.
func escape(id string) string {
	return url.PathEscape(id)
}
