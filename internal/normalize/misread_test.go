package normalize_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// ocrVariant returns a consistent generated report as an extracted document whose table cells
// carry the ocr flag (as if read from pictures), and the position of the first value of the
// 本年新收 row of table 三 with its truth key.
func ocrVariant(t *testing.T) (reportgen.Variant, *extract.Document, *extract.Table, int, int) {
	t.Helper()
	for _, v := range reportgen.Variants(2) {
		if len(v.Broken) > 0 || v.Truth["t3.new_received.natural_person"] == nil {
			continue
		}
		doc, err := extract.HTML(v.HTML(), "")
		if err != nil {
			t.Fatal(err)
		}
		var tab *extract.Table
		row, col := -1, -1
		for _, b := range doc.Blocks {
			if b.Table == nil {
				continue
			}
			for i := range b.Table.Rows {
				for j := range b.Table.Rows[i] {
					c := &b.Table.Rows[i][j]
					c.Flags = append(c.Flags, normalize.FlagOCR)
					if row < 0 && j == 0 && strings.Contains(c.Text, "本年新收") {
						row, tab = i, b.Table
					}
				}
			}
		}
		if tab == nil {
			continue
		}
		for j, c := range tab.Rows[row] {
			if val, flags := normalize.ParseValue(c.Text, false, ""); j > 0 && val != nil && len(flags) == 0 {
				col = j
				break
			}
		}
		if col > 0 {
			return v, doc, tab, row, col
		}
	}
	t.Fatal("no plain consistent variant")
	return reportgen.Variant{}, nil, nil, 0, 0
}

// TestMisreadNumberDoesNotShiftRow: a number OCR read as a Chinese character (flagged
// low_confidence) stays in its column, unparsed and flagged; the row's other numbers keep their
// columns. With the right reading offered as an alternative, ocr.Arbitrate lets the identities
// choose it.
func TestMisreadNumberDoesNotShiftRow(t *testing.T) {
	v, doc, tab, row, col := ocrVariant(t)
	const key = "t3.new_received.natural_person"
	printed := tab.Rows[row][col].Text
	c := &tab.Rows[row][col]
	c.Text, c.Flags = "和", append(c.Flags, normalize.FlagLowConf)
	rep, err := normalize.Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range rep.Cells {
		want, inTruth := v.Truth[cell.Key]
		switch {
		case cell.Key == key:
			if cell.Value != nil || !slices.Contains(cell.Flags, normalize.FlagUnparsed) || !slices.Contains(cell.Flags, normalize.FlagLowConf) {
				t.Errorf("%s: %v %q flags %v, want blank, unparsed and low_confidence", key, cell.Value, cell.ValueText, cell.Flags)
			}
		case !inTruth:
		case (cell.Value == nil) != (want == nil) || want != nil && *cell.Value != *want:
			t.Errorf("%s = %v, want %v: the misread shifted the row", cell.Key, cell.Value, *want)
		}
	}

	c.Alternatives = []string{"7", printed}
	ocr.Arbitrate(doc)
	if c.Text != printed {
		t.Fatalf("arbitration kept %q, want %q (alternatives %v)", c.Text, printed, c.Alternatives)
	}
	if !slices.Contains(c.Alternatives, "和") {
		t.Errorf("alternatives after arbitration %v lack the replaced reading", c.Alternatives)
	}
	rep, err = normalize.Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range rep.Cells {
		if cell.Key == key && (cell.Value == nil || *cell.Value != *v.Truth[key] || !slices.Contains(cell.Flags, normalize.FlagLowConf)) {
			t.Errorf("after arbitration %s = %v flags %v, want %v still flagged low_confidence", key, cell.Value, cell.Flags, *v.Truth[key])
		}
	}
}

// TestNotFoundIsNotBlank: the cells of a row missing from its table are blank with flag
// not_found; a row printed with empty cells is blank without it.
func TestNotFoundIsNotBlank(t *testing.T) {
	v, doc, tab, row, col := ocrVariant(t)
	_ = col
	missing := map[string]bool{}
	for _, c := range mustNormalize(t, doc).Cells {
		if strings.HasPrefix(c.Key, "t3.new_received.") {
			missing[c.Key] = true
		}
		if slices.Contains(c.Flags, normalize.FlagNotFound) {
			t.Errorf("%s flagged not_found in a complete table", c.Key)
		}
	}
	tab.Rows = slices.Delete(tab.Rows, row, row+1)
	rep := mustNormalize(t, doc)
	for _, c := range rep.Cells {
		nf := slices.Contains(c.Flags, normalize.FlagNotFound)
		switch {
		case missing[c.Key] && (!nf || c.Value != nil):
			t.Errorf("%s of the deleted row: %v flags %v, want blank and not_found", c.Key, c.Value, c.Flags)
		case !missing[c.Key] && nf:
			t.Errorf("%s flagged not_found, its row is printed", c.Key)
		}
	}
	if len(missing) == 0 {
		t.Fatalf("variant %s: no t3.new_received cells", v.ID)
	}
}

func mustNormalize(t *testing.T, doc *extract.Document) *normalize.Report {
	t.Helper()
	rep, err := normalize.Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
