package reportgen_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// rendering is one way a variant is fed to the extractor.
type rendering struct {
	name    string
	extract func(v reportgen.Variant) (*extract.Document, error)
}

var renderings = []rendering{
	{"html", func(v reportgen.Variant) (*extract.Document, error) { return extract.HTML(v.HTML(), "") }},
	{"flat", func(v reportgen.Variant) (*extract.Document, error) { return extract.Text(v.FlatText()) }},
	{"rows", func(v reportgen.Variant) (*extract.Document, error) { return extract.Text(v.RowText()) }},
	// FlatText as converters print it that drop &nbsp;: a blank cell is an empty line, so in the
	// double-spaced text a run of three empty lines between two values.
	{"flat_gaps", func(v reportgen.Variant) (*extract.Document, error) {
		return extract.Text(bytes.ReplaceAll(v.FlatText(), []byte("\n\u00a0\n"), []byte("\n\n")))
	}},
}

// TestRoundTrip feeds every variant through extract and normalize in three renderings and
// requires every truth cell, the agency and the year back, and the declared broken identities
// to fail without realignment.
func TestRoundTrip(t *testing.T) {
	vs := reportgen.Variants(20260101)
	var mu sync.Mutex
	pass := map[string]int{}
	// The variants run in parallel inside this group, which returns when all are done.
	t.Run("variants", func(t *testing.T) {
		for _, v := range vs {
			t.Run(v.ID, func(t *testing.T) {
				t.Parallel()
				for _, r := range renderings {
					ok := t.Run(r.name, func(t *testing.T) {
						doc, err := r.extract(v)
						if err != nil {
							t.Fatalf("extract: %v", err)
						}
						rep, err := normalize.Normalize(doc)
						if err != nil {
							t.Fatalf("normalize: %v", err)
						}
						if d := problemsOf(v, rep); len(d) > 0 {
							sort.Strings(d)
							if len(d) > 20 {
								d = append(d[:20], fmt.Sprintf("… and %d more", len(d)-20))
							}
							t.Errorf("%d problems (quirks %v, layouts %s/%s, %s):\n  %s", len(d), v.Quirks, v.LayoutT2, v.LayoutT3, v.Encoding, strings.Join(d, "\n  "))
						}
					})
					if ok {
						mu.Lock()
						pass[r.name]++
						mu.Unlock()
					}
				}
			})
		}
	})
	for _, r := range renderings {
		t.Logf("%s: %d of %d variants round-trip exactly", r.name, pass[r.name], len(vs))
	}
}

// problemsOf is reportgen.Compare's list of problems.
func problemsOf(v reportgen.Variant, rep *normalize.Report) []string {
	p, _, _ := reportgen.Compare(v, rep)
	return p
}
