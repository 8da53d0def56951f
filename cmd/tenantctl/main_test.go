package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenantd/tenantd/internal/daemon"
)

const adminPassword = "test-admin-password"

// startServer runs tenantd in this process on a free port until the test ends, points
// tenantctl's config directory at a fresh one, and returns the server's URL.
func startServer(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("TENANTCTL_PASSWORD", "")
	t.Setenv("TENANTCTL_SERVER", "")

	cfg := daemon.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), AdminPassword: adminPassword,
		ShutdownTimeout: 5 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, slog.New(slog.DiscardHandler), started) }()

	select {
	case addr := <-started:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("tenantd stopped with an error: %v", err)
			}
		})
		return "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("tenantd did not start: %v", err)
	}
	return ""
}

// cli runs tenantctl in this process and returns its exit code and output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// mustCLI runs tenantctl and fails the test unless it exits 0.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, args...)
	if code != 0 {
		t.Fatalf("tenantctl %s: exit %d\nstderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func login(t *testing.T, url string) {
	t.Helper()
	mustCLI(t, "login", "--server", url, "--user", "admin", "--password", adminPassword)
}

func credentialsFile(t *testing.T) string {
	return filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "tenantctl", "credentials.json")
}

func TestLoginStoresTokensPrivately(t *testing.T) {
	url := startServer(t)
	out := mustCLI(t, "login", "--server", url+"/", "--user", "admin", "--password", adminPassword)
	if !strings.HasPrefix(out, "Logged in to "+url+" as admin (SystemAdmin)") {
		t.Fatalf("login said %q", out)
	}

	info, err := os.Stat(credentialsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("credentials mode %v, want 0600", info.Mode().Perm())
	}
	dir, err := os.Stat(filepath.Dir(credentialsFile(t)))
	if err != nil || dir.Mode().Perm() != 0o700 {
		t.Fatalf("config directory: %v %v", dir.Mode().Perm(), err)
	}

	if out := mustCLI(t, "whoami"); out != "admin on "+url+" (SystemAdmin)\n" {
		t.Fatalf("whoami said %q", out)
	}
	mustCLI(t, "logout")
	if _, err := os.Stat(credentialsFile(t)); !os.IsNotExist(err) {
		t.Fatalf("credentials remain after logout: %v", err)
	}
}

func TestLoginReadsPasswordFromStdin(t *testing.T) {
	url := startServer(t)
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(adminPassword+"\n"), &out, &errOut)
	if code := a.run([]string{"login", "--server", url, "--password-stdin"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

// listed decodes tenants list -o json.
func listed(t *testing.T, args ...string) (count int, ids, names []string) {
	t.Helper()
	var page struct {
		Count int `json:"count"`
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	out := mustCLI(t, append([]string{"tenants", "list", "-o", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("list -o json: %v\n%s", err, out)
	}
	for _, it := range page.Items {
		ids, names = append(ids, it.ID), append(names, it.Name)
	}
	return page.Count, ids, names
}

// getTenant decodes tenants get -o json.
func getTenant(t *testing.T, id string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, "tenants", "get", id, "-o", "json")), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTenantsLifecycle(t *testing.T) {
	url := startServer(t)
	login(t, url)

	id := strings.TrimSpace(mustCLI(t, "tenants", "create", "--name", "Acme", "--domain",
		"PBX.acme.example", "--timezone", "Europe/Zurich", "--currency", "chf", "--region", "che",
		"--max-extensions", "50", "--enable-night-mode", "--disk-quota", "10gb",
		"--e164", `{"enabled":true}`, "--e164-country", "+41",
		"--office-hours", `{"saturday":{"enabled":true,"ranges":[{"from":"09:00","to":"12:00"}]}}`))
	other := strings.TrimSpace(mustCLI(t, "tenants", "create", "--name", "Beta", "--domain",
		"beta.example", "--timezone", "UTC", "--currency", "EUR", "--region", "DEU"))

	got := getTenant(t, id)
	e164, _ := got["e164"].(map[string]any)
	hours, _ := got["office_hours"].(map[string]any)
	saturday, _ := hours["saturday"].(map[string]any)
	if got["domain"] != "pbx.acme.example" || got["max_extensions"] != 50.0 ||
		got["enable_night_mode"] != true || got["disk_quota"] != "10GB" ||
		e164["enabled"] != true || e164["country"] != "+41" || saturday["enabled"] != true {
		t.Fatalf("created %v", got)
	}

	// The table: a header, one row per tenant in the requested order, and the count.
	table := mustCLI(t, "tenants", "list", "--orderby", "name desc")
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", table)
	}
	header := strings.Fields(lines[0])
	if !slices.Equal(header[:4], []string{"ID", "NAME", "DOMAIN", "ENABLED"}) {
		t.Fatalf("header %v", header)
	}
	for i, want := range [][]string{{other, "Beta", "beta.example"},
		{id, "Acme", "pbx.acme.example"}} {
		if row := strings.Fields(lines[i+1]); !slices.Equal(row[:3], want) {
			t.Fatalf("row %d: %v, want %v", i, row, want)
		}
	}
	if lines[3] != "(2 of 2)" {
		t.Fatalf("footer %q", lines[3])
	}

	count, ids, _ := listed(t, "--search", "ACME")
	if count != 1 || !slices.Equal(ids, []string{id}) {
		t.Fatalf("search: %d %v", count, ids)
	}
	count, ids, _ = listed(t, "--filter", "currency eq 'EUR'", "--top", "1", "--skip", "0")
	if count != 1 || !slices.Equal(ids, []string{other}) {
		t.Fatalf("filter: %d %v", count, ids)
	}

	mustCLI(t, "tenants", "update", id, "--enabled=false", "--max-extensions", "75",
		"--cdr-event-url", "https://hooks.acme.example/cdr")
	got = getTenant(t, id)
	cdr, _ := got["cdr_event"].(map[string]any)
	if got["enabled"] != false || got["max_extensions"] != 75.0 ||
		cdr["url"] != "https://hooks.acme.example/cdr" || got["enable_night_mode"] != true {
		t.Fatalf("updated %v", got)
	}

	mustCLI(t, "tenants", "delete", id)
	code, _, errOut := cli(t, "tenants", "get", id)
	if code != exitNotFound || !strings.Contains(errOut, "NOT_FOUND") {
		t.Fatalf("get after delete: exit %d, %s", code, errOut)
	}
	if count, _, _ := listed(t); count != 1 {
		t.Fatalf("%d tenants left, want 1", count)
	}
}

func TestValidationErrorNamesTheField(t *testing.T) {
	url := startServer(t)
	login(t, url)

	code, out, errOut := cli(t, "tenants", "create", "--name", "Acme", "--domain", "-bad-",
		"--timezone", "Europe/Zurich", "--currency", "CHF", "--region", "CHE",
		"--max-extensions", "-5")
	if code != exitInvalid || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	want := []string{
		"tenantctl: request validation failed (VALIDATE_FAILED, HTTP 400)",
		"  --domain (domain): must not have labels that start or end with a hyphen",
		"  --max-extensions (max_extensions): must be an integer from 0 to 2147483647",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errOut, strings.Join(want, "\n"))
	}
	if count, _, _ := listed(t); count != 0 {
		t.Fatalf("a refused create stored %d tenants", count)
	}
}

func TestExitCodes(t *testing.T) {
	url := startServer(t)

	code, _, _ := cli(t, "tenants", "list")
	if code != exitAuth {
		t.Fatalf("list before login: exit %d, want %d", code, exitAuth)
	}
	code, _, _ = cli(t, "login", "--server", url, "--password", "wrong-password")
	if code != exitAuth {
		t.Fatalf("login with a wrong password: exit %d, want %d", code, exitAuth)
	}
	login(t, url)
	mustCLI(t, "tenants", "create", "--name", "A", "--domain", "a.example", "--timezone", "UTC",
		"--currency", "EUR", "--region", "DEU")

	cases := []struct {
		args []string
		want int
	}{
		{[]string{"tenants", "list", "-o", "json"}, exitOK},
		{[]string{"tenants", "--help"}, exitOK},
		{[]string{"tenants", "create", "--help"}, exitOK},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"tenants", "list", "--bogus"}, exitUsage},
		{[]string{"tenants", "list", "-o", "xml"}, exitUsage},
		{[]string{"tenants", "get"}, exitUsage},
		{[]string{"tenants", "update", "1"}, exitUsage},
		{[]string{"tenants", "create", "--max-extensions", "many"}, exitUsage},
		{[]string{"tenants", "list", "--filter", "nonsense"}, exitInvalid},
		{[]string{"tenants", "create", "--name", "A"}, exitInvalid},
		{[]string{"tenants", "get", "123"}, exitNotFound},
		{[]string{"tenants", "delete", "123"}, exitNotFound},
		{[]string{"tenants", "create", "--name", "B", "--domain", "A.example.", "--timezone",
			"UTC", "--currency", "EUR", "--region", "DEU"}, exitConflict},
	}
	for _, tc := range cases {
		if code, _, errOut := cli(t, tc.args...); code != tc.want {
			t.Errorf("tenantctl %s: exit %d, want %d; stderr %s", strings.Join(tc.args, " "),
				code, tc.want, errOut)
		}
	}
}

func TestExpiredTokenIsRenewed(t *testing.T) {
	url := startServer(t)
	login(t, url)

	// Age the stored access token past its expiry.
	path := credentialsFile(t)
	var before credentials
	readJSON(t, path, &before)
	before.Token.Expiry = time.Now().Add(-time.Minute)
	raw, _ := json.Marshal(before)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	mustCLI(t, "tenants", "list")
	var after credentials
	readJSON(t, path, &after)
	if after.Token.RefreshToken == before.Token.RefreshToken ||
		after.Token.AccessToken == before.Token.AccessToken ||
		!after.Token.Expiry.After(time.Now().Add(20*time.Minute)) {
		t.Fatalf("token not renewed: before %+v after %+v", before.Token, after.Token)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("renewed credentials: %v %v", info.Mode().Perm(), err)
	}

	// The old refresh token is spent; the renewed one keeps working.
	mustCLI(t, "tenants", "list")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// TestSwitchThenUsers shows the system admin working inside a tenant: switch to it, then
// create and list its users.
func TestSwitchThenUsers(t *testing.T) {
	url := startServer(t)
	login(t, url)

	id := strings.TrimSpace(mustCLI(t, "tenants", "create", "--name", "Acme", "--domain",
		"switch.example.com", "--timezone", "UTC", "--currency", "CHF", "--region", "CHE"))
	if code, _, stderr := cli(t, "users", "list"); code == 0 {
		t.Fatalf("users list worked before any switch: %s", stderr)
	}

	if out := mustCLI(t, "tenants", "switch", id); !strings.Contains(out, id) {
		t.Fatalf("switch said %q", out)
	}
	mustCLI(t, "users", "create", "--body", `{"name":"clerk","password":"clerk-pass-1",`+
		`"extension_number":"101","role":"Admin","display_name":"Clerk",`+
		`"email":"clerk@example.com","extension_password":"sip-secret-101",`+
		`"voicemail_pin":"135792"}`)
	if out := mustCLI(t, "users", "list", "-o", "json"); !strings.Contains(out, `"clerk"`) {
		t.Fatalf("users list after switch: %s", out)
	}
	if code, _, _ := cli(t, "tenants", "switch", "999"); code != 3 {
		t.Fatalf("switching to a missing tenant exited %d, want 3 (not found)", code)
	}
}
