package sqlstore

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/filter"
)

// selectParts are the pieces of a list query: the WHERE clause shared by the count and the
// page, and the ORDER BY and LIMIT of the page.
type selectParts struct {
	where  string // "" or " WHERE ..."
	args   []any
	page   string // " ORDER BY ... LIMIT ? OFFSET ?"
	limit  int64
	offset int64
}

// pageArgs returns the arguments of the page query: the WHERE arguments, then limit and offset.
func (s selectParts) pageArgs() []any {
	return append(slices.Clone(s.args), s.limit, s.offset)
}

// buildSelect compiles the list options of q against fields. conds and condArgs are further
// conditions the caller adds (search, scope); they are ANDed with the filter. A bad filter or
// order is a VALIDATE_FAILED error naming the option. The SQL is written for db's dialect.
func (db *DB) buildSelect(q tenantd.ListQuery, fields filter.Fields, conds []string,
	condArgs []any) (selectParts, error) {
	var p selectParts
	args := slices.Clone(condArgs)

	if q.Filter != "" {
		expr, err := filter.Parse(q.Filter)
		if err != nil {
			return p, optionError("filter", err)
		}
		sql, fargs, err := filter.Compile(expr, fields, db.r.d.filterDialect())
		if err != nil {
			return p, optionError("filter", err)
		}
		conds = append(conds, sql)
		args = append(args, fargs...)
	}
	if len(conds) > 0 {
		p.where = " WHERE " + strings.Join(conds, " AND ")
	}
	p.args = args

	order, err := filter.ParseOrderBy(q.OrderBy, fields)
	if err != nil {
		return p, optionError("orderby", err)
	}
	p.page = " ORDER BY " + orderClause(order, fields) + " LIMIT ? OFFSET ?"
	p.limit, p.offset = q.Top, q.Skip
	return p, nil
}

// orderClause writes the ORDER BY terms, always ending with id so that ties have one order
// and pages never repeat or skip an item. A nullable column says where NULLs go, since the
// dialects' defaults differ: first when ascending, last when descending (SQLite's default;
// PostgreSQL's is the opposite), so both databases give the same pages.
func orderClause(order []filter.Order, fields filter.Fields) string {
	nullable := make(map[string]bool)
	for _, f := range fields {
		nullable[f.Column] = nullable[f.Column] || f.Nullable
	}

	terms := make([]string, 0, len(order)+1)
	idDesc := false
	for _, o := range order {
		if o.Column == "id" {
			idDesc = o.Desc
			break
		}
		term := o.Column + direction(o.Desc)
		if nullable[o.Column] {
			term += nullsPlace(o.Desc)
		}
		terms = append(terms, term)
	}
	return strings.Join(append(terms, "id"+direction(idDesc)), ", ")
}

func direction(desc bool) string {
	if desc {
		return " DESC"
	}
	return " ASC"
}

func nullsPlace(desc bool) string {
	if desc {
		return " NULLS LAST"
	}
	return " NULLS FIRST"
}

// optionError reports a client's bad filter or orderby, naming the option. Any other error
// from the filter package is a bug of ours and stays internal.
func optionError(option string, err error) error {
	var reasoned interface{ Reason() string }
	if !errors.As(err, &reasoned) {
		return fmt.Errorf("sqlstore: compile %s: %w", option, err)
	}
	return &tenantd.Error{
		Code:    tenantd.EInvalid,
		Message: "invalid list option",
		Fields:  []tenantd.FieldError{{Field: option, Reason: reasoned.Reason()}},
	}
}
