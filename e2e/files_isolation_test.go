package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantd/tenantd/blobstore"
	"github.com/tenantd/tenantd/files"
)

func TestFilesIsolation(t *testing.T) {
	s := startServer(t)
	a := s.newFileTenant(t, nil)
	b := s.newFileTenant(t, nil)
	data := randomBytes(2000)
	fileA := s.uploadFile(t, a.Token, "secret.bin", false, data, 1000)
	uploadA, tokenA := s.startUpload(t, a.Token, "open.bin", false)

	// B's admin sees none of A's files or uploads, and cannot change them.
	if n := s.do(t, "GET", "/api/files", b.Token, nil).want(t, http.StatusOK).count(t); n != 0 {
		t.Fatalf("tenant B lists %d files", n)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/files/" + fileA},
		{"POST", "/api/files/" + fileA + "/destroy"},
		{"GET", "/api/blobs/uploads/" + uploadA + "/status"},
		{"POST", "/api/blobs/uploads/" + uploadA + "/destroy"},
	} {
		s.do(t, c.method, c.path, b.Token, nil).wantError(t, http.StatusNotFound, "NOT_FOUND")
	}
	s.appendChunk(t, b.Token, uploadA, tokenA, []byte("x")).
		wantError(t, http.StatusNotFound, "NOT_FOUND")
	s.completeUpload(t, b.Token, uploadA, tokenA, digestOf(nil), nil).
		wantError(t, http.StatusNotFound, "NOT_FOUND")
	s.do(t, "POST", "/api/tenant", b.Token, map[string]any{"avatar_file_id": fileA}).
		wantInvalid(t, "avatar_file_id")

	// A's file and upload are untouched.
	if got := s.file(t, a.Token, fileA)["size"]; got != float64(len(data)) {
		t.Fatalf("A's file has size %v", got)
	}
	if got := s.uploadStatus(t, a.Token, uploadA); got != "0-0" {
		t.Fatalf("A's upload is at %q", got)
	}
	if used := s.usedDisk(t, b.ID); used != "0KB" {
		t.Fatalf("tenant B uses %q", used)
	}

	// Standard users have no access to files at all.
	s.switchTo(t, s.Admin, a.ID)
	s.createUser(t, s.Admin, "worker", "200", "StandardUser")
	user := s.signIn(t, "worker", userPassword, a.Domain)
	s.do(t, "GET", "/api/files", user, nil).wantError(t, http.StatusForbidden, "FORBIDDEN")
	s.do(t, "POST", "/api/blobs/uploads?filename=x", user, nil).
		wantError(t, http.StatusForbidden, "FORBIDDEN")
}

func TestBlobPathTricks(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	fileID := s.uploadFile(t, ft.Token, "real.bin", false, []byte("real content"), 100)
	link, _ := s.file(t, ft.Token, fileID)["url"].(string)

	// A file next to the blob directory, which no key may reach.
	const sentinel = "SENTINEL-OUTSIDE-THE-BLOB-DIRECTORY"
	secret := filepath.Join(s.DataDir, "secret.txt")
	if err := os.WriteFile(secret, []byte(sentinel), 0o600); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimPrefix(link, "/api/blobs/")

	for _, raw := range []string{
		"..%2F..%2Fetc%2Fpasswd",
		"..%2Fsecret.txt",
		"..%2F..%2Fsecret.txt",
		"%2e%2e/secret.txt",
		"%2e%2e%2fsecret.txt",
		"%2e%2e/",
		"%2e%2e",
		"..%5Csecret.txt",
		"%2Fetc%2Fpasswd",
		url.PathEscape(secret),
		strings.Repeat("a", 10_000),
		strings.Repeat("A", 43),
		digestOf([]byte("real content")), // the digest is not a key
		key + "%2F..%2F..%2Fsecret.txt",
		key + "%00",
		"uploads",
	} {
		req, err := http.NewRequest("GET", s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = "/api/blobs/" + raw // sent exactly as written
		res, err := s.http.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()

		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%.60s: status %d, want 404: %.200s", raw, res.StatusCode, body)
		}
		if bytes.Contains(body, []byte(sentinel)) || bytes.Contains(body, []byte("root:")) {
			t.Errorf("%.60s: the answer holds content from outside the blob directory", raw)
		}
	}
}

func TestRetentionJob(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, map[string]any{"temp_file_retention": 2})

	// The logo is uploaded as a temporary file: attaching it makes it in use.
	logo := s.uploadFile(t, ft.Token, "logo.png", true, randomBytes(500), 500)
	s.do(t, "POST", "/api/tenant", ft.Token, map[string]any{"avatar_file_id": logo}).
		want(t, http.StatusOK)
	kept := s.uploadFile(t, ft.Token, "kept.bin", false, randomBytes(700), 700)
	temp := s.uploadFile(t, ft.Token, "temp.bin", true, randomBytes(900), 900)
	abandoned, upTok := s.startUpload(t, ft.Token, "abandoned.bin", false)
	s.appendChunk(t, ft.Token, abandoned, upTok, randomBytes(300)).want(t, http.StatusNonAuthoritativeInfo)
	before := storedFiles(t, s)

	// A second handle on the database, as a job in another process would have, whose clock
	// the test moves.
	db := s.openStore(t)
	svc := &files.Service{DB: db, Blobs: blobstore.NewFS(filepath.Join(s.DataDir, "blobs")),
		Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()

	// Within the retention nothing goes.
	p, err := svc.Purge(ctx, time.Now().Add(47*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if p != (files.Purged{}) {
		t.Fatalf("within the retention the job purged %+v", p)
	}

	p, err = svc.Purge(ctx, time.Now().Add(49*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if p.Uploads != 1 || p.Files != 1 {
		t.Fatalf("past the retention the job purged %+v, want 1 upload and 1 file", p)
	}

	s.do(t, "GET", "/api/files/"+temp, ft.Token, nil).wantError(t, http.StatusNotFound, "NOT_FOUND")
	s.do(t, "GET", "/api/blobs/uploads/"+abandoned+"/status", ft.Token, nil).
		wantError(t, http.StatusNotFound, "NOT_FOUND")
	s.file(t, ft.Token, kept)
	s.file(t, ft.Token, logo)
	logoURL, _ := s.tenant(t, ft.ID)["avatar_file_url"].(string)
	s.fetch(t, logoURL, nil).want(t, http.StatusOK)
	if used := s.usedDisk(t, ft.ID); used != "2KB" { // 500 + 700 bytes
		t.Fatalf("used_disk_quota %q after the purge, want 2KB", used)
	}

	// Exactly the temporary file's blob and the abandoned upload's staged content are gone.
	after := storedFiles(t, s)
	if len(before)-len(after) != 2 {
		t.Fatalf("the purge removed %d stored files, want 2:\nbefore %v\nafter %v",
			len(before)-len(after), before, after)
	}
}
