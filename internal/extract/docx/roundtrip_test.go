package docx_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// diffTruth compares the normalised cells, agency and year with the variant's truth and
// returns one line per difference, and the number of truth cells equal.
func diffTruth(v reportgen.Variant, rep *normalize.Report) (problems []string, exact, total int) {
	got := rep.Values()
	for _, k := range v.Keys() {
		total++
		want := v.Truth[k]
		g, present := got[k]
		switch {
		case !present:
			problems = append(problems, fmt.Sprintf("%s: missing (want %s, printed %q)", k, fmtVal(want), v.Printed[k]))
		case (want == nil) != (g == nil), want != nil && math.Abs(*want-*g) > 1e-9:
			problems = append(problems, fmt.Sprintf("%s: got %s, want %s (printed %q)", k, fmtVal(g), fmtVal(want), v.Printed[k]))
		default:
			exact++
		}
	}
	if rep.Agency != v.Agency {
		problems = append(problems, fmt.Sprintf("agency: got %q (from %s), want %q", rep.Agency, rep.AgencySource, v.Agency))
	}
	if rep.Year != v.Year {
		problems = append(problems, fmt.Sprintf("year: got %d (from %s), want %d", rep.Year, rep.YearSource, v.Year))
	}
	sort.Strings(problems)
	return problems, exact, total
}

func fmtVal(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%g", *p)
}

// TestRoundTripDOCX writes every variant of reportgen.Variants(1) as DOCX (the Go writer),
// reads it back with Extract and normalize.Normalize, and requires every truth cell, the
// agency and the year.
func TestRoundTripDOCX(t *testing.T) {
	vs := reportgen.Variants(1)
	pass, exact, total := 0, 0, 0
	for _, v := range vs {
		ok := t.Run(v.ID, func(t *testing.T) {
			data, err := v.DOCX()
			if err != nil {
				t.Fatalf("write docx: %v", err)
			}
			d, err := docx.Extract(data)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			rep, err := normalize.Normalize(d)
			if err != nil {
				t.Fatalf("normalize: %v", err)
			}
			p, e, n := diffTruth(v, rep)
			exact, total = exact+e, total+n
			if len(p) > 0 {
				if len(p) > 15 {
					p = append(p[:15], fmt.Sprintf("… and %d more", len(p)-15))
				}
				t.Errorf("%d problems (quirks %v, layouts %s/%s):\n  %s", len(p), v.Quirks, v.LayoutT2, v.LayoutT3, strings.Join(p, "\n  "))
			}
		})
		if ok {
			pass++
		}
	}
	t.Logf("DOCX round trip: %d of %d variants exact; %d of %d truth cells exact (%.2f%%)", pass, len(vs), exact, total, 100*float64(exact)/float64(max(total, 1)))
}
