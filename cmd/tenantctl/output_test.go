package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteYAML(t *testing.T) {
	doc, err := decodeOrdered([]byte(`{"id":"123","name":"Acme Corp","n":5,"on":true,
		"none":null,"empty":{},"list":[],"quota":"","yes":"yes","time":"09:00",
		"nested":{"a":[{"from":"09:00","to":"18:00"},{"x":1}],"b":[1,"two",[3]]},
		"quote":"say \"hi\"\n","zip":"0755","path":"/api/blobs/k"}`))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeYAML(&b, doc, 0)

	// Keys and values that YAML 1.1 reads as booleans or numbers are quoted.
	want := `id: "123"
name: "Acme Corp"
"n": 5
"on": true
none: null
empty: {}
list: []
quota: ""
"yes": "yes"
time: "09:00"
nested:
  a:
    - from: "09:00"
      to: "18:00"
    - x: 1
  b:
    - 1
    - two
    -
      - 3
quote: "say \"hi\"\n"
zip: "0755"
path: /api/blobs/k
`
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestCellIsTerminalSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Acme":                     "Acme",
		"evil\u202egnp.exe":        "evil\ufffdgnp.exe",
		"bell\a and \x1b[2J clear": "bell\ufffd and \ufffd[2J clear",
		strings.Repeat("x", 70):    strings.Repeat("x", 60) + "…",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}
