// Package blobstore keeps file content addressed by its SHA-256 digest, and the staged
// content of uploads in progress. FS keeps both in a directory; another backend (object
// storage) implements Store without changes elsewhere.
package blobstore

import (
	"context"
	"errors"
	"io"
)

// Errors a Store reports.
var (
	// ErrNotFound means there is no such blob or staged upload, or the name is malformed.
	ErrNotFound = errors.New("blobstore: not found")

	// ErrDigestMismatch means staged content does not hash to the digest given to Commit.
	ErrDigestMismatch = errors.New("blobstore: digest mismatch")
)

// Store keeps blobs and staged uploads. Upload ids are UUIDs and digests are 64 lower-case
// hex digits; any other name is ErrNotFound, so that no name can reach outside the store.
// Methods are safe for concurrent use; callers serialise writes to one upload.
type Store interface {
	// Append writes r to the upload's staged content starting at offset, discarding whatever
	// was staged past offset, until r ends or fails. It returns how many bytes it wrote and
	// made durable, and the error that stopped it (nil when r ended cleanly); bytes that
	// could not be made durable are not counted.
	Append(ctx context.Context, upload string, offset int64, r io.Reader) (int64, error)

	// Truncate cuts the upload's staged content to size bytes.
	Truncate(ctx context.Context, upload string, size int64) error

	// Commit checks that the first size bytes of the upload's staged content hash to digest
	// and makes them the blob digest, atomically and durably; the staged content is gone
	// afterwards. When the blob exists already, the staged copy is dropped. Committing an
	// upload again after it succeeded is a no-op as long as the blob exists. A mismatch is
	// ErrDigestMismatch and leaves the staged content as it was.
	Commit(ctx context.Context, upload string, size int64, digest string) error

	// Discard removes the upload's staged content; it is not an error if there is none.
	Discard(ctx context.Context, upload string) error

	// Uploads lists the ids of the uploads that have staged content.
	Uploads(ctx context.Context) ([]string, error)

	// Open returns the blob's content for reading and its size.
	Open(ctx context.Context, digest string) (io.ReadSeekCloser, int64, error)

	// Remove deletes the blob; it is not an error if there is none.
	Remove(ctx context.Context, digest string) error
}
