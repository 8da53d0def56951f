package tenantd

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// File is a tenant's stored file: its record, not its content. The content is kept once per
// SHA-256 digest and served under the opaque Key, which is random so that no one can probe
// for content by its hash.
type File struct {
	ID        int64
	TenantID  int64
	Name      string
	Size      int64
	MediaType string
	Digest    string // lower-case hex SHA-256 of the content
	Temporary bool   // purged after the tenant's temp_file_retention days
	Key       string // download key under /api/blobs/
	CreatedAt time.Time
}

// URL returns the download path of the file.
func (f File) URL() string {
	return FileRef{Key: f.Key}.URL()
}

// MarshalJSON writes PortSIP's file object, plus tenantd's temporary flag and download url.
func (f File) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Size      int64  `json:"size"`
		MediaType string `json:"media_type"`
		CreatedAt string `json:"created_at"`
		Temporary bool   `json:"temporary"`
		URL       string `json:"url"`
	}{FormatID(f.ID), f.Name, f.Size, f.MediaType, FormatTime(f.CreatedAt), f.Temporary,
		f.URL()})
}

// Upload is a resumable upload in progress. Size is how many bytes it has received; they
// count against the tenant's disk_quota until the upload completes or is abandoned.
type Upload struct {
	ID        string // a random UUID
	TenantID  int64
	Name      string
	Temporary bool
	Size      int64
	Digest    string // set once completion has begun
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Range is the upload's received range as the PortSIP-compatible Range header writes it:
// "0-<last byte>". An empty upload is "0-0", as in the registry protocol PortSIP follows.
func (u *Upload) Range() string {
	return "0-" + strconv.FormatInt(max(u.Size-1, 0), 10)
}

// Limits of the upload protocol.
const (
	MaxFileName = 255      // characters of a file name
	MaxChunk    = 64 << 20 // bytes one append or complete request may carry
)

// CheckFileName returns the name to store for a file name given at upload, or a
// VALIDATE_FAILED *Error naming the filename parameter. The name is only metadata: content
// is stored under its digest, so path characters do no harm, but control characters are
// refused since the name ends up in a response header.
func CheckFileName(name string) (string, error) {
	var reason string
	switch {
	case strings.TrimSpace(name) == "":
		reason = "is required"
	case !utf8.ValidString(name):
		reason = "must be valid UTF-8"
	case utf8.RuneCountInString(name) > MaxFileName:
		reason = "must be at most 255 characters"
	case hasControl(name):
		reason = "must not contain control characters"
	}
	if reason != "" {
		return "", &Error{Code: EInvalid, Message: "invalid file name",
			Fields: []FieldError{{Field: "filename", Reason: reason}}}
	}
	return name, nil
}

// ParseDigest reads a SHA-256 digest as 64 hexadecimal digits, optionally prefixed with
// "sha256:", and returns it in lower case. Anything else is a VALIDATE_FAILED *Error naming
// the digest parameter.
func ParseDigest(s string) (string, error) {
	hex := strings.ToLower(s)
	if len(hex) > 7 && hex[:7] == "sha256:" {
		hex = hex[7:]
	}
	if !IsDigest(hex) {
		return "", &Error{Code: EInvalid, Message: "invalid digest",
			Fields: []FieldError{{Field: "digest",
				Reason: "must be the SHA-256 of the content: 64 hexadecimal digits"}}}
	}
	return hex, nil
}

// IsDigest reports whether s is a SHA-256 digest in canonical form: 64 lower-case hex digits.
func IsDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// Chunk is a piece of an upload as a request carries it: the body and its declared length,
// or -1 when the request does not declare one.
type Chunk struct {
	Body   io.Reader
	Length int64
}

// Blob is the content of a file, opened for reading. The caller closes it.
type Blob interface {
	io.ReadSeekCloser
}

// FileService keeps the files of the actor's current tenant (see CurrentTenantService) and
// runs PortSIP's resumable upload protocol. The tenant's admin and the system admin or
// dealers working in it may use it; uploads and files of other tenants are ENotFound.
type FileService interface {
	// StartUpload opens an upload and returns it with its token, which appends and the
	// completion must present. Only a hash of the token is kept.
	StartUpload(ctx context.Context, actor Actor, name string, temporary bool) (*Upload,
		string, error)

	// AppendUpload adds a chunk to the upload. A missing or wrong token is EInvalid or
	// EForbidden; a chunk that would take the tenant past its disk_quota is EQuotaExceeded
	// and kept nowhere. When the client goes away mid-chunk, the bytes received so far are
	// kept, so that it can resume where UploadStatus says.
	AppendUpload(ctx context.Context, actor Actor, id, token string, c Chunk) (*Upload, error)

	// UploadStatus returns the upload, to tell a client where to resume.
	UploadStatus(ctx context.Context, actor Actor, id string) (*Upload, error)

	// CompleteUpload appends the optional last chunk, checks the SHA-256 digest of the whole
	// content and stores the file. A digest that does not match is EInvalid naming digest,
	// and the upload is abandoned: nothing of it is kept.
	CompleteUpload(ctx context.Context, actor Actor, id, token, digest string, c Chunk) (
		*File, error)

	// CancelUpload abandons the upload and releases its space. token may be empty; if given
	// it must match.
	CancelUpload(ctx context.Context, actor Actor, id, token string) error

	// ListFiles returns one page of the current tenant's files.
	ListFiles(ctx context.Context, actor Actor, q ListQuery) ([]File, int64, error)

	// File returns one file of the current tenant.
	File(ctx context.Context, actor Actor, id int64) (*File, error)

	// DeleteFile removes the file; a tenant logo that was this file is removed with it.
	DeleteFile(ctx context.Context, actor Actor, id int64) error

	// OpenBlob returns the file whose download key is key, and its content. Download keys
	// are capabilities: no actor is needed. Unknown keys are ENotFound.
	OpenBlob(ctx context.Context, key string) (*File, Blob, error)
}
