package normalize_test

import (
	"errors"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// TestNonReportsAreNotReports feeds every generated near-miss document (format notices that
// print the blank tables, 法治政府建设年度报告, 工作要点, 说明, 统计公报) through the normaliser:
// none may come out as a report, and each error must say why.
func TestNonReportsAreNotReports(t *testing.T) {
	docs := reportgen.NonReports(1)
	if len(docs) == 0 {
		t.Fatal("reportgen.NonReports returned nothing")
	}
	for _, d := range docs {
		t.Run(d.ID, func(t *testing.T) {
			doc, err := extract.HTML(d.HTML, "")
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			rep, err := normalize.Normalize(doc)
			if err == nil {
				t.Fatalf("%q came out as a report with %d cells", d.Title, len(rep.Cells))
			}
			if !errors.Is(err, normalize.ErrNotReport) {
				t.Fatalf("error %v does not wrap ErrNotReport", err)
			}
			if err.Error() == normalize.ErrNotReport.Error() {
				t.Errorf("error carries no reason: %v", err)
			}
		})
	}
}
