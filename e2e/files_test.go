package e2e

import (
	"bytes"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUploadInTwoChunks(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	data := randomBytes(100_000)
	first, second := data[:60_000], data[60_000:]

	id, upTok := s.startUpload(t, ft.Token, "greeting.wav", false)
	res := s.appendChunk(t, ft.Token, id, upTok, first).want(t, http.StatusNonAuthoritativeInfo)
	if got := res.Header.Get("Range"); got != "0-59999" {
		t.Fatalf("append answered Range %q, want 0-59999", got)
	}
	if got := s.uploadStatus(t, ft.Token, id); got != "0-59999" {
		t.Fatalf("status answered Range %q, want 0-59999", got)
	}
	s.appendChunk(t, ft.Token, id, upTok, second).want(t, http.StatusNonAuthoritativeInfo)
	if got := s.uploadStatus(t, ft.Token, id); got != "0-99999" {
		t.Fatalf("status answered Range %q, want 0-99999", got)
	}

	fileID := s.completeUpload(t, ft.Token, id, upTok, digestOf(data), nil).
		want(t, http.StatusCreated).id(t)
	f := s.file(t, ft.Token, fileID)
	for name, want := range map[string]any{"id": fileID, "name": "greeting.wav",
		"size": float64(len(data)), "media_type": "audio/vnd.wave", "temporary": false} {
		if f[name] != want {
			t.Errorf("file %s = %v, want %v", name, f[name], want)
		}
	}

	// The upload is over: its id no longer answers.
	s.do(t, "GET", "/api/blobs/uploads/"+id+"/status", ft.Token, nil).
		wantError(t, http.StatusNotFound, "NOT_FOUND")

	link, _ := f["url"].(string)
	got := s.fetch(t, link, nil).want(t, http.StatusOK)
	if !bytes.Equal(got.Body, data) {
		t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(got.Body), len(data))
	}
	for name, want := range map[string]string{
		"Content-Type":           "audio/vnd.wave",
		"Content-Length":         "100000",
		"Content-Disposition":    `attachment; filename="greeting.wav"`,
		"ETag":                   `"` + digestOf(data) + `"`,
		"X-Content-Type-Options": "nosniff",
	} {
		if v := got.Header.Get(name); v != want {
			t.Errorf("download header %s = %q, want %q", name, v, want)
		}
	}

	// A range is answered 206 with exactly those bytes.
	part := s.fetch(t, link, http.Header{"Range": {"bytes=1000-1999"}}).
		want(t, http.StatusPartialContent)
	if !bytes.Equal(part.Body, data[1000:2000]) {
		t.Fatalf("range answered %d bytes that differ from bytes 1000-1999", len(part.Body))
	}
	if v := part.Header.Get("Content-Range"); v != "bytes 1000-1999/100000" {
		t.Errorf("Content-Range = %q", v)
	}

	// A range past the end is 416 in the error envelope, naming the header.
	past := s.fetch(t, link, http.Header{"Range": {"bytes=999999-"}})
	past.wantError(t, http.StatusRequestedRangeNotSatisfiable, "RANGE_NOT_SATISFIABLE", "Range")
	if v := past.Header.Get("Content-Range"); v != "bytes */100000" {
		t.Errorf("416 Content-Range = %q", v)
	}

	// The ETag revalidates.
	s.fetch(t, link, http.Header{"If-None-Match": {got.Header.Get("ETag")}}).
		want(t, http.StatusNotModified)
}

func TestDownloadNamesAreQuoted(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)

	for _, name := range []string{`quote".txt`, `back\slash.txt`, "Grüße; x=1.txt",
		"日本語.pdf", "a/b/../c.png"} {
		fileID := s.uploadFile(t, ft.Token, name, false, []byte("content of "+name), 1<<20)
		link, _ := s.file(t, ft.Token, fileID)["url"].(string)
		res := s.fetch(t, link, nil).want(t, http.StatusOK)

		cd := res.Header.Get("Content-Disposition")
		kind, params, err := mime.ParseMediaType(cd)
		if err != nil || kind != "attachment" || params["filename"] != name {
			t.Errorf("%q: Content-Disposition %q parses to %q %q (%v)", name, cd, kind,
				params["filename"], err)
		}
	}
}

func TestUploadResumesAfterDrop(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	data := randomBytes(200_000)

	id, upTok := s.startUpload(t, ft.Token, "recording.bin", false)
	s.appendChunk(t, ft.Token, id, upTok, data[:50_000]).want(t, http.StatusNonAuthoritativeInfo)

	// Send the next chunk, announced as 150000 bytes, but drop the connection after 30000.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/blobs/uploads/%s/append HTTP/1.1\r\nHost: tenantd\r\n"+
		"Authorization: Bearer %s\r\nPortSIP-Upload-Token: %s\r\n"+
		"Content-Type: application/octet-stream\r\nContent-Length: 150000\r\n\r\n",
		id, ft.Token, upTok)
	if _, err := conn.Write(data[50_000:80_000]); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	// The server keeps what arrived; the client learns where to resume from the status.
	want := "0-79999"
	got := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if got = s.uploadStatus(t, ft.Token, id); got == want {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got != want {
		t.Fatalf("after the drop the status says %q, want %q", got, want)
	}

	var resume int
	fmt.Sscanf(got, "0-%d", &resume)
	resume++
	s.appendChunk(t, ft.Token, id, upTok, data[resume:150_000]).want(t, http.StatusNonAuthoritativeInfo)
	fileID := s.completeUpload(t, ft.Token, id, upTok, digestOf(data), data[150_000:]).
		want(t, http.StatusCreated).id(t)

	link, _ := s.file(t, ft.Token, fileID)["url"].(string)
	if body := s.fetch(t, link, nil).want(t, http.StatusOK).Body; !bytes.Equal(body, data) {
		t.Fatal("the resumed upload's content differs from what was sent")
	}
}

func TestUploadDigestMismatch(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	data := randomBytes(10_000)

	id, upTok := s.startUpload(t, ft.Token, "x.bin", false)
	s.appendChunk(t, ft.Token, id, upTok, data).want(t, http.StatusNonAuthoritativeInfo)

	// A malformed digest is refused and keeps the upload; so are missing or wrong tokens.
	s.completeUpload(t, ft.Token, id, upTok, "abc", nil).wantInvalid(t, "digest")
	s.completeUpload(t, ft.Token, id, "", digestOf(data), nil).
		wantInvalid(t, "PortSIP-Upload-Token")
	s.completeUpload(t, ft.Token, id, "not-the-token", digestOf(data), nil).
		wantError(t, http.StatusForbidden, "FORBIDDEN")
	s.appendChunk(t, ft.Token, id, "", data).wantInvalid(t, "PortSIP-Upload-Token")
	if got := s.uploadStatus(t, ft.Token, id); got != "0-9999" {
		t.Fatalf("status %q after refused requests, want 0-9999", got)
	}

	// A digest of other content is refused and keeps nothing.
	s.completeUpload(t, ft.Token, id, upTok, digestOf([]byte("other")), nil).
		wantInvalid(t, "digest")
	s.do(t, "GET", "/api/blobs/uploads/"+id+"/status", ft.Token, nil).
		wantError(t, http.StatusNotFound, "NOT_FOUND")
	if n := s.do(t, "GET", "/api/files", ft.Token, nil).want(t, http.StatusOK).count(t); n != 0 {
		t.Fatalf("%d files after a digest mismatch", n)
	}
	if used := s.usedDisk(t, ft.ID); used != "0KB" {
		t.Fatalf("used_disk_quota %q after a digest mismatch", used)
	}
	if stored := storedFiles(t, s); len(stored) != 0 {
		t.Fatalf("content left on disk after a digest mismatch: %v", stored)
	}
}

// storedFiles lists the regular files under the blob directory: blobs and staged uploads.
// Empty staged files count as nothing kept.
func storedFiles(t testing.TB, s *server) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(s.DataDir, "blobs"), func(p string, d os.DirEntry,
		err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() > 0 {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTenantLogo(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)
	png := append([]byte("\x89PNG\r\n\x1a\n"), randomBytes(3000)...)
	fileID := s.uploadFile(t, ft.Token, "logo.png", false, png, 1<<20)
	link, _ := s.file(t, ft.Token, fileID)["url"].(string)

	res := s.do(t, "POST", "/api/tenant", ft.Token, map[string]any{"avatar_file_id": fileID})
	res.want(t, http.StatusOK)
	want := map[string]any{"avatar_file_name": "logo.png", "avatar_file_size": float64(len(png)),
		"avatar_file_url": link}
	views := map[string]map[string]any{
		"POST /api/tenant answer": res.object(t),
		"GET /api/tenant":         s.do(t, "GET", "/api/tenant", ft.Token, nil).want(t, 200).object(t),
		"GET /api/tenants/{id}":   s.tenant(t, ft.ID),
		"GET /api/tenants":        s.list(t, "filter="+url.QueryEscape("domain eq '"+ft.Domain+"'")).Items[0],
	}
	for view, obj := range views {
		for name, v := range want {
			if obj[name] != v {
				t.Errorf("%s: %s = %v, want %v", view, name, obj[name], v)
			}
		}
	}
	if body := s.fetch(t, link, nil).want(t, http.StatusOK).Body; !bytes.Equal(body, png) {
		t.Fatal("the logo's content differs from what was uploaded")
	}

	// null removes the logo and keeps the file.
	res = s.do(t, "POST", "/api/tenant", ft.Token, map[string]any{"avatar_file_id": nil})
	obj := res.want(t, http.StatusOK).object(t)
	if obj["avatar_file_name"] != nil || obj["avatar_file_url"] != nil ||
		obj["avatar_file_size"] != float64(0) {
		t.Fatalf("logo fields after removal: %v %v %v", obj["avatar_file_name"],
			obj["avatar_file_url"], obj["avatar_file_size"])
	}
	s.file(t, ft.Token, fileID)

	// Deleting the file that is the logo takes the logo away with it.
	s.do(t, "POST", "/api/tenant", ft.Token, map[string]any{"avatar_file_id": fileID}).want(t, 200)
	s.do(t, "POST", "/api/files/"+fileID+"/destroy", ft.Token, nil).want(t, http.StatusNoContent)
	if got := s.tenant(t, ft.ID)["avatar_file_url"]; got != nil {
		t.Fatalf("avatar_file_url %v after its file was deleted", got)
	}
	s.fetch(t, link, nil).wantError(t, http.StatusNotFound, "NOT_FOUND")

	// Ids that are not files of the tenant are refused, naming the member.
	for _, bad := range []any{"123", "abc", 5, true} {
		s.do(t, "POST", "/api/tenant", ft.Token, map[string]any{"avatar_file_id": bad}).
			wantInvalid(t, "avatar_file_id")
	}
}

func TestDiskUsageFollowsFiles(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)

	a := s.uploadFile(t, ft.Token, "a.bin", false, randomBytes(3000), 1000)
	if used := s.usedDisk(t, ft.ID); used != "3KB" {
		t.Fatalf("used_disk_quota %q after 3000 bytes, want 3KB", used)
	}
	b := s.uploadFile(t, ft.Token, "b.bin", false, randomBytes(2048), 2048)
	if used := s.usedDisk(t, ft.ID); used != "5KB" {
		t.Fatalf("used_disk_quota %q after 5048 bytes, want 5KB", used)
	}
	// Identical content is stored once but counts for each file that has it.
	c := s.uploadFile(t, ft.Token, "c.bin", false, bytes.Repeat([]byte("x"), 1024), 1024)
	d := s.uploadFile(t, ft.Token, "d.bin", false, bytes.Repeat([]byte("x"), 1024), 1024)
	if used := s.usedDisk(t, ft.ID); used != "7KB" {
		t.Fatalf("used_disk_quota %q after 7096 bytes, want 7KB", used)
	}
	if stored := storedFiles(t, s); len(stored) != 3 {
		t.Fatalf("%d blobs stored for three distinct contents: %v", len(stored), stored)
	}

	for _, step := range []struct{ id, want string }{{a, "4KB"}, {c, "3KB"}, {d, "2KB"},
		{b, "0KB"}} {
		s.do(t, "POST", "/api/files/"+step.id+"/destroy", ft.Token, nil).want(t, 204)
		if used := s.usedDisk(t, ft.ID); used != step.want {
			t.Fatalf("used_disk_quota %q after deleting %s, want %s", used, step.id, step.want)
		}
	}
	if stored := storedFiles(t, s); len(stored) != 0 {
		t.Fatalf("content left on disk after every file was deleted: %v", stored)
	}
}

func TestQuotaRefusesUpload(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, map[string]any{"disk_quota": "1KB"})
	data := randomBytes(4096)

	// Declared length, then chunked transfer (no declared length), then as the last chunk.
	id, upTok := s.startUpload(t, ft.Token, "big.bin", false)
	s.appendChunk(t, ft.Token, id, upTok, data).wantError(t, http.StatusConflict, "QUOTA_EXCEEDED")

	req, err := http.NewRequest("POST", s.URL+"/api/blobs/uploads/"+id+"/append",
		struct{ *bytes.Reader }{bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ft.Token)
	req.Header.Set("PortSIP-Upload-Token", upTok)
	if res := s.send(t, req); res.Status != http.StatusConflict {
		t.Fatalf("chunked append over the quota answered %d: %s", res.Status, res.Body)
	}
	s.completeUpload(t, ft.Token, id, upTok, digestOf(data), data).
		wantError(t, http.StatusConflict, "QUOTA_EXCEEDED")

	if got := s.uploadStatus(t, ft.Token, id); got != "0-0" {
		t.Fatalf("status %q after refused chunks, want 0-0", got)
	}
	if stored := storedFiles(t, s); len(stored) != 0 {
		t.Fatalf("refused chunks left content on disk: %v", stored)
	}
	if n := s.do(t, "GET", "/api/files", ft.Token, nil).want(t, http.StatusOK).count(t); n != 0 {
		t.Fatalf("%d files after a refused upload", n)
	}
	if used := s.usedDisk(t, ft.ID); used != "0KB" {
		t.Fatalf("used_disk_quota %q after a refused upload", used)
	}

	// What fits is accepted; lowering the quota below use is allowed and blocks uploads.
	s.update(t, ft.ID, map[string]any{"disk_quota": "8KB"}).want(t, http.StatusOK)
	kept := s.uploadFile(t, ft.Token, "six.bin", false, randomBytes(6000), 4000)
	s.update(t, ft.ID, map[string]any{"disk_quota": "4KB"}).want(t, http.StatusOK)
	if used := s.usedDisk(t, ft.ID); used != "6KB" {
		t.Fatalf("used_disk_quota %q, want 6KB", used)
	}
	s.appendChunk(t, ft.Token, id, upTok, []byte("x")).
		wantError(t, http.StatusConflict, "QUOTA_EXCEEDED")
	s.do(t, "POST", "/api/files/"+kept+"/destroy", ft.Token, nil).want(t, 204)
	s.appendChunk(t, ft.Token, id, upTok, []byte("x")).want(t, http.StatusNonAuthoritativeInfo)
}

func TestParallelUploadsCannotPassQuota(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, map[string]any{"disk_quota": "8KB"})

	for round := 0; round < 5; round++ {
		type upload struct{ id, token string }
		var ups [2]upload
		for i := range ups {
			ups[i].id, ups[i].token = s.startUpload(t, ft.Token, "p.bin", false)
		}

		data := [2][]byte{randomBytes(6000), randomBytes(6000)}
		statuses := make(chan int, 2)
		start := make(chan struct{})
		for i := range ups {
			go func() {
				<-start
				res := s.completeUpload(t, ft.Token, ups[i].id, ups[i].token,
					digestOf(data[i]), data[i])
				statuses <- res.Status
			}()
		}
		close(start)

		created := 0
		for range ups {
			switch st := <-statuses; st {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
			default:
				t.Fatalf("round %d: a parallel upload answered %d", round, st)
			}
		}
		if created > 1 {
			t.Fatalf("round %d: %d uploads of 6000 bytes passed a quota of 8KB", round, created)
		}
		if used := s.usedDisk(t, ft.ID); created == 1 && used != "6KB" ||
			created == 0 && used != "0KB" {
			t.Fatalf("round %d: used_disk_quota %q with %d files", round, used, created)
		}

		// Clean up for the next round.
		for _, u := range ups {
			s.do(t, "POST", "/api/blobs/uploads/"+u.id+"/destroy", ft.Token, nil)
		}
		for _, it := range s.do(t, "GET", "/api/files", ft.Token, nil).want(t, 200).items(t) {
			s.do(t, "POST", "/api/files/"+it["id"].(string)+"/destroy", ft.Token, nil).
				want(t, http.StatusNoContent)
		}
	}
}

// TestEmptyUpload completes an upload that never received a chunk: an empty file is a file.
func TestEmptyUpload(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, nil)

	id, upTok := s.startUpload(t, ft.Token, "empty.txt", false)
	res := s.completeUpload(t, ft.Token, id, upTok, digestOf(nil), nil).want(t, http.StatusCreated)
	file := s.file(t, ft.Token, res.id(t))
	if file["size"] != float64(0) {
		t.Fatalf("empty upload stored with size %v", file["size"])
	}
	got := s.fetch(t, file["url"].(string), nil).want(t, http.StatusOK)
	if len(got.Body) != 0 {
		t.Fatalf("empty file downloads %d bytes", len(got.Body))
	}
}
