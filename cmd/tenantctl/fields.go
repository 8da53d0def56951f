package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/tenantd/tenantd/openapi"
)

// fieldKind says how a flag's text becomes a JSON value.
type fieldKind int

const (
	kindString fieldKind = iota // sent as a JSON string
	kindBool                    // true or false; a bare --flag means true
	kindInt                     // a whole number
	kindJSON                    // JSON text, sent as it is
)

// fieldFlag is one flag that sets a member of a request body.
type fieldFlag struct {
	flag string   // "max-extensions", "e164-country"
	path []string // ["max_extensions"], ["e164", "country"]
	kind fieldKind
	help string
}

// tenantFlags are the tenant field flags, read from the OpenAPI document's TenantUpdate
// schema so that the command line follows the contract: one flag per writable member, and
// one per member of the nested objects whose members are all scalars (e164, cdr_event,
// extension_event). office_hours and outbound_caller_ids take JSON.
var tenantFlags = sync.OnceValues(func() ([]fieldFlag, error) {
	doc, err := decodeOrdered(openapi.Document())
	if err != nil {
		return nil, err
	}
	root, _ := doc.(object)
	components, _ := root.get("components").(object)
	schemas, _ := components.get("schemas").(object)
	update, _ := schemas.get("TenantUpdate").(object)
	props, _ := update.get("properties").(object)
	if len(props) == 0 {
		return nil, fmt.Errorf("the OpenAPI document has no TenantUpdate properties")
	}

	var flags []fieldFlag
	for _, m := range props {
		s := describe(schemas, m.val)
		if s.readOnly {
			continue
		}
		flags = append(flags, fieldFlag{flagName(m.key), []string{m.key}, s.kind, s.help()})
		for _, sub := range s.scalarMembers(schemas) {
			ss := describe(schemas, sub.val)
			flags = append(flags, fieldFlag{flagName(m.key + "_" + sub.key),
				[]string{m.key, sub.key}, ss.kind, ss.help()})
		}
	}
	return flags, nil
})

func flagName(member string) string {
	return strings.ReplaceAll(member, "_", "-")
}

// schemaInfo is what a flag needs to know of a schema.
type schemaInfo struct {
	kind        fieldKind
	description string
	enum        []string
	def         value
	readOnly    bool
	props       object
}

// describe follows $ref and allOf and gathers a schema's type, description, enum and
// default; outer annotations win over referenced ones.
func describe(schemas object, v value) schemaInfo {
	var info schemaInfo
	typeSeen := false
	for depth := 0; depth < 8; depth++ {
		s, _ := v.(object)
		if d, ok := s.get("description").(string); ok && info.description == "" {
			info.description = d
		}
		if d := s.get("default"); d != nil && info.def == nil {
			info.def = d
		}
		if ro, ok := s.get("readOnly").(bool); ok && ro {
			info.readOnly = true
		}
		if e, ok := s.get("enum").([]value); ok && info.enum == nil {
			for _, x := range e {
				info.enum = append(info.enum, fmt.Sprint(x))
			}
		}
		if p, ok := s.get("properties").(object); ok && info.props == nil {
			info.props = p
		}
		if t := s.get("type"); t != nil && !typeSeen {
			info.kind, typeSeen = kindOf(t), true
		}

		if ref, ok := s.get("$ref").(string); ok {
			v = schemas.get(strings.TrimPrefix(ref, "#/components/schemas/"))
			continue
		}
		if all, ok := s.get("allOf").([]value); ok && len(all) == 1 {
			v = all[0]
			continue
		}
		return info
	}
	return info
}

func kindOf(t value) fieldKind {
	types := []string{}
	switch x := t.(type) {
	case string:
		types = append(types, x)
	case []value:
		for _, y := range x {
			types = append(types, fmt.Sprint(y))
		}
	}
	for _, name := range types {
		switch name {
		case "boolean":
			return kindBool
		case "integer":
			return kindInt
		case "object", "array":
			return kindJSON
		}
	}
	return kindString
}

// scalarMembers returns the members of an object schema when they are all scalars.
func (s schemaInfo) scalarMembers(schemas object) object {
	if s.kind != kindJSON || len(s.props) == 0 {
		return nil
	}
	for _, m := range s.props {
		if describe(schemas, m.val).kind == kindJSON {
			return nil
		}
	}
	return s.props
}

// help is the flag's usage line: the first sentence of the description, the values an enum
// allows and the server's default.
func (s schemaInfo) help() string {
	h, _, _ := strings.Cut(s.description, ". ")
	h = strings.TrimSuffix(h, ".")
	if s.kind == kindJSON {
		h += " (JSON)"
	}
	if len(s.enum) > 0 {
		h += "; one of " + strings.Join(s.enum, ", ")
	}
	if s.def != nil {
		h += "; default " + compactJSON(s.def)
	}
	return h
}

// body collects the members of a request body from flags, in the order they are given.
type body map[string]any

// set stores raw at path, merging into a nested object given earlier as JSON.
func (b body) set(path []string, raw json.RawMessage) error {
	if len(path) == 1 {
		b[path[0]] = raw
		return nil
	}

	nested := map[string]any{}
	switch prev := b[path[0]].(type) {
	case json.RawMessage:
		if err := json.Unmarshal(prev, &nested); err != nil {
			return fmt.Errorf("--%s must be a JSON object to set %s in it", flagName(path[0]),
				strings.Join(path, "."))
		}
	case map[string]any:
		nested = prev
	}
	nested[path[1]] = raw
	b[path[0]] = nested
	return nil
}

// fieldValue is the flag.Value of a field flag.
type fieldValue struct {
	f    fieldFlag
	body body
}

func (v *fieldValue) String() string { return "" }

func (v *fieldValue) IsBoolFlag() bool { return v.f.kind == kindBool }

func (v *fieldValue) Set(s string) error {
	raw, err := encodeField(v.f.kind, s)
	if err != nil {
		return err
	}
	return v.body.set(v.f.path, raw)
}

func encodeField(kind fieldKind, s string) (json.RawMessage, error) {
	switch kind {
	case kindBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("want true or false")
		}
		return json.RawMessage(strconv.FormatBool(b)), nil
	case kindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want a whole number")
		}
		return json.RawMessage(strconv.FormatInt(n, 10)), nil
	case kindJSON:
		if !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("want JSON text")
		}
		return json.RawMessage(s), nil
	}
	return json.Marshal(s)
}

// setValue is --set field=value: any member, dotted for a nested one; the value is JSON when
// it parses as JSON, else a string.
type setValue struct{ body body }

func (v setValue) String() string { return "" }

func (v setValue) Set(s string) error {
	key, val, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return fmt.Errorf("want field=value")
	}
	raw := json.RawMessage(val)
	if !json.Valid(raw) {
		raw, _ = json.Marshal(val)
	}
	path := strings.SplitN(key, ".", 2)
	return v.body.set(path, raw)
}

// bodyValue is --body: a JSON object, or @file to read one, that the other flags add to.
type bodyValue struct{ body body }

func (v bodyValue) String() string { return "" }

func (v bodyValue) Set(s string) error {
	text := []byte(s)
	if name, ok := strings.CutPrefix(s, "@"); ok {
		var err error
		if text, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(text, &members); err != nil {
		return fmt.Errorf("want a JSON object: %v", err)
	}
	for k, raw := range members {
		v.body[k] = raw
	}
	return nil
}

// bodyFlags adds --set and --body to fs; both fill b.
func bodyFlags(fs *flag.FlagSet, b body) {
	fs.Var(setValue{b}, "set", "set any member: `field=value` (repeatable; a.b for a nested "+
		"member; value is JSON if it parses, else a string)")
	fs.Var(bodyValue{b}, "body", "start from a JSON object: `JSON` text or @file")
}

// fieldFlagName returns the tenant flag that sets a field named in a server error
// ("e164.country" gives "e164-country", "office_hours.monday" gives "office-hours"), or "".
func fieldFlagName(field string) string {
	flags, err := tenantFlags()
	if err != nil {
		return ""
	}
	field, _, _ = strings.Cut(field, "[")
	parts := strings.Split(field, ".")
	for n := min(len(parts), 2); n > 0; n-- {
		for _, f := range flags {
			if strings.Join(f.path, ".") == strings.Join(parts[:n], ".") {
				return f.flag
			}
		}
	}
	return ""
}
