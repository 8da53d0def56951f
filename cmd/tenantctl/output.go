package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
)

// Output formats.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// outputFlag adds -o to fs.
func outputFlag(fs *flag.FlagSet) *string {
	return fs.String("o", formatTable, "output format: table, json or yaml")
}

func checkFormat(f string) error {
	switch f {
	case formatTable, formatJSON, formatYAML:
		return nil
	}
	return usageErrorf("-o %q: want table, json or yaml", f)
}

// print writes v (anything encoding/json can write) in the chosen format. table writes the
// table form from the decoded value.
func (a *app) print(format string, v any, table func(w io.Writer, doc value) error) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	doc, err := decodeOrdered(raw)
	if err != nil {
		return err
	}

	switch format {
	case formatJSON:
		var b bytes.Buffer
		if err := json.Indent(&b, raw, "", "  "); err != nil {
			return err
		}
		b.WriteByte('\n')
		_, err = a.stdout.Write(b.Bytes())
		return err
	case formatYAML:
		var b bytes.Buffer
		writeYAML(&b, doc, 0)
		_, err = a.stdout.Write(b.Bytes())
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	if err := table(tw, doc); err != nil {
		return err
	}
	return tw.Flush()
}

// value is a decoded JSON value that keeps the order of object members: object, []value,
// string, json.Number, bool or nil.
type value = any

// member is one member of an object.
type member struct {
	key string
	val value
}

// object is a JSON object with its members in document order.
type object []member

// get returns the member named key, or nil.
func (o object) get(key string) value {
	for _, m := range o {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// decodeOrdered decodes one JSON value, keeping the order of object members.
func decodeOrdered(b []byte) (value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("decode JSON: %w", err)
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return decodeObject(dec)
		}
		if t == '[' {
			return decodeArray(dec)
		}
		return nil, errors.New("unexpected " + t.String())
	default:
		return t, nil
	}
}

func decodeObject(dec *json.Decoder) (value, error) {
	o := object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		v, err := decodeValue(dec)
		if err != nil {
			return nil, err
		}
		o = append(o, member{key, v})
	}
	_, err := dec.Token() // the closing brace
	return o, err
}

func decodeArray(dec *json.Decoder) (value, error) {
	a := []value{}
	for dec.More() {
		v, err := decodeValue(dec)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	_, err := dec.Token() // the closing bracket
	return a, err
}

// writeYAML writes v as a YAML block at the given indentation. It covers exactly what JSON
// holds: every JSON document has one YAML form here, and strings are quoted whenever a YAML
// reader could take them for something else.
func writeYAML(b *bytes.Buffer, v value, indent int) {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case object:
		if len(t) == 0 {
			b.WriteString(pad + "{}\n")
		}
		for _, m := range t {
			b.WriteString(pad + yamlScalar(m.key) + ":")
			writeYAMLChild(b, m.val, indent)
		}
	case []value:
		if len(t) == 0 {
			b.WriteString(pad + "[]\n")
		}
		for _, item := range t {
			b.WriteString(pad + "-")
			writeYAMLItem(b, item, indent)
		}
	default:
		b.WriteString(pad + yamlScalar(t) + "\n")
	}
}

// writeYAMLChild writes the value of a mapping key whose "key:" is already written.
func writeYAMLChild(b *bytes.Buffer, v value, indent int) {
	switch t := v.(type) {
	case object:
		if len(t) > 0 {
			b.WriteString("\n")
			writeYAML(b, t, indent+2)
			return
		}
		b.WriteString(" {}\n")
	case []value:
		if len(t) > 0 {
			b.WriteString("\n")
			writeYAML(b, t, indent+2)
			return
		}
		b.WriteString(" []\n")
	default:
		b.WriteString(" " + yamlScalar(t) + "\n")
	}
}

// writeYAMLItem writes a sequence item whose "-" is already written. An object's first
// member goes on the dash's line and the others align under it.
func writeYAMLItem(b *bytes.Buffer, v value, indent int) {
	if o, ok := v.(object); ok && len(o) > 0 {
		var rest bytes.Buffer
		writeYAML(&rest, o, indent+2)
		b.WriteString(" " + strings.TrimPrefix(rest.String(), strings.Repeat(" ", indent+2)))
		return
	}
	writeYAMLChild(b, v, indent)
}

// yamlScalar writes a scalar. Strings stay plain only when they cannot be read as anything
// but that string; the others are written in JSON's quoting, which YAML reads the same way.
func yamlScalar(v value) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return t.String()
	case string:
		if plainYAML(t) {
			return t
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(t)
		return strings.TrimSuffix(b.String(), "\n")
	}
	return fmt.Sprint(v)
}

func plainYAML(s string) bool {
	if s == "" || !isAlnum(s[0]) && s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("_./@+-", rune(c)) {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ".inf", ".nan":
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err != nil && !strings.HasPrefix(s, "0") // 0755 or 0x1F read as numbers in YAML 1.1
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// maxCell bounds a table cell, in characters; -o json shows values whole.
const maxCell = 60

// cell writes a value for a table cell: scalars as they are, null as "-", objects and arrays
// as compact JSON, cut to maxCell characters and safe for a terminal.
func cell(v value) string {
	var s string
	switch t := v.(type) {
	case nil:
		return "-"
	case string:
		s = t
	case object, []value:
		s = compactJSON(t)
	default:
		s = yamlScalar(v)
	}
	return printable(s)
}

// printable replaces characters that would move the cursor, change the terminal's state or
// reorder text (controls, bidirectional overrides and isolates) with U+FFFD, and cuts the
// text to maxCell characters.
func printable(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxCell {
			b.WriteRune('…')
			break
		}
		if unicode.IsControl(r) || '\u202a' <= r && r <= '\u202e' ||
			'\u2066' <= r && r <= '\u2069' {
			r = '\ufffd'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func compactJSON(v value) string {
	switch t := v.(type) {
	case object:
		parts := make([]string, len(t))
		for i, m := range t {
			k, _ := json.Marshal(m.key)
			parts[i] = string(k) + ":" + compactJSON(m.val)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []value:
		parts := make([]string, len(t))
		for i, item := range t {
			parts[i] = compactJSON(item)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return yamlScalar(v)
}

// listTable writes the items of a list page as rows with the given columns, then the count.
func listTable(columns []string) func(io.Writer, value) error {
	return func(w io.Writer, doc value) error {
		page, _ := doc.(object)
		items, _ := page.get("items").([]value)
		fmt.Fprintln(w, strings.ToUpper(strings.Join(columns, "\t")))
		for _, item := range items {
			o, _ := item.(object)
			row := make([]string, len(columns))
			for i, c := range columns {
				row[i] = cell(o.get(c))
			}
			fmt.Fprintln(w, strings.Join(row, "\t"))
		}
		fmt.Fprintf(w, "(%d of %s)\n", len(items), cell(page.get("count")))
		return nil
	}
}

// recordTable writes one record as FIELD VALUE rows in the server's order.
func recordTable(w io.Writer, doc value) error {
	o, _ := doc.(object)
	for _, m := range o {
		fmt.Fprintf(w, "%s\t%s\n", m.key, cell(m.val))
	}
	return nil
}
