package doc_test

import (
	"fmt"
	"os"
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
				p, e, n := reportgen.Compare(v, rep)
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
