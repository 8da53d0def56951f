package tenantd

import "slices"

// Precondition limits a write to versions of a record that the client has seen, so that two
// clients editing one record cannot silently overwrite each other (the HTTP layer builds it
// from If-Match). The zero value holds for every version: writes without a condition behave as
// PortSIP clients expect.
type Precondition struct {
	set      bool
	versions []int64
}

// MatchVersions returns a precondition that holds only while the record is at one of the
// given versions. With no versions it never holds.
func MatchVersions(versions ...int64) Precondition {
	return Precondition{set: true, versions: versions}
}

// Check returns nil when a record now at version may be written, else an
// EPreconditionFailed *Error. Stores call it inside the write's transaction, on the version
// they loaded there, so that no other write can slip in between the check and the write.
func (p Precondition) Check(version int64) error {
	if !p.set || slices.Contains(p.versions, version) {
		return nil
	}
	return Errorf(EPreconditionFailed,
		"the record has changed since it was read; read it again and retry")
}
