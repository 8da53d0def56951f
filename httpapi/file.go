package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
)

// Headers of PortSIP's resumable upload protocol.
const (
	headerUploadID    = "PortSIP-Upload-ID"
	headerUploadToken = "PortSIP-Upload-Token"
)

// Deadlines of the requests that move file content. The server's own timeouts suit JSON
// requests; a 64 MiB chunk on a slow link, or a large download, needs longer.
const (
	chunkTimeout    = 15 * time.Minute
	downloadTimeout = time.Hour
)

func (s *Server) startUpload(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	q := r.URL.Query()
	var p tenantd.Problems
	if len(q["filename"]) > 1 {
		p.Add("filename", "must be given once")
	}
	temporary, ok := parseFlag(q["temporary"])
	if !ok {
		p.Add("temporary", "must be true or false")
	}
	if err := p.Err(); err != nil {
		return err
	}

	u, token, err := s.Files.StartUpload(r.Context(), actor, q.Get("filename"), temporary)
	if err != nil {
		return err
	}
	w.Header().Set(headerUploadToken, token)
	writeUpload(w, http.StatusAccepted, u)
	return nil
}

// parseFlag reads an optional boolean query parameter given at most once.
func parseFlag(values []string) (value, ok bool) {
	switch {
	case len(values) == 0:
		return false, true
	case len(values) > 1:
		return false, false
	}
	switch strings.ToLower(values[0]) {
	case "true", "1":
		return true, true
	case "false", "0", "":
		return false, true
	}
	return false, false
}

// writeUpload answers with the upload's id and received range and no body.
func writeUpload(w http.ResponseWriter, status int, u *tenantd.Upload) {
	h := w.Header()
	h.Set(headerUploadID, u.ID)
	h.Set("Range", u.Range())
	if status != http.StatusNoContent {
		h.Set("Content-Length", "0")
	}
	w.WriteHeader(status)
}

func (s *Server) appendUpload(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	extendDeadlines(w, chunkTimeout)
	u, err := s.Files.AppendUpload(r.Context(), actor, r.PathValue("id"),
		r.Header.Get(headerUploadToken), chunkOf(r))
	if err != nil {
		return err
	}
	// PortSIP answers an append with 203, not 202; clients written for it check for that.
	writeUpload(w, http.StatusNonAuthoritativeInfo, u)
	return nil
}

func (s *Server) uploadStatus(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	u, err := s.Files.UploadStatus(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeUpload(w, http.StatusNoContent, u)
	return nil
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	q := r.URL.Query()
	if len(q["digest"]) != 1 {
		var p tenantd.Problems
		p.Add("digest", "must be given once: the SHA-256 of the whole content")
		return p.Err()
	}

	extendDeadlines(w, chunkTimeout)
	f, err := s.Files.CompleteUpload(r.Context(), actor, r.PathValue("id"),
		r.Header.Get(headerUploadToken), q.Get("digest"), chunkOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": tenantd.FormatID(f.ID)})
	return nil
}

func (s *Server) destroyUpload(w http.ResponseWriter, r *http.Request,
	actor tenantd.Actor) error {
	err := s.Files.CancelUpload(r.Context(), actor, r.PathValue("id"),
		r.Header.Get(headerUploadToken))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// chunkOf is the request's body as an upload chunk. Its length is what the request
// declares, -1 when it does not (chunked transfer encoding).
func chunkOf(r *http.Request) tenantd.Chunk {
	return tenantd.Chunk{Body: r.Body, Length: r.ContentLength}
}

// extendDeadlines gives a request that moves content longer than the server's timeouts. A
// writer that cannot change deadlines keeps the server's.
func extendDeadlines(w http.ResponseWriter, d time.Duration) {
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(d)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline.Add(time.Minute))
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.Files.File(r.Context(), actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(id, fileVersion))
	writeJSON(w, http.StatusOK, f)
	return nil
}

// fileVersion is the version of every file record: a file never changes once stored, so its
// ETag never does either, and If-Match on a destroy can be checked before the delete.
const fileVersion = 1

func (s *Server) destroyFile(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if r.Header.Get("If-Match") != "" {
		if _, err := s.Files.File(r.Context(), actor, id); err != nil {
			return err // a missing file is 404, whatever the condition
		}
		if err := ifMatch(r, id).Check(fileVersion); err != nil {
			return err
		}
	}
	if err := s.Files.DeleteFile(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// downloadBlob serves a file's content by its download key, without a token: the key is the
// capability, as PortSIP's avatar_file_url is. Ranges, If-None-Match and If-Range are
// answered by http.ServeContent. The content is sent as an attachment that browsers must not
// sniff or run, since it is whatever a tenant uploaded.
func (s *Server) downloadBlob(w http.ResponseWriter, r *http.Request) error {
	f, blob, err := s.Files.OpenBlob(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	defer blob.Close()

	h := w.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", contentDisposition(f.Name))
	h.Set("ETag", `"`+f.Digest+`"`)
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")

	extendDeadlines(w, downloadTimeout)
	http.ServeContent(&rangeErrors{ResponseWriter: w, r: r}, r, "", f.CreatedAt, blob)
	return nil
}

// contentDisposition writes an attachment header for name (RFC 6266): a quoted ASCII
// fallback in which anything that could end or escape the quoted string becomes "_", and,
// when that lost something, the exact name as an RFC 8187 filename* parameter.
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, c := range []byte(name) {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '/' {
			c = '_'
		}
		ascii.WriteByte(c)
	}
	v := `attachment; filename="` + ascii.String() + `"`
	if ascii.String() == name {
		return v
	}

	var enc strings.Builder
	for _, c := range []byte(name) {
		if isAttrChar(c) {
			enc.WriteByte(c)
			continue
		}
		enc.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
	}
	return v + "; filename*=UTF-8''" + enc.String()
}

// isAttrChar reports whether c may appear unescaped in an RFC 8187 value.
func isAttrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// rangeErrors turns http.ServeContent's plain-text 416 answer to an unsatisfiable Range into
// the error envelope; every other answer passes through unchanged.
type rangeErrors struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (w *rangeErrors) WriteHeader(status int) {
	if status != http.StatusRequestedRangeNotSatisfiable {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.replaced = true
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Disposition")
	writeError(w.ResponseWriter, w.r, &tenantd.Error{
		Code:    tenantd.ERangeNotSatisfiable,
		Message: "the requested range does not overlap the content",
		Fields: []tenantd.FieldError{{Field: "Range",
			Reason: "must overlap the content; Content-Range gives its size"}},
	})
}

func (w *rangeErrors) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil // ServeContent's own text, already replaced
	}
	return w.ResponseWriter.Write(b)
}

func (w *rangeErrors) Unwrap() http.ResponseWriter { return w.ResponseWriter }
