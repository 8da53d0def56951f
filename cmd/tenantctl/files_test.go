package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/client"
)

// tenantAdmin creates a tenant with an admin through the client package, and returns the
// tenant's domain and the admin's name and password.
func tenantAdmin(t *testing.T, url string) (domain, user, password string) {
	t.Helper()
	ctx := context.Background()
	c := client.New(url)
	if _, err := c.SignIn(ctx, "admin", adminPassword, ""); err != nil {
		t.Fatal(err)
	}
	domain, user, password = "files.example.com", "boss", "boss-password-1"
	tenant := tenantd.NewTenant()
	tenant.Name, tenant.Domain, tenant.Timezone = "Files", domain, "UTC"
	tenant.Currency, tenant.Region = "EUR", "DEU"
	id, err := c.Tenants().Create(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}

	req, _ := http.NewRequest("POST", url+"/api/tenants/switch?id="+id, nil)
	req.Header.Set("Authorization", "Bearer "+c.Token().AccessToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("switch: %v %v", res, err)
	}
	res.Body.Close()

	_, err = c.Users().Create(ctx, client.Fields{"name": user, "password": password,
		"role": "Admin", "extension_number": "100", "email": "boss@example.com",
		"display_name": "Boss", "extension_password": "sip-secret-100", "voicemail_pin": "135792"})
	if err != nil {
		t.Fatal(err)
	}
	return domain, user, password
}

func TestFilesUploadAndDownload(t *testing.T) {
	url := startServer(t)
	domain, user, password := tenantAdmin(t, url)
	mustCLI(t, "login", "--server", url, "--user", user, "--domain", domain,
		"--password", password)
	t.Chdir(t.TempDir())

	data := make([]byte, 3<<20) // more than one chunk
	rand.Read(data)
	if err := os.WriteFile("local.bin", data, 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(mustCLI(t, "files", "upload", "local.bin", "--name", "remote.bin"))

	var f map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, "files", "get", id, "-o", "json")), &f); err != nil {
		t.Fatal(err)
	}
	if f["name"] != "remote.bin" || f["size"] != float64(len(data)) {
		t.Fatalf("uploaded file reads back as %v", f)
	}

	key := strings.TrimPrefix(f["url"].(string), "/api/blobs/")
	mustCLI(t, "files", "download", key)
	got, err := os.ReadFile(filepath.Join(".", "remote.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes (%v), equal: %v", len(got), err, bytes.Equal(got, data))
	}
	if out := mustCLI(t, "files", "download", key, "--out", "-"); out != string(data) {
		t.Fatal("download to standard output differs")
	}
	// What upload printed works as well: the file id is looked up for its key.
	if out := mustCLI(t, "files", "download", id, "--out", "-"); out != string(data) {
		t.Fatal("download by file id differs")
	}

	if list := mustCLI(t, "files", "list"); !strings.Contains(list, id) {
		t.Fatalf("list does not show the file:\n%s", list)
	}
	mustCLI(t, "files", "delete", id)
	if code, _, _ := cli(t, "files", "get", id); code != 3 {
		t.Fatalf("getting a deleted file exits %d, want 3 (not found)", code)
	}
}
