package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// Headers of PortSIP's resumable upload protocol.
const (
	headerUploadID    = "PortSIP-Upload-ID"
	headerUploadToken = "PortSIP-Upload-Token"
)

// DefaultChunkSize is how much of a file one append request carries.
const DefaultChunkSize = 1 << 20

// Files manages the current tenant's files; get it from Client.Files.
type Files struct {
	Resource
}

// Files returns the file endpoints (/api/files and /api/blobs).
func (c *Client) Files() Files { return Files{Resource{c, "/api/files"}} }

// UploadOptions tune Upload.
type UploadOptions struct {
	Temporary bool // the server purges the file after the tenant's temp_file_retention
	ChunkSize int  // bytes per append; DefaultChunkSize when 0
}

// Upload sends the content of r as a file named name through the resumable protocol (start,
// append chunks, complete with the SHA-256 digest) and returns the new file's id. When a
// step fails, the upload is cancelled on the server.
func (f Files) Upload(ctx context.Context, name string, r io.Reader, opts UploadOptions) (
	string, error) {
	q := url.Values{"filename": {name}}
	if opts.Temporary {
		q.Set("temporary", "true")
	}
	res, err := f.c.send(ctx, request{method: http.MethodPost, path: "/api/blobs/uploads",
		query: q})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	id, token := res.Header.Get(headerUploadID), res.Header.Get(headerUploadToken)
	if id == "" || token == "" {
		return "", errors.New("client: upload: the server answered no upload id or token")
	}

	fileID, err := f.sendChunks(ctx, id, token, r, opts.ChunkSize)
	if err != nil {
		cancel := request{method: http.MethodPost, path: uploadPath(id, "destroy"),
			header: http.Header{headerUploadToken: {token}}}
		if res, cerr := f.c.send(context.WithoutCancel(ctx), cancel); cerr == nil {
			res.Body.Close()
		}
		return "", err
	}
	return fileID, nil
}

func uploadPath(id, step string) string {
	return "/api/blobs/uploads/" + escape(id) + "/" + step
}

// sendChunks appends r in chunks and completes the upload.
func (f Files) sendChunks(ctx context.Context, id, token string, r io.Reader, size int) (
	string, error) {
	if size <= 0 {
		size = DefaultChunkSize
	}
	digest := sha256.New()
	buf := make([]byte, size)
	header := http.Header{headerUploadToken: {token}}

	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			digest.Write(buf[:n])
			res, serr := f.c.send(ctx, request{method: http.MethodPost,
				path: uploadPath(id, "append"), header: header, body: buf[:n],
				contentType: "application/octet-stream"})
			if serr != nil {
				return "", serr
			}
			res.Body.Close()
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("client: upload: read: %w", err)
		}
	}

	var out struct {
		ID string `json:"id"`
	}
	q := url.Values{"digest": {hex.EncodeToString(digest.Sum(nil))}}
	err := f.c.call(ctx, request{method: http.MethodPost, path: uploadPath(id, "complete"),
		query: q, header: header}, &out)
	return out.ID, err
}

// Download writes the content behind a download key (the last part of a file's URL) to w and
// returns the file name the server gives, if any.
func (f Files) Download(ctx context.Context, key string, w io.Writer) (string, error) {
	res, err := f.c.send(ctx, request{method: http.MethodGet, path: "/api/blobs/" + escape(key)})
	if err != nil {
		return "", err
	}
	defer res.Body.Close()

	if _, err := io.Copy(w, res.Body); err != nil {
		return "", fmt.Errorf("client: download: %w", err)
	}
	_, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	return params["filename"], nil
}
