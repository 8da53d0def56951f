package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// copyBuffer is the size of the buffers content is streamed through; memory use per
// transfer is this, whatever the size of the content.
const copyBuffer = 256 << 10

var buffers = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}

// FS is a Store in a directory: blob <digest> lives at <dir>/<d[0:2]>/<d[2:4]>/<digest> and
// the staged content of upload <id> at <dir>/uploads/<id>. Both are on one file system, so
// committing an upload is a rename. Paths are built only from names that pass validation
// (hex digits, UUIDs), never from client text, so nothing can point outside dir.
type FS struct {
	dir string
}

// NewFS returns a store in dir. It does no I/O; the directories are made when needed.
func NewFS(dir string) *FS {
	return &FS{dir: dir}
}

var _ Store = (*FS)(nil)

func (s *FS) blobPath(digest string) (string, error) {
	if !isDigest(digest) {
		return "", ErrNotFound
	}
	return filepath.Join(s.dir, digest[0:2], digest[2:4], digest), nil
}

func (s *FS) uploadPath(id string) (string, error) {
	if !isUUID(id) {
		return "", ErrNotFound
	}
	return filepath.Join(s.dir, "uploads", id), nil
}

// Append implements Store. The bytes are synced to disk before they are counted.
func (s *FS) Append(ctx context.Context, upload string, offset int64, r io.Reader) (int64,
	error) {
	path, err := s.uploadPath(upload)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	defer f.Close()

	// The file may hold less than offset only if staged bytes were lost, which the caller
	// must learn rather than have a hole filled with zeros.
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	if info.Size() < offset {
		return 0, fmt.Errorf("blobstore: upload %s holds %d bytes, not %d", upload,
			info.Size(), offset)
	}
	if err := f.Truncate(offset); err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}

	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	n, copyErr := io.CopyBuffer(onlyWriter{f}, onlyReader{r}, *buf)

	// Keep what arrived even when the reader failed: the client resumes after it.
	if err := f.Sync(); err != nil {
		_ = f.Truncate(offset)
		return 0, fmt.Errorf("blobstore: sync: %w", err)
	}
	return n, copyErr
}

// Truncate implements Store.
func (s *FS) Truncate(ctx context.Context, upload string, size int64) error {
	path, err := s.uploadPath(upload)
	if err != nil {
		return err
	}
	if err := os.Truncate(path, size); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// Commit implements Store: hash, cut to size, sync, rename into place, sync the directory.
func (s *FS) Commit(ctx context.Context, upload string, size int64, digest string) error {
	src, err := s.uploadPath(upload)
	if err != nil {
		return err
	}
	dst, err := s.blobPath(digest)
	if err != nil {
		return err
	}

	f, err := os.OpenFile(src, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		// Committed before, by a request that did not live to record it.
		if _, serr := os.Stat(dst); serr == nil {
			return nil
		}
		if size != 0 {
			return fmt.Errorf("blobstore: upload %s has no staged content: %w", upload,
				ErrNotFound)
		}
		// An empty file that no chunk ever staged: stage it now.
		if err := os.MkdirAll(filepath.Dir(src), 0o700); err != nil {
			return fmt.Errorf("blobstore: %w", err)
		}
		f, err = os.OpenFile(src, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	}
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	defer f.Close()

	if err := checkDigest(ctx, f, size, digest); err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blobstore: sync: %w", err)
	}
	return s.place(src, dst)
}

// checkDigest hashes the first size bytes of f.
func checkDigest(ctx context.Context, f *os.File, size int64, digest string) error {
	h := sha256.New()
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)

	n, err := io.CopyBuffer(h, io.LimitReader(onlyReader{f}, size), *buf)
	if err != nil {
		return fmt.Errorf("blobstore: hash: %w", err)
	}
	if n != size {
		return fmt.Errorf("blobstore: staged content holds %d bytes, not %d", n, size)
	}
	if hex.EncodeToString(h.Sum(nil)) != digest {
		return ErrDigestMismatch
	}
	return ctx.Err()
}

// place renames src to dst unless dst exists (same digest, same content), and syncs the
// directories it changed so that the blob survives a crash.
func (s *FS) place(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return os.Remove(src)
	}
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	for _, d := range []string{dir, filepath.Dir(dir), s.dir, filepath.Dir(src)} {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blobstore: sync %s: %w", dir, err)
	}
	return nil
}

// Discard implements Store.
func (s *FS) Discard(ctx context.Context, upload string) error {
	path, err := s.uploadPath(upload)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// Uploads implements Store.
func (s *FS) Uploads(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "uploads"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if isUUID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// Open implements Store.
func (s *FS) Open(ctx context.Context, digest string) (io.ReadSeekCloser, int64, error) {
	path, err := s.blobPath(digest)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("blobstore: %w", err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("blobstore: blob %s is not a regular file: %w", digest, err)
	}
	return f, info.Size(), nil
}

// Remove implements Store.
func (s *FS) Remove(ctx context.Context, digest string) error {
	path, err := s.blobPath(digest)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// onlyWriter and onlyReader hide ReadFrom and WriteTo, so that io.CopyBuffer uses the
// bounded buffer it is given instead of a path that may allocate or splice differently.
type onlyWriter struct{ io.Writer }

type onlyReader struct{ io.Reader }

func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isUUID accepts the canonical lower-case form 8-4-4-4-12.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f'
}
