package tenantd

// List paging bounds.
const (
	DefaultTop = 100
	MaxTop     = 100
)

// ListQuery holds the options of a list request: an OData-style filter, a literal search
// text, an order and a page.
type ListQuery struct {
	Filter  string
	Search  string
	OrderBy string
	Skip    int64
	Top     int64
}

// Validate checks the page bounds; the filter and order are checked where the fields they
// name are known.
func (q ListQuery) Validate() error {
	var p Problems
	if q.Skip < 0 {
		p.Add("skip", "must be 0 or more")
	}
	if q.Top < 1 || q.Top > MaxTop {
		p.Add("top", "must be from 1 to 100")
	}
	if len(q.Search) > 1024 {
		p.Add("search", "must be at most 1024 characters")
	}
	return p.Err()
}
