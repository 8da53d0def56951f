package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/tenantd/tenantd"
)

// The scan adapters below read column encodings that the domain types do not share: booleans
// stored as 0/1, nullable text, and times stored as Unix seconds.

type boolCol bool

func (b *boolCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*b = n.Int64 != 0
	return nil
}

type nullText tenantd.NullString

func (s *nullText) Scan(v any) error {
	var n sql.NullString
	if err := n.Scan(v); err != nil {
		return err
	}
	*s = nullText(n.String)
	return nil
}

type nullInt int64

func (i *nullInt) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*i = nullInt(n.Int64)
	return nil
}

type unixTime time.Time

func (t *unixTime) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	if !n.Valid {
		return fmt.Errorf("sqlstore: NULL time")
	}
	*t = unixTime(time.Unix(n.Int64, 0).UTC())
	return nil
}
