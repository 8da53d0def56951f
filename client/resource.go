package client

import (
	"context"
)

// Object is a record whose domain type this module does not define yet (dealers, users,
// audit log entries, files): its JSON members by name.
type Object map[string]any

// Page is one page of a list of Objects.
type Page struct {
	Count int64    `json:"count"`
	Items []Object `json:"items"`
}

// Resource is a collection with PortSIP's usual endpoints: GET and POST on the collection,
// GET and POST on a record, and POST .../destroy.
type Resource struct {
	c    *Client
	path string
}

// Dealers returns the dealer endpoints (/api/dealers).
func (c *Client) Dealers() Resource { return Resource{c, "/api/dealers"} }

// Users returns the user endpoints of the current tenant (/api/users).
func (c *Client) Users() Resource { return Resource{c, "/api/users"} }

// AuditLogs returns the audit log (/api/audit_logs); only List applies.
func (c *Client) AuditLogs() Resource { return Resource{c, "/api/audit_logs"} }

// List returns one page of the collection.
func (r Resource) List(ctx context.Context, opts ListOptions) (*Page, error) {
	var p Page
	if err := r.c.getJSON(ctx, r.path, opts.Values(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Get returns one record.
func (r Resource) Get(ctx context.Context, id string) (Object, error) {
	var o Object
	if err := r.c.getJSON(ctx, r.path+"/"+escape(id), nil, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Create creates a record from the given members and returns its id.
func (r Resource) Create(ctx context.Context, fields Fields) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := r.c.postJSON(ctx, r.path, fields, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// Update changes the given members of a record and returns the record the server answers.
func (r Resource) Update(ctx context.Context, id string, fields Fields) (Object, error) {
	var o Object
	if err := r.c.postJSON(ctx, r.path+"/"+escape(id), fields, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Delete removes a record.
func (r Resource) Delete(ctx context.Context, id string) error {
	return r.c.postEmpty(ctx, r.path+"/"+escape(id)+"/destroy")
}
