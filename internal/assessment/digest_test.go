package assessment

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// digestAsFirstWritten is Digest as it was first written (with fmt): the digests already in
// pages and in browsers' drafts must not change.
func digestAsFirstWritten(a Answer) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	fmt.Fprintf(h, "v%d;", len(a.Values))
	for _, v := range a.Values {
		field(v)
	}
	field(a.Comment)
	field(a.Justification)
	fmt.Fprintf(h, "e%d;", len(a.Evidence))
	for _, e := range a.Evidence {
		field(e.Title)
		field(e.Link)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func TestDigestUnchanged(t *testing.T) {
	long := strings.Repeat("é", 5000)
	for _, a := range []Answer{
		{},
		{Values: []string{"in_place"}},
		{Values: []string{"a", "b", "c"}, Comment: "Seeded.", Justification: "n/a"},
		{Values: []string{"3"}, Comment: long, Evidence: []Evidence{{Title: "Policy", Link: "https://example.org/p"}, {Title: "", Link: "x;1:y"}}},
		{Comment: "1:;v0;", Justification: long + long},
	} {
		if got, want := a.Digest(), digestAsFirstWritten(a); got != want {
			t.Errorf("%+.60v: digest %s, first written %s", a, got, want)
		}
	}
}
