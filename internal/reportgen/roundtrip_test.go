package reportgen_test

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
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

func fmtVal(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%g", *p)
}

// diff compares a normalised report with the variant's truth and returns one line per problem.
func diff(v reportgen.Variant, rep *normalize.Report) []string {
	var out []string
	got := rep.Values()
	for _, k := range v.Keys() {
		want := v.Truth[k]
		g, present := got[k]
		switch {
		case !present:
			out = append(out, fmt.Sprintf("%s: missing (want %s, printed %q)", k, fmtVal(want), v.Printed[k]))
		case (want == nil) != (g == nil):
			out = append(out, fmt.Sprintf("%s: got %s, want %s (printed %q)", k, fmtVal(g), fmtVal(want), v.Printed[k]))
		case want != nil && math.Abs(*want-*g) > 1e-9:
			out = append(out, fmt.Sprintf("%s: got %s, want %s (printed %q)", k, fmtVal(g), fmtVal(want), v.Printed[k]))
		}
	}
	if rep.Agency != v.Agency {
		out = append(out, fmt.Sprintf("agency: got %q (from %s), want %q", rep.Agency, rep.AgencySource, v.Agency))
	}
	if rep.Year != v.Year {
		out = append(out, fmt.Sprintf("year: got %d (from %s), want %d", rep.Year, rep.YearSource, v.Year))
	}
	failed := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status == cells.Fail {
			failed[c.ID] = true
		}
	}
	for _, id := range v.Broken {
		if !failed[id] {
			out = append(out, fmt.Sprintf("broken identity %s: no failed check reported", id))
		}
	}
	if len(v.Broken) == 0 {
		for _, c := range rep.Checks {
			if c.Status == cells.Fail && strings.HasPrefix(c.ID, "t") && c.ID != cells.IDT3CarryContinuity {
				out = append(out, fmt.Sprintf("check %s/%s failed on a consistent variant: %s", c.ID, c.Column, c.Detail))
			}
		}
	} else {
		for _, c := range rep.Cells {
			for _, f := range c.Flags {
				if f == normalize.FlagRealigned {
					out = append(out, fmt.Sprintf("%s: flagged realigned on a broken variant", c.Key))
				}
			}
		}
	}
	return out
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
						if d := diff(v, rep); len(d) > 0 {
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
