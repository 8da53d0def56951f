package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tenantd/tenantd"
)

// ifMatch reads the If-Match header of a write to the record with the given id, whose ETags
// etag makes. Without the header, or with "*", any version may be written. Otherwise only the
// versions named by strong ETags of this record may: weak tags, tags of other records and
// malformed tags match nothing, so a header of only such tags always fails with 412.
func ifMatch(r *http.Request, id int64) tenantd.Precondition {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return tenantd.Precondition{}
	}

	var versions []int64
	for _, tag := range entityTags(strings.Join(values, ",")) {
		if tag == "*" {
			return tenantd.Precondition{}
		}
		if tagID, version, ok := parseETag(tag); ok && tagID == id {
			versions = append(versions, version)
		}
	}
	return tenantd.MatchVersions(versions...)
}

// entityTags splits an If-Match value into its members: "*", strong tags with their quotes,
// and weak tags with their W/ prefix. Text that is none of these is returned as it is, so
// that it matches nothing.
func entityTags(h string) []string {
	var tags []string
	for h = strings.TrimLeft(h, " \t,"); h != ""; h = strings.TrimLeft(h, " \t,") {
		end := strings.IndexByte(h, ',')
		quoted := strings.HasPrefix(h, `"`) || strings.HasPrefix(h, `W/"`)
		if quoted {
			// A quoted tag may hold commas; it ends at its closing quote.
			open := strings.IndexByte(h, '"')
			if close := strings.IndexByte(h[open+1:], '"'); close >= 0 {
				end = open + 1 + close + 1
			}
		}
		if end < 0 {
			end = len(h)
		}
		tags = append(tags, strings.TrimSpace(h[:end]))
		h = h[end:]
	}
	return tags
}

// parseETag reads a strong tag made by etag.
func parseETag(tag string) (id, version int64, ok bool) {
	inner, found := strings.CutPrefix(tag, `"`)
	inner, found2 := strings.CutSuffix(inner, `"`)
	idText, versionText, found3 := strings.Cut(inner, ".")
	if !found || !found2 || !found3 {
		return 0, 0, false
	}

	id, err1 := strconv.ParseInt(idText, 36, 64)
	version, err2 := strconv.ParseInt(versionText, 36, 64)
	return id, version, err1 == nil && err2 == nil
}
