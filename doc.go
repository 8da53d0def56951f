// Package tenantd holds the domain of the tenantd control plane: tenants, the people who
// manage them and their files, the rules their values obey, and the one error type every layer
// speaks. It imports only the standard library; storage and HTTP live in subpackages that
// depend on it, never the reverse.
package tenantd
