package files

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/tenantd/tenantd"
)

// appendChunk writes a chunk to the end of the upload and records it. The bytes go to disk
// first and are counted in the database afterwards, under the tenant's lock, against the
// quota; if they do not fit they are cut off again, so that a refused chunk keeps nothing.
func (s *Service) appendChunk(ctx context.Context, actor tenantd.Actor, u *tenantd.Upload,
	hash string, c tenantd.Chunk) (*tenantd.Upload, error) {
	if u.Digest != "" {
		return nil, tenantd.Errorf(tenantd.EConflict, "the upload is being completed")
	}
	if c.Length > tenantd.MaxChunk {
		return nil, chunkTooLarge()
	}

	// Refuse early what cannot fit; AddToUpload decides for what can.
	left, limited, err := s.DB.SpaceLeft(ctx, actor)
	if err != nil {
		return nil, err
	}
	if limited && c.Length > left {
		return nil, quotaExceeded()
	}
	limit := int64(tenantd.MaxChunk)
	if limited && left < limit {
		limit = left
	}

	body := &chunkReader{r: c.Body, left: limit}
	n, err := s.Blobs.Append(ctx, u.ID, u.Size, body)
	if body.over || err != nil && body.readErr == nil {
		s.truncate(u)
		if body.over && limited && limit == left {
			return nil, quotaExceeded()
		}
		if body.over {
			return nil, chunkTooLarge()
		}
		return nil, err
	}

	// The client may have gone away mid-chunk (body.readErr): keep what arrived, so that it
	// can resume after it, and record it even though the request's context has ended.
	if n > 0 {
		grown, rerr := s.DB.AddToUpload(context.WithoutCancel(ctx), actor, u.ID, hash, u.Size, n)
		if rerr != nil {
			s.truncate(u)
			return nil, rerr
		}
		u = grown
	}
	if body.readErr != nil {
		return nil, badChunk()
	}
	return u, nil
}

// truncate cuts the staged content back to what the upload has recorded.
func (s *Service) truncate(u *tenantd.Upload) {
	if err := s.Blobs.Truncate(context.Background(), u.ID, u.Size); err != nil {
		s.Logger.Error("cutting back a refused chunk failed", "upload", u.ID, "err", err)
	}
}

func quotaExceeded() error {
	return tenantd.Errorf(tenantd.EQuotaExceeded,
		"the tenant's disk_quota would be exceeded; delete files or raise the quota")
}

func chunkTooLarge() error {
	return tenantd.Errorf(tenantd.ETooLarge, "a chunk may hold at most %d bytes",
		tenantd.MaxChunk)
}

func badChunk() error {
	return &tenantd.Error{Code: tenantd.EInvalid, Message: "the chunk could not be read whole",
		Fields: []tenantd.FieldError{{Field: "body",
			Reason: "ended early; ask for the upload's status and resume after its range"}}}
}

// errOver stops a copy whose source holds more than its limit.
var errOver = errors.New("files: chunk over its limit")

// chunkReader passes on at most left bytes of r and notes why it stopped: over when r held
// more, readErr when reading r failed (the client went away).
type chunkReader struct {
	r       io.Reader
	left    int64
	over    bool
	readErr error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Probe for one more byte: a source that has it is over the limit.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			c.over = true
			return 0, errOver
		}
		return 0, c.note(err)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, c.note(err)
}

func (c *chunkReader) note(err error) error {
	if err != nil && err != io.EOF {
		c.readErr = err
	}
	return err
}

// mediaTypes are the types tenantd names by extension, chosen for what a PBX stores:
// prompts, music, recordings, logos and documents. The table is fixed so that the answer
// does not depend on the host's MIME database.
var mediaTypes = map[string]string{
	".wav": "audio/vnd.wave", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/opus",
	".gsm": "audio/gsm", ".m4a": "audio/mp4", ".flac": "audio/flac",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".ico": "image/vnd.microsoft.icon",
	".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv",
	".json": "application/json", ".zip": "application/zip", ".xml": "application/xml",
	".mp4": "video/mp4",
}

// mediaType names the content by its file name's extension, else by sniffing its first
// bytes, else as application/octet-stream.
func (s *Service) mediaType(ctx context.Context, name, digest string) string {
	if t, ok := mediaTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	r, _, err := s.Blobs.Open(ctx, digest)
	if err != nil {
		return "application/octet-stream"
	}
	defer r.Close()

	var head [512]byte
	n, _ := io.ReadFull(r, head[:])
	return http.DetectContentType(head[:n])
}
