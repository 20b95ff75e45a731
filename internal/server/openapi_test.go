package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"aigrid/internal/export"
)

// TestOpenAPI checks the API's real responses against its OpenAPI document: every route of the
// document is called, every status it documents is produced, and each response's status, content
// type, headers and body (validated against the document's schemas, the export's JSON Schema
// included) are what the document says. A response the document does not describe fails.
func TestOpenAPI(t *testing.T) {
	a, calls := apiScenario(t)
	for _, path := range []string{"/openapi.json", "/schemas/assessment-1.json"} {
		resp, body := a.apiGet("", "/api/v1"+path)
		calls = append(calls, apiCall{"GET", path, resp, body})
	}
	if !bytes.Equal(calls[len(calls)-2].body, OpenAPI()) || !bytes.Equal(calls[len(calls)-1].body, export.Schema) {
		t.Fatal("the served documents are not the embedded ones")
	}

	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	// The document's routes are the router's.
	var routed []string
	for _, rt := range walk(t, a.s) {
		if p, ok := strings.CutPrefix(rt, "GET "+apiPrefix); ok {
			routed = append(routed, strings.ReplaceAll(p, "{a}", "{id}"))
		}
	}
	var documented []string
	for p := range doc.Paths {
		documented = append(documented, p)
	}
	slices.Sort(routed)
	slices.Sort(documented)
	if !slices.Equal(routed, documented) {
		t.Fatalf("routes %v, documented %v", routed, documented)
	}

	// The document's schemas, with the export's JSON Schema where the document refers to it.
	const base = "https://aigrid.test/api/v1/"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for name, b := range map[string][]byte{"openapi.json": OpenAPI(), "schemas/assessment-1.json": export.Schema} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(base+name, v); err != nil {
			t.Fatal(err)
		}
	}
	schemas := map[string]*jsonschema.Schema{}
	schema := func(ptr string) *jsonschema.Schema {
		if s, ok := schemas[ptr]; ok {
			return s
		}
		s, err := c.Compile(base + "openapi.json#" + ptr)
		if err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		schemas[ptr] = s
		return s
	}
	var components struct {
		Components struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(OpenAPI(), &components); err != nil {
		t.Fatal(err)
	}
	escape := strings.NewReplacer("~", "~0", "/", "~1").Replace

	seen := map[string]bool{} // "route status"
	for _, call := range calls {
		what := fmt.Sprintf("%s %s → %d", call.method, call.route, call.resp.StatusCode)
		op, ok := doc.Paths[call.route]["get"]
		if !ok {
			t.Errorf("%s: route not in the document", what)
			continue
		}
		status := fmt.Sprint(call.resp.StatusCode)
		raw, ok := op.Responses[status]
		if !ok {
			t.Errorf("%s: status not documented", what)
			continue
		}
		seen[call.route+" "+status] = true
		ptr := "/paths/" + escape(call.route) + "/get/responses/" + status
		var resp struct {
			Ref     string                     `json:"$ref"`
			Headers map[string]json.RawMessage `json:"headers"`
			Content map[string]json.RawMessage `json:"content"`
		}
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatal(err)
		}
		if name, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
			ptr = "/components/responses/" + name
			if err := json.Unmarshal(components.Components.Responses[name], &resp); err != nil {
				t.Fatal(err)
			}
		}
		for h := range resp.Headers {
			if call.resp.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", what, h)
			}
		}
		ct, _, err := mime.ParseMediaType(call.resp.Header.Get("Content-Type"))
		if err != nil {
			t.Errorf("%s: content type %q", what, call.resp.Header.Get("Content-Type"))
			continue
		}
		if _, ok := resp.Content[ct]; !ok {
			t.Errorf("%s: content type %s not documented", what, ct)
			continue
		}
		if !strings.HasSuffix(ct, "json") {
			continue
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(call.body))
		if err != nil {
			t.Errorf("%s: not JSON: %v", what, err)
			continue
		}
		if err := schema(ptr + "/content/" + escape(ct) + "/schema").Validate(v); err != nil {
			t.Errorf("%s: body does not match the document: %v\n%.500s", what, err, call.body)
		}
	}
	for route, item := range doc.Paths {
		for status := range item["get"].Responses {
			if !seen[route+" "+status] {
				t.Errorf("GET %s → %s: documented, never produced by the test", route, status)
			}
		}
	}

	// The check is not a formality: a body that is not the documented one fails.
	if schema("/components/schemas/AssessmentPage").Validate(map[string]any{"data": []any{map[string]any{"id": "x"}}, "next_cursor": nil}) == nil {
		t.Error("the page schema accepts an incomplete summary")
	}
}
