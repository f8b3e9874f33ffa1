package doc_test

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	doc.RemoveProfiles()
	os.Exit(code)
}

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

// TestRoundTripDOC converts the representative variants of reportgen.Variants(1) (every
// variant with OGIREPORTS_DOC_ALL=1) to Word 97 DOC with
// LibreOffice, reads it back with Extract (LibreOffice again, DOC → DOCX → docx.Extract) and
// normalize.Normalize, and requires every truth cell, the agency and the year.
func TestRoundTripDOC(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	all := reportgen.Variants(1)
	idx := representative(all)
	var pass, exact, total atomic.Int64
	t.Run("variants", func(t *testing.T) {
		for _, i := range idx {
			v := all[i]
			t.Run(v.ID, func(t *testing.T) {
				t.Parallel()
				data, err := variantDOC(t, all, i)
				if err != nil {
					t.Fatalf("write doc: %v", err)
				}
				d, err := doc.Extract(data)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				if d.Meta["converter"] != doc.ConverterSoffice {
					t.Fatalf("converter %q, want soffice", d.Meta["converter"])
				}
				rep, err := normalize.Normalize(d)
				if err != nil {
					t.Fatalf("normalize: %v", err)
				}
				p, e, n := diffTruth(v, rep)
				exact.Add(int64(e))
				total.Add(int64(n))
				if len(p) > 0 {
					if len(p) > 15 {
						p = append(p[:15], fmt.Sprintf("… and %d more", len(p)-15))
					}
					t.Errorf("%d problems (quirks %v, layouts %s/%s):\n  %s", len(p), v.Quirks, v.LayoutT2, v.LayoutT3, strings.Join(p, "\n  "))
					return
				}
				pass.Add(1)
			})
		}
	})
	t.Logf("DOC (LibreOffice) round trip: %d of %d variants exact; %d of %d truth cells exact (%.2f%%)",
		pass.Load(), len(idx), exact.Load(), total.Load(), 100*float64(exact.Load())/float64(max(total.Load(), 1)))
}
