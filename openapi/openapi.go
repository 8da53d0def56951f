// Package openapi holds tenantd's HTTP contract: an OpenAPI 3.1 document written for tenantd,
// embedded in every binary that imports this package. The server serves it at
// GET /api/openapi.json, the end-to-end tests validate every JSON answer against it and
// tenantctl builds its tenant flags from its schemas, so the document is the one place where
// paths, fields and validation rules are written down.
package openapi

import (
	_ "embed"
	"slices"
)

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI document as JSON. The slice is the caller's own copy.
func Document() []byte {
	return slices.Clone(document)
}
