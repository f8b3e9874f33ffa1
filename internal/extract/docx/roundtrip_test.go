package docx_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

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
			p, e, n := reportgen.Compare(v, rep)
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
