package pdf

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/testutil"
)

// realPDFs are the real reports of ../shared/realdata with a text layer.
var realPDFs = []struct {
	file string
	// t3Rows is the number of t3 data rows (gov2021 three-row （六）: 25, single-row: 23).
	t3Rows int
	agency string
	year   int
}{
	{"huaian_city_2024.pdf", 25, "淮安市人民政府", 2024},
	{"huaian_hongze_2023.pdf", 23, "洪泽区人民政府", 2023},
	{"huaian_hongze_2024.pdf", 23, "洪泽区人民政府", 2024},
}

// truth is a *.truth.json file.
type truth struct {
	Agency             string             `json:"agency"`
	Year               int                `json:"year"`
	Cells              map[string]float64 `json:"cells"`
	ReportInconsistent []string           `json:"report_inconsistent"`
}

func readTruth(t *testing.T, path string) truth {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read truth: %v", err)
	}
	var tr truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("parse truth %s: %v", path, err)
	}
	return tr
}

func extractFile(t testing.TB, path string) *extract.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	doc, err := Extract(data)
	if err != nil {
		t.Fatalf("Extract(%s): %v", path, err)
	}
	return doc
}

var numberRe = regexp.MustCompile(`^[+-]?\d+(\.\d+)?$`)

// t3DataRows finds table 三 among the document's grids geometrically (the grids after the
// heading that names it, up to table 四) and returns, for every grid row whose cells hold
// exactly seven numbers, those numbers in column order.
func t3DataRows(doc *extract.Document) [][]float64 {
	var rows [][]float64
	in := false
	for _, b := range doc.Blocks {
		if b.Kind == extract.TextBlock {
			switch {
			case strings.HasPrefix(b.Text, "三、"):
				in = true
			case strings.HasPrefix(b.Text, "四、"):
				in = false
			}
			continue
		}
		if !in {
			continue
		}
		for _, r := range b.Table.Rows {
			var nums []float64
			for _, c := range r {
				if c.Spanned || !numberRe.MatchString(c.Text) {
					continue
				}
				v, _ := strconv.ParseFloat(c.Text, 64)
				nums = append(nums, v)
			}
			if len(nums) == 7 {
				rows = append(rows, nums)
			}
		}
	}
	return rows
}

// t3Keys lists the t3 row keys of a layout in printed order.
func t3Keys(singleOther bool) []string {
	keys := []string{"new_received", "carried_over", "granted", "partly_granted",
		"denied_state_secret", "denied_law_prohibited", "denied_three_safeties", "denied_third_party",
		"denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_inquiry",
		"unable_not_held", "unable_needs_creation", "unable_unclear",
		"rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation"}
	if singleOther {
		keys = append(keys, "other")
	} else {
		keys = append(keys, "other_no_correction", "other_unpaid_fee", "other_other")
	}
	return append(keys, "total_processed", "carried_forward")
}

// TestRealPDFGrids checks the grids alone (no normalize): table 三 has 25 or 23 data rows of
// seven numbers that equal the truth positionally.
func TestRealPDFGrids(t *testing.T) {
	for _, rp := range realPDFs {
		t.Run(rp.file, func(t *testing.T) {
			path := testutil.RealData(t, rp.file)
			tr := readTruth(t, path+".truth.json")
			doc := extractFile(t, path)
			rows := t3DataRows(doc)
			if len(rows) != rp.t3Rows {
				t.Fatalf("t3 data rows = %d, want %d", len(rows), rp.t3Rows)
			}
			keys := t3Keys(rp.t3Rows == 23)
			bad := 0
			for i, k := range keys {
				for j, col := range cells.T3Cols {
					key := cells.Key(cells.T3, k, col.Key)
					want, ok := tr.Cells[key]
					if !ok {
						t.Fatalf("truth lacks %s", key)
					}
					if rows[i][j] != want {
						bad++
						t.Errorf("%s = %v, want %v", key, rows[i][j], want)
					}
				}
			}
			t.Logf("%s: %d t3 cells, %d wrong", rp.file, len(keys)*7, bad)
		})
	}
}

// TestRealPDFNormalize runs Extract then normalize.Normalize on each real PDF and compares
// every truth cell: at least 99.5% exact over the three files, and every inexact cell flagged.
func TestRealPDFNormalize(t *testing.T) {
	total, exact := 0, 0
	for _, rp := range realPDFs {
		t.Run(rp.file, func(t *testing.T) {
			path := testutil.RealData(t, rp.file)
			tr := readTruth(t, path+".truth.json")
			doc := extractFile(t, path)
			rep, err := normalize.Normalize(doc)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			got := map[string]normalize.Cell{}
			for _, c := range rep.Cells {
				got[c.Key] = c
			}
			n, ok := 0, 0
			for key, want := range tr.Cells {
				n++
				c, present := got[key]
				if present && c.Value != nil && math.Abs(*c.Value-want) < 1e-9 {
					ok++
					continue
				}
				desc := "missing"
				if present {
					desc = fmt.Sprintf("value %v text %q", ptr(c.Value), c.ValueText)
				}
				if !present || len(c.Flags) == 0 {
					t.Errorf("%s: %s, want %v, and not flagged", key, desc, want)
				} else {
					t.Logf("%s: %s, want %v (flagged %v)", key, desc, want, c.Flags)
				}
			}
			if rep.Year != tr.Year {
				t.Errorf("year = %d, want %d", rep.Year, tr.Year)
			}
			if !strings.Contains(rep.Agency, rp.agency) {
				t.Errorf("agency = %q, want it to contain %q", rep.Agency, rp.agency)
			}
			// A report-inconsistent file keeps its own numbers: the failed checks are recorded.
			if len(tr.ReportInconsistent) > 0 && rep.ChecksFailed() == 0 {
				t.Errorf("report has %d known inconsistencies but no failed check", len(tr.ReportInconsistent))
			}
			if len(tr.ReportInconsistent) == 0 && rep.ChecksFailed() != 0 {
				for _, c := range rep.Checks {
					if c.Status == cells.Fail {
						t.Errorf("check %s %s failed: %s", c.ID, c.Column, c.Detail)
					}
				}
			}
			t.Logf("%s: %d/%d truth cells exact (%.1f%%)", rp.file, ok, n, 100*float64(ok)/float64(n))
			total += n
			exact += ok
		})
	}
	if total > 0 {
		share := float64(exact) / float64(total)
		t.Logf("all real PDFs: %d/%d truth cells exact (%.2f%%)", exact, total, 100*share)
		if share < 0.995 {
			t.Errorf("accuracy %.2f%% < 99.5%%", 100*share)
		}
	}
}

func ptr(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
