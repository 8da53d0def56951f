package e2e

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/tenantd/tenantd/client"
)

func TestClientFiles(t *testing.T) {
	s := startServer(t)
	ft := s.newFileTenant(t, map[string]any{"disk_quota": "64KB"})
	ctx := context.Background()
	c := s.client(t)
	if _, err := c.SignIn(ctx, "boss", userPassword, ft.Domain); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(50_000)

	id, err := c.Files().Upload(ctx, "capture.bin", bytes.NewReader(data),
		client.UploadOptions{ChunkSize: 8192, Temporary: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.Files().Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if f["name"] != "capture.bin" || f["size"] != float64(len(data)) || f["temporary"] != true {
		t.Fatalf("the file reads back as %v", f)
	}

	link, _ := f["url"].(string)
	var got bytes.Buffer
	name, err := c.Files().Download(ctx, strings.TrimPrefix(link, "/api/blobs/"), &got)
	if err != nil {
		t.Fatal(err)
	}
	if name != "capture.bin" || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("downloaded %q, %d bytes, equal: %v", name, got.Len(),
			bytes.Equal(got.Bytes(), data))
	}

	page, err := c.Files().List(ctx, client.ListOptions{Filter: "temporary eq true"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Count != 1 || page.Items[0]["id"] != id {
		t.Fatalf("the list holds %d files: %v", page.Count, page.Items)
	}

	// An upload the quota refuses fails with the server's error and is cancelled on the
	// server: nothing of it stays reserved.
	_, err = c.Files().Upload(ctx, "big.bin", bytes.NewReader(randomBytes(20_000)),
		client.UploadOptions{ChunkSize: 8192})
	if client.ErrorStatus(err) != http.StatusConflict {
		t.Fatalf("an upload over the quota answered %v", err)
	}
	if _, err := c.Files().Upload(ctx, "fits.bin", bytes.NewReader(randomBytes(14_000)),
		client.UploadOptions{}); err != nil {
		t.Fatalf("an upload that fits after the refused one cancelled: %v", err)
	}

	if err := c.Files().Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Files().Get(ctx, id); client.ErrorStatus(err) != http.StatusNotFound {
		t.Fatalf("a deleted file reads as %v", err)
	}
}
