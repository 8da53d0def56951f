package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/client"
)

// client returns a typed client for the server whose every answer is checked against the
// OpenAPI document, like the answers of do.
func (s *server) client(t testing.TB, opts ...client.Option) *client.Client {
	t.Helper()
	h := &http.Client{Timeout: 30 * time.Second,
		Transport: contractTransport{t, http.DefaultTransport}}
	return client.New(s.URL, append([]client.Option{client.WithHTTPClient(h)}, opts...)...)
}

// contractTransport checks each answer against the OpenAPI document on its way to the client.
type contractTransport struct {
	t    testing.TB
	next http.RoundTripper
}

func (ct contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := ct.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	checkContract(ct.t, req.Method, req.URL.RequestURI(),
		&response{Status: res.StatusCode, Header: res.Header, Body: body})
	return res, nil
}

func TestClientTenantLifecycle(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	c := s.client(t)
	if _, err := c.SignIn(ctx, "admin", adminPassword, ""); err != nil {
		t.Fatal(err)
	}

	in := tenantd.NewTenant()
	in.Name, in.Domain, in.Timezone, in.Currency, in.Region = "Acme", "PBX.Acme.Example",
		"Europe/Zurich", "chf", "che"
	in.MaxExtensions, in.DiskQuota = 250, "5gb"
	id, err := c.Tenants().Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	got, err := c.Tenants().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The server answers the canonical forms of what was sent.
	want := *in
	want.ID, want.CreatedAt, want.Version = got.ID, got.CreatedAt, got.Version
	want.Domain, want.Currency, want.Region, want.DiskQuota = "pbx.acme.example", "CHF", "CHE", "5GB"
	if tenantd.FormatID(got.ID) != id || got.CreatedAt.IsZero() {
		t.Fatalf("read back id %d, created %v", got.ID, got.CreatedAt)
	}
	if gotJSON, wantJSON := mustJSON(got), mustJSON(&want); !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("read back\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	if _, err := c.Tenants().CreateFields(ctx, client.Fields{"name": "Beta", "domain": "beta.example",
		"timezone": "UTC", "currency": "EUR", "region": "DEU"}); err != nil {
		t.Fatal(err)
	}
	page, err := c.Tenants().List(ctx, client.ListOptions{OrderBy: "name desc", Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 2 || len(page.Items) != 1 || page.Items[0].Name != "Beta" {
		t.Fatalf("page %+v", page)
	}

	updated, err := c.Tenants().Update(ctx, id, client.Fields{"enabled": false,
		"e164": map[string]any{"enabled": true, "country": "+41"}})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Enabled || !updated.E164.Enabled || updated.E164.Country != "+41" ||
		updated.MaxExtensions != 250 {
		t.Fatalf("updated %+v", updated)
	}

	if err := c.Tenants().Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.Tenants().Get(ctx, id)
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Code != tenantd.ENotFound ||
		apiErr.RequestID == "" {
		t.Fatalf("get after delete: %#v", err)
	}
}

func TestClientValidationError(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	c := s.client(t)
	if _, err := c.SignIn(ctx, "admin", adminPassword, ""); err != nil {
		t.Fatal(err)
	}

	_, err := c.Tenants().CreateFields(ctx, client.Fields{"name": "Acme", "domain": "-bad-",
		"timezone": "Mars/Olympus", "currency": "CHF", "region": "CHE", "max_extensions": 1.5})
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Code != tenantd.EInvalid {
		t.Fatalf("create: %#v", err)
	}
	var fields []string
	for _, f := range apiErr.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"domain", "max_extensions", "timezone"}; !slices.Equal(fields, want) {
		t.Fatalf("fields %v, want %v", fields, want)
	}

	_, err = c.SignIn(ctx, "admin", "wrong password", "")
	if client.ErrorStatus(err) != 401 {
		t.Fatalf("sign-in with a wrong password: %v", err)
	}
}

func TestClientRenewsTokens(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	first := s.client(t)
	signedIn, err := first.SignIn(ctx, "admin", adminPassword, "")
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		token client.Token
	}{
		// The saved token says it has expired: the client renews it before the call.
		{"expired", client.Token{AccessToken: signedIn.AccessToken,
			RefreshToken: signedIn.RefreshToken, Expiry: time.Now().Add(-time.Minute)}},
		// The server refuses the access token: the client renews it and tries once more.
		{"refused", client.Token{AccessToken: "revoked", Expiry: time.Now().Add(time.Hour)}},
	}
	refresh := signedIn.RefreshToken
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var saved []client.Token
			tc.token.RefreshToken = refresh
			c := s.client(t, client.WithToken(tc.token),
				client.OnTokenChange(func(tok client.Token) { saved = append(saved, tok) }))

			if _, err := c.Tenants().List(ctx, client.ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if len(saved) != 1 || saved[0].RefreshToken == refresh ||
				!saved[0].Expiry.After(time.Now().Add(20*time.Minute)) {
				t.Fatalf("saved tokens %+v", saved)
			}
			refresh = saved[0].RefreshToken
		})
	}

	c := s.client(t)
	if _, err := c.Tenants().List(ctx, client.ListOptions{}); !errors.Is(err, client.ErrSignedOut) {
		t.Fatalf("list without signing in: %v", err)
	}
}
