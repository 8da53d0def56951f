package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tenantd/tenantd/openapi"
)

// docURL is the name the OpenAPI document is known by inside the schema compiler.
const docURL = "https://tenantd.invalid/openapi.json"

// contract checks answers against the OpenAPI document: the status must be documented for the
// operation, and a JSON body must validate against the documented schema.
type contract struct {
	paths    map[string]map[string]any // path template -> method -> operation
	doc      map[string]any
	mu       sync.Mutex // guards compiler and schemas: the compiler is not safe for concurrent use
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema // by JSON pointer
}

// loadContract reads the embedded document once per test binary.
var loadContract = sync.OnceValues(func() (*contract, error) {
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.Document()))
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	doc, _ := raw.(map[string]any)

	c := &contract{doc: doc, paths: map[string]map[string]any{},
		schemas: map[string]*jsonschema.Schema{}}
	paths, _ := doc["paths"].(map[string]any)
	for tmpl, item := range paths {
		ops, _ := item.(map[string]any)
		c.paths[tmpl] = ops
	}

	c.compiler = jsonschema.NewCompiler()
	c.compiler.DefaultDraft(jsonschema.Draft2020)
	c.compiler.AssertFormat()
	if err := c.compiler.AddResource(docURL, raw); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return c, nil
})

// check validates one answer to method and path (which may carry a query). It reports
// whether the document describes the operation at all. An undocumented operation is not an
// error here, since httpapi's TestRoutesDocumented reports every such route in one place;
// its error answers (unknown paths, wrong methods) must still be the documented envelope.
func (c *contract) check(method, path string, res *response) (documented bool, err error) {
	path, _, _ = strings.Cut(path, "?")
	var op map[string]any
	if tmpl, ok := c.match(path); ok {
		op, _ = c.paths[tmpl][strings.ToLower(method)].(map[string]any)
	}
	if op == nil {
		if res.Status >= 400 {
			return false, c.checkBody(c.resolve("/components/responses/Error"),
				"/components/responses/Error", res)
		}
		return false, nil
	}
	tmpl, _ := c.match(path)

	responses, _ := op["responses"].(map[string]any)
	code := strconv.Itoa(res.Status)
	ptr := "/paths/" + escapePointer(tmpl) + "/" + strings.ToLower(method) + "/responses/"
	resp, ok := responses[code].(map[string]any)
	if !ok {
		code = "default"
		if resp, ok = responses[code].(map[string]any); !ok {
			return true, fmt.Errorf("status %d is not documented for %s %s", res.Status, method, tmpl)
		}
	}
	ptr += code
	if ref, ok := resp["$ref"].(string); ok {
		ptr = strings.TrimPrefix(ref, "#")
		resp = c.resolve(ptr)
	}
	return true, c.checkBody(resp, ptr, res)
}

// checkBody checks the body of res against the response object resp found at ptr.
func (c *contract) checkBody(resp map[string]any, ptr string, res *response) error {
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(res.Body) > 0 {
			return fmt.Errorf("status %d is documented without a body, got %q", res.Status, res.Body)
		}
		return nil
	}

	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("Content-Type %q: %w", res.Header.Get("Content-Type"), err)
	}
	if _, ok := content[mt]; !ok {
		return fmt.Errorf("Content-Type %s is not documented for status %d", mt, res.Status)
	}
	if mt != "application/json" {
		return nil
	}

	sch, err := c.schema(ptr + "/content/" + escapePointer(mt) + "/schema")
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(res.Body))
	if err != nil {
		return fmt.Errorf("body is not JSON: %w: %s", err, res.Body)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("body does not match %s: %v\nbody: %s", ptr, err, res.Body)
	}
	return nil
}

// schema compiles the schema at a JSON pointer into the document, once.
func (c *contract) schema(ptr string) (*jsonschema.Schema, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if s, ok := c.schemas[ptr]; ok {
		return s, nil
	}
	s, err := c.compiler.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", ptr, err)
	}
	c.schemas[ptr] = s
	return s, nil
}

// match finds the path template that serves path, preferring literal segments over
// parameters from left to right, as the server's router does.
func (c *contract) match(path string) (string, bool) {
	segs := strings.Split(path, "/")
	best, bestScore := "", -1
	for tmpl := range c.paths {
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		score, ok := 0, true
		for i, t := range tsegs {
			switch {
			case strings.HasPrefix(t, "{") && segs[i] != "":
				score <<= 1
			case t == segs[i]:
				score = score<<1 | 1
			default:
				ok = false
			}
		}
		if ok && score > bestScore {
			best, bestScore = tmpl, score
		}
	}
	return best, bestScore >= 0
}

// resolve returns the object at a JSON pointer into the document.
func (c *contract) resolve(ptr string) map[string]any {
	var cur any = c.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, _ := cur.(map[string]any)
		cur = m[tok]
	}
	m, _ := cur.(map[string]any)
	return m
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// mustJSON encodes v for test bodies.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// jsonAnswer builds a response as if the server had answered status with body v.
func jsonAnswer(status int, v any) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	return &response{Status: status, Header: h, Body: mustJSON(v)}
}
