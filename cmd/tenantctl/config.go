package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tenantd/tenantd/client"
)

// errNotLoggedIn means there are no stored credentials.
var errNotLoggedIn = errors.New("not logged in")

// credentials are what login stores: where the server is, who signed in, and the tokens.
type credentials struct {
	Server   string       `json:"server"`
	Username string       `json:"username"`
	Domain   string       `json:"domain,omitempty"`
	Token    client.Token `json:"token"`
}

func (a *app) credentialsPath() (string, error) {
	dir, err := a.configDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(dir, "tenantctl", "credentials.json"), nil
}

func (a *app) credentialsPathForHelp() string {
	p, err := a.credentialsPath()
	if err != nil {
		return "the user config directory"
	}
	return p
}

func (a *app) loadCredentials() (*credentials, error) {
	path, err := a.credentialsPath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotLoggedIn
	}
	if err != nil {
		return nil, err
	}

	var c credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w; run tenantctl login again", path, err)
	}
	return &c, nil
}

// saveCredentials writes c readable by its owner only. It writes a new file and renames it
// over the old one, so that a crash never leaves half a file, and the file is never readable
// by others, not even for a moment.
func (a *app) saveCredentials(c *credentials) error {
	path, err := a.credentialsPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// client returns a client signed in with the stored tokens; renewed tokens are stored again.
func (a *app) client() (*client.Client, error) {
	creds, err := a.loadCredentials()
	if err != nil {
		return nil, err
	}

	save := func(t client.Token) {
		if t.AccessToken == "" {
			return // signed out: logout removes the file itself
		}
		creds.Token = t
		if err := a.saveCredentials(creds); err != nil {
			fmt.Fprintln(a.stderr, "tenantctl: warning: could not store the renewed token:", err)
		}
	}
	return client.New(creds.Server, client.WithHTTPClient(a.httpClient),
		client.WithToken(creds.Token), client.OnTokenChange(save)), nil
}

func runLogin(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("login", "login --server URL --user NAME [--domain DOMAIN] [--password-stdin]",
		"Signs in and stores the tokens for the other commands. The password comes from\n"+
			"--password-stdin (first line of standard input), else $TENANTCTL_PASSWORD, else\n"+
			"--password (visible to other local users in the process list), else a prompt.")
	server := fs.String("server", a.getenv("TENANTCTL_SERVER"),
		"server URL, such as http://127.0.0.1:8887 (default $TENANTCTL_SERVER)")
	user := fs.String("user", "admin", "account name")
	domain := fs.String("domain", "", "tenant domain, for tenant users only")
	password := fs.String("password", "", "the password (prefer --password-stdin)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(rest); err != nil {
		return err
	}
	if *server == "" {
		return usageErrorf("login needs --server")
	}

	secret, err := a.password(*password, *fromStdin)
	if err != nil {
		return err
	}
	creds := &credentials{Server: strings.TrimRight(*server, "/"), Username: *user, Domain: *domain}
	c := client.New(creds.Server, client.WithHTTPClient(a.httpClient))
	if creds.Token, err = c.SignIn(ctx, *user, secret, *domain); err != nil {
		return err
	}
	if err := a.saveCredentials(creds); err != nil {
		return err
	}

	me, err := c.CurrentUser(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Logged in to %s as %s (%s).\n", creds.Server, *user, me.Role)
	return nil
}

// password picks the password from the first source that has one.
func (a *app) password(flagValue string, fromStdin bool) (string, error) {
	if fromStdin {
		return readLine(a)
	}
	if p := a.getenv("TENANTCTL_PASSWORD"); p != "" {
		return p, nil
	}
	if flagValue != "" {
		return flagValue, nil
	}
	fmt.Fprint(a.stderr, "Password: ")
	return readLine(a)
}

func readLine(a *app) (string, error) {
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" && err != nil {
		return "", usageErrorf("no password on standard input")
	}
	return line, nil
}

func runLogout(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("logout", "logout", "Revokes the stored session on the server and removes it.")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(rest); err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	signOutErr := c.SignOut(ctx)
	path, err := a.credentialsPath()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	if signOutErr != nil && client.ErrorStatus(signOutErr) != 401 {
		return signOutErr
	}
	fmt.Fprintln(a.stdout, "Logged out.")
	return nil
}

func runWhoami(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("whoami", "whoami", "Shows the server and the signed-in account.")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(rest); err != nil {
		return err
	}

	creds, err := a.loadCredentials()
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	me, err := c.CurrentUser(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s on %s (%s)\n", creds.Username, creds.Server, me.Role)
	return nil
}
