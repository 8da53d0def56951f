package blobstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const upload = "0b6f7c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e"

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestNamesOutsideTheStoreAreNotFound(t *testing.T) {
	dir := t.TempDir()
	s := NewFS(filepath.Join(dir, "blobs"))
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	for _, name := range []string{"../secret", "..", "/etc/passwd", "", strings.Repeat("a", 64) +
		"/..", strings.ToUpper(digest(nil)), "uploads", "../../" + strings.Repeat("0", 58)} {
		if _, _, err := s.Open(ctx, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): %v, want ErrNotFound", name, err)
		}
		if err := s.Remove(ctx, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Remove(%q): %v, want ErrNotFound", name, err)
		}
		if _, err := s.Append(ctx, name, 0, strings.NewReader("x")); !errors.Is(err, ErrNotFound) {
			t.Errorf("Append(%q): %v, want ErrNotFound", name, err)
		}
		if err := s.Discard(ctx, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Discard(%q): %v, want ErrNotFound", name, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "secret")); string(b) != "x" {
		t.Fatal("a file outside the store was changed")
	}
}

func TestCommit(t *testing.T) {
	s := NewFS(t.TempDir())
	ctx := context.Background()
	content := []byte("hello, blob")

	if n, err := s.Append(ctx, upload, 0, bytes.NewReader(content[:5])); err != nil || n != 5 {
		t.Fatalf("Append: %d, %v", n, err)
	}
	// Bytes staged past the offset (a refused chunk) are replaced by the next append.
	if _, err := s.Append(ctx, upload, 5, strings.NewReader("GARBAGE")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, upload, 5, bytes.NewReader(content[5:])); err != nil {
		t.Fatal(err)
	}

	size := int64(len(content))
	if err := s.Commit(ctx, upload, size, digest([]byte("other"))); !errors.Is(err,
		ErrDigestMismatch) {
		t.Fatalf("Commit with a wrong digest: %v", err)
	}
	if _, _, err := s.Open(ctx, digest([]byte("other"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a mismatched commit made a blob: %v", err)
	}

	d := digest(content)
	if err := s.Commit(ctx, upload, size, d); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, upload, size, d); err != nil {
		t.Fatalf("committing again: %v", err)
	}
	r, n, err := s.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if n != size || !bytes.Equal(got, content) {
		t.Fatalf("blob holds %q (%d)", got, n)
	}
	if ids, err := s.Uploads(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("staged uploads after commit: %v %v", ids, err)
	}
}
