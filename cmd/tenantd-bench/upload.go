package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/client"
)

// runUpload is the -upload-mb mode: it uploads one file of that size through the resumable
// protocol in chunks of -chunk-mb, downloads it again, and reports both throughputs and the
// server's peak resident memory, which must not grow with the file.
func runUpload(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "tenantd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	bin, err := tenantdBinary(ctx, o, dir)
	if err != nil {
		return err
	}
	srv, err := startTenantd(ctx, bin, filepath.Join(dir, "data"), o.dbURL)
	if err != nil {
		return err
	}
	defer srv.stop()
	c, err := uploadClient(ctx, srv.url)
	if err != nil {
		return err
	}

	size := int64(o.uploadMB) << 20
	content := func() io.Reader { return io.LimitReader(rand.NewChaCha8([32]byte{7}), size) }
	want := sha256.New()
	if _, err := io.Copy(want, content()); err != nil {
		return err
	}

	start := time.Now()
	id, err := c.Files().Upload(ctx, "bench.bin", content(),
		client.UploadOptions{ChunkSize: o.chunkMB << 20})
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	up := time.Since(start)

	f, err := c.Files().Get(ctx, id)
	if err != nil {
		return err
	}
	got := sha256.New()
	start = time.Now()
	if _, err := c.Files().Download(ctx, strings.TrimPrefix(f["url"].(string), "/api/blobs/"),
		got); err != nil {
		return fmt.Errorf("download: %w", err)
	}
	down := time.Since(start)
	if hex.EncodeToString(got.Sum(nil)) != hex.EncodeToString(want.Sum(nil)) {
		return fmt.Errorf("the downloaded content differs from the uploaded")
	}

	mb := float64(size) / (1 << 20)
	fmt.Printf("machine:        %s\ndatabase:       %s\n", machine(), databaseName(o))
	fmt.Printf("file:           %d MiB in %d MiB chunks\n", o.uploadMB, o.chunkMB)
	fmt.Printf("upload:         %.1fs, %.0f MiB/s (append, fsync per chunk, hash at complete)\n",
		up.Seconds(), mb/up.Seconds())
	fmt.Printf("download:       %.1fs, %.0f MiB/s\n", down.Seconds(), mb/down.Seconds())
	fmt.Printf("server peak RSS: %.1f MB\n", srv.peakRSSMB())
	return nil
}

func databaseName(o options) string {
	if o.dbURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// uploadClient signs in as the system admin, creates a tenant with no disk quota and makes
// it current, so that the client can upload into it.
func uploadClient(ctx context.Context, url string) (*client.Client, error) {
	c := client.New(url, client.WithHTTPClient(&http.Client{Timeout: 10 * time.Minute}))
	if _, err := c.SignIn(ctx, "admin", benchPassword, ""); err != nil {
		return nil, err
	}
	t := tenantd.NewTenant()
	t.Name, t.Domain, t.Timezone, t.Currency, t.Region = "Bench", "bench.example", "UTC",
		"EUR", "DEU"
	id, err := c.Tenants().Create(ctx, t)
	if err != nil {
		return nil, err
	}

	req, err := http.NewRequestWithContext(ctx, "POST", url+"/api/tenants/switch?id="+id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token().AccessToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("switch tenant: status %d", res.StatusCode)
	}
	return c, nil
}
