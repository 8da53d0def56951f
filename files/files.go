// Package files runs PortSIP's resumable upload protocol and keeps tenants' files: their
// records in the database (sqlstore) and their content in a blob store (blobstore). It is
// the one place where the two are kept in step, so that handlers only translate HTTP.
package files

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/blobstore"
	"github.com/tenantd/tenantd/internal/secret"
	"github.com/tenantd/tenantd/sqlstore"
)

// Service implements tenantd.FileService. Fill every field before use.
//
// Order of work for an upload's completion, chosen so that a crash at any point leaves
// nothing visible that is wrong: the digest is pinned in the database (the blob row exists
// and cannot be collected), then the content is hashed and renamed into place, then the file
// record is written. Content is written to disk outside database transactions.
type Service struct {
	DB     *sqlstore.DB
	Blobs  blobstore.Store
	Logger *slog.Logger

	locks sync.Map // upload id -> *sync.Mutex: one request at a time writes an upload
}

var _ tenantd.FileService = (*Service)(nil)

// StartUpload implements tenantd.FileService.
func (s *Service) StartUpload(ctx context.Context, actor tenantd.Actor, name string,
	temporary bool) (*tenantd.Upload, string, error) {
	name, err := tenantd.CheckFileName(name)
	if err != nil {
		return nil, "", err
	}
	token, err := secret.NewToken()
	if err != nil {
		return nil, "", err
	}
	id, err := newUUID()
	if err != nil {
		return nil, "", err
	}

	u := &tenantd.Upload{ID: id, Name: name, Temporary: temporary}
	if err := s.DB.CreateUpload(ctx, actor, u, secret.HashToken(token)); err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// UploadStatus implements tenantd.FileService.
func (s *Service) UploadStatus(ctx context.Context, actor tenantd.Actor, id string) (
	*tenantd.Upload, error) {
	return s.DB.Upload(ctx, actor, id, "")
}

// AppendUpload implements tenantd.FileService.
func (s *Service) AppendUpload(ctx context.Context, actor tenantd.Actor, id, token string,
	c tenantd.Chunk) (*tenantd.Upload, error) {
	hash, err := tokenHash(token)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer unlock()

	u, err := s.DB.Upload(ctx, actor, id, hash)
	if err != nil {
		return nil, err
	}
	return s.appendChunk(ctx, actor, u, hash, c)
}

// CompleteUpload implements tenantd.FileService.
func (s *Service) CompleteUpload(ctx context.Context, actor tenantd.Actor, id, token,
	digest string, c tenantd.Chunk) (*tenantd.File, error) {
	hash, err := tokenHash(token)
	if err != nil {
		return nil, err
	}
	if digest, err = tenantd.ParseDigest(digest); err != nil {
		return nil, err
	}
	unlock, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer unlock()

	u, err := s.DB.Upload(ctx, actor, id, hash)
	if err != nil {
		return nil, err
	}
	if c.Length != 0 {
		if u, err = s.appendChunk(ctx, actor, u, hash, c); err != nil {
			return nil, err
		}
	}

	// From here on the work must finish even if the client goes away: it is what makes the
	// upload either a file or nothing.
	ctx = context.WithoutCancel(ctx)
	if u, err = s.DB.PinUpload(ctx, actor, id, hash, u.Size, digest); err != nil {
		return nil, err
	}
	err = s.Blobs.Commit(ctx, id, u.Size, digest)
	if errors.Is(err, blobstore.ErrDigestMismatch) {
		s.abandon(ctx, actor, id)
		return nil, &tenantd.Error{Code: tenantd.EInvalid, Message: "digest mismatch",
			Fields: []tenantd.FieldError{{Field: "digest",
				Reason: "does not match the uploaded content; the upload was discarded"}}}
	}
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, actor, u)
}

// finish writes the file record of a committed upload.
func (s *Service) finish(ctx context.Context, actor tenantd.Actor, u *tenantd.Upload) (
	*tenantd.File, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	f := &tenantd.File{Name: u.Name, Size: u.Size, Digest: u.Digest, Temporary: u.Temporary,
		Key: key, MediaType: s.mediaType(ctx, u.Name, u.Digest)}
	if err := s.DB.FinishUpload(ctx, actor, u.ID, f); err != nil {
		return nil, err
	}
	s.locks.Delete(u.ID)
	return f, nil
}

// abandon deletes an upload after a failed completion and everything it kept.
func (s *Service) abandon(ctx context.Context, actor tenantd.Actor, id string) {
	u, err := s.DB.DeleteUpload(ctx, actor, id, "")
	if err != nil {
		s.Logger.Error("abandoning an upload failed", "upload", id, "err", err)
		return
	}
	s.discard(ctx, u)
}

// discard removes the staged content of a deleted upload and its pinned blob, if unused.
func (s *Service) discard(ctx context.Context, u *tenantd.Upload) {
	if err := s.Blobs.Discard(ctx, u.ID); err != nil {
		s.Logger.Error("discarding staged upload content failed", "upload", u.ID, "err", err)
	}
	if u.Digest != "" {
		s.collect(ctx, u.Digest)
	}
	s.locks.Delete(u.ID)
}

// CancelUpload implements tenantd.FileService.
func (s *Service) CancelUpload(ctx context.Context, actor tenantd.Actor, id, token string) error {
	hash := ""
	if token != "" {
		hash = secret.HashToken(token)
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()

	u, err := s.DB.DeleteUpload(ctx, actor, id, hash)
	if err != nil {
		return err
	}
	s.discard(context.WithoutCancel(ctx), u)
	return nil
}

// ListFiles implements tenantd.FileService.
func (s *Service) ListFiles(ctx context.Context, actor tenantd.Actor, q tenantd.ListQuery) (
	[]tenantd.File, int64, error) {
	return s.DB.ListFiles(ctx, actor, q)
}

// File implements tenantd.FileService.
func (s *Service) File(ctx context.Context, actor tenantd.Actor, id int64) (*tenantd.File,
	error) {
	return s.DB.File(ctx, actor, id)
}

// DeleteFile implements tenantd.FileService. The content goes too when no other file, of
// any tenant, has the same content.
func (s *Service) DeleteFile(ctx context.Context, actor tenantd.Actor, id int64) error {
	f, err := s.DB.RemoveFile(ctx, actor, id)
	if err != nil {
		return err
	}
	s.collect(context.WithoutCancel(ctx), f.Digest)
	return nil
}

// OpenBlob implements tenantd.FileService. Only well-formed keys reach the database, and
// only a digest read from it reaches the blob store.
func (s *Service) OpenBlob(ctx context.Context, key string) (*tenantd.File, tenantd.Blob,
	error) {
	if !validKey(key) {
		return nil, nil, tenantd.Errorf(tenantd.ENotFound, "file not found")
	}
	f, err := s.DB.FileByKey(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	r, size, err := s.Blobs.Open(ctx, f.Digest)
	if err != nil {
		return nil, nil, fmt.Errorf("files: content of file %d: %w", f.ID, err)
	}
	if size != f.Size {
		r.Close()
		return nil, nil, fmt.Errorf("files: content of file %d holds %d bytes, not %d", f.ID,
			size, f.Size)
	}
	return f, r, nil
}

// collect removes the blob when nothing refers to it any more. A failure is only logged:
// the file record is gone already, and the retention job collects what is left.
func (s *Service) collect(ctx context.Context, digest string) {
	_, err := s.DB.RemoveBlob(ctx, digest, func() error { return s.Blobs.Remove(ctx, digest) })
	if err != nil {
		s.Logger.Error("removing unused content failed", "digest", digest, "err", err)
	}
}

// lock lets one request at a time write the upload in this process; a second one is
// EConflict rather than a wait, since a client that sends two chunks of one upload at once
// has lost track of its offsets. Across processes, the offset check in AddToUpload and the
// digest check at completion catch the same mistake.
func (s *Service) lock(id string) (func(), error) {
	v, _ := s.locks.LoadOrStore(id, new(sync.Mutex))
	mu := v.(*sync.Mutex)
	if !mu.TryLock() {
		return nil, tenantd.Errorf(tenantd.EConflict,
			"another request is writing this upload; wait for it, then ask for its status")
	}
	return mu.Unlock, nil
}

// tokenHash requires the upload token and returns its hash.
func tokenHash(token string) (string, error) {
	if token == "" {
		return "", &tenantd.Error{Code: tenantd.EInvalid, Message: "the upload token is missing",
			Fields: []tenantd.FieldError{{Field: "PortSIP-Upload-Token", Reason: "is required"}}}
	}
	return secret.HashToken(token), nil
}

// newUUID returns a random (version 4) UUID in canonical lower-case form.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("files: upload id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// keyLen is the length of a download key: 32 random bytes, base64url without padding.
const keyLen = 43

func newKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("files: download key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func validKey(key string) bool {
	if len(key) != keyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_') {
			return false
		}
	}
	return true
}
