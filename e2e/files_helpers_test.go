package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"
)

// fileTenant is a tenant with an admin signed in, for the files tests.
type fileTenant struct {
	ID     string
	Domain string
	Token  string // the tenant admin's access token
}

// newFileTenant creates a tenant (with extra settings) and an admin in it, signed in.
func (s *server) newFileTenant(t testing.TB, extra map[string]any) fileTenant {
	t.Helper()
	domain := uniq("files") + ".example.com"
	id := s.createTenant(t, uniq("Files "), domain, extra)
	s.switchTo(t, s.Admin, id)
	s.createUser(t, s.Admin, "boss", "100", "Admin")
	return fileTenant{ID: id, Domain: domain, Token: s.signIn(t, "boss", userPassword, domain)}
}

// startUpload opens an upload and returns its id and token.
func (s *server) startUpload(t testing.TB, token, name string, temporary bool) (string, string) {
	t.Helper()
	q := url.Values{"filename": {name}}
	if temporary {
		q.Set("temporary", "true")
	}
	res := s.do(t, "POST", "/api/blobs/uploads?"+q.Encode(), token, nil).want(t,
		http.StatusAccepted)
	id, upTok := res.Header.Get("PortSIP-Upload-ID"), res.Header.Get("PortSIP-Upload-Token")
	if id == "" || upTok == "" || res.Header.Get("Range") != "0-0" {
		t.Fatalf("start answered id %q, token %q, range %q", id, upTok, res.Header.Get("Range"))
	}
	return id, upTok
}

// uploadRequest sends a chunk request (append or complete) with the upload token.
func (s *server) uploadRequest(t testing.TB, token, path, upTok string, data []byte) *response {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	if upTok != "" {
		req.Header.Set("PortSIP-Upload-Token", upTok)
	}
	return s.send(t, req)
}

func (s *server) appendChunk(t testing.TB, token, id, upTok string, data []byte) *response {
	t.Helper()
	return s.uploadRequest(t, token, "/api/blobs/uploads/"+id+"/append", upTok, data)
}

func (s *server) completeUpload(t testing.TB, token, id, upTok, digest string,
	last []byte) *response {
	t.Helper()
	path := "/api/blobs/uploads/" + id + "/complete?digest=" + url.QueryEscape(digest)
	return s.uploadRequest(t, token, path, upTok, last)
}

// uploadStatus returns the Range the status endpoint answers.
func (s *server) uploadStatus(t testing.TB, token, id string) string {
	t.Helper()
	res := s.do(t, "GET", "/api/blobs/uploads/"+id+"/status", token, nil)
	res.want(t, http.StatusNoContent)
	if got := res.Header.Get("PortSIP-Upload-ID"); got != id {
		t.Fatalf("status names upload %q, want %q", got, id)
	}
	return res.Header.Get("Range")
}

// uploadFile uploads data in chunks of at most chunk bytes and returns the file's id.
func (s *server) uploadFile(t testing.TB, token, name string, temporary bool, data []byte,
	chunk int) string {
	t.Helper()
	id, upTok := s.startUpload(t, token, name, temporary)
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		s.appendChunk(t, token, id, upTok, data[off:end]).want(t, http.StatusNonAuthoritativeInfo)
	}
	res := s.completeUpload(t, token, id, upTok, digestOf(data), nil)
	return res.want(t, http.StatusCreated).id(t)
}

// file reads a file record.
func (s *server) file(t testing.TB, token, id string) map[string]any {
	t.Helper()
	return s.do(t, "GET", "/api/files/"+id, token, nil).want(t, http.StatusOK).object(t)
}

// fetch sends a GET for a blob path without a token. Binary answers are not checked against
// the contract (their media types are the files'); error answers are.
func (s *server) fetch(t testing.TB, path string, header http.Header) *response {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := s.http.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	answer := &response{Status: res.StatusCode, Header: res.Header, Body: body}
	if res.StatusCode >= 400 && res.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		checkContract(t, "GET", path, answer)
	}
	return answer
}

// usedDisk reads the tenant's used_disk_quota as the system admin sees it.
func (s *server) usedDisk(t testing.TB, tenantID string) string {
	t.Helper()
	used, _ := s.tenant(t, tenantID)["used_disk_quota"].(string)
	return used
}

func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// randomBytes returns n bytes that differ from run to run, so that no test finds content
// another test stored.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}
