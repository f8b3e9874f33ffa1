package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
	"github.com/ogireports/ogireports/internal/store"
)

// want is the store as read through its own APIs (EachReport, EachCell, Checks), independent of
// EachReportBundle and of the writers under test.
type want struct {
	reports map[int64]store.ReportRow
	cells   map[int64]map[string]store.CellRow
	checks  map[int64][]store.CheckRow
	nCells  int
	nChecks int
	edgeID  int64
}

func readStore(t *testing.T, db string) want {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := want{reports: map[int64]store.ReportRow{}, cells: map[int64]map[string]store.CellRow{}, checks: map[int64][]store.CheckRow{}}
	if err := st.EachReport(ctx, func(r store.ReportRow) error {
		w.reports[r.ID] = r
		if r.DocumentSHA256 == "sha-000000" {
			w.edgeID = r.ID
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EachCell(ctx, func(c store.CellRow) error {
		if w.cells[c.ReportID] == nil {
			w.cells[c.ReportID] = map[string]store.CellRow{}
		}
		w.cells[c.ReportID][c.Key] = c
		w.nCells++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for id := range w.reports {
		ch, err := st.Checks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		w.checks[id] = ch
		w.nChecks += len(ch)
	}
	return w
}

// export seeds a store of n generated reports plus the edge report and exports it.
func exportFixture(t *testing.T, n int, opts Options) (string, want, Summary) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seedStore(t, db, n)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(dir, "out")
	}
	sum, err := Run(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return opts.Dir, readStore(t, db), sum
}

func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func getf(c map[string]store.CellRow, keys ...string) (float64, bool) {
	s := 0.0
	for _, k := range keys {
		x, ok := c[k]
		if !ok || x.Value == nil {
			return 0, false
		}
		s += *x.Value
	}
	return s, true
}

func TestCSVRoundTrip(t *testing.T) {
	out, w, sum := exportFixture(t, 40, Options{CSV: true, Parquet: true})
	if sum.Reports != int64(len(w.reports)) || sum.Cells != int64(w.nCells) || sum.Checks != int64(w.nChecks) {
		t.Fatalf("summary %+v, store has %d reports %d cells %d checks", sum, len(w.reports), w.nCells, w.nChecks)
	}
	if sum.NonIntegral != 1 {
		t.Errorf("NonIntegral = %d, want 1 (t2.procurement.items = 2.5)", sum.NonIntegral)
	}

	// cells.csv: every stored cell once, value blank for blank, 0 for 0.
	header, rows := readCSV(t, filepath.Join(out, "cells.csv"))
	if got := strings.Join(header[:13], ","); got != "report_id,source,agency,year,table,row,col,key,value,value_text,flags,confidence,document_sha256" {
		t.Errorf("cells header starts %s", got)
	}
	if len(rows) != w.nCells {
		t.Fatalf("cells.csv has %d rows, store %d", len(rows), w.nCells)
	}
	for _, r := range rows {
		id, _ := strconv.ParseInt(r["report_id"], 10, 64)
		c, ok := w.cells[id][r["key"]]
		if !ok {
			t.Fatalf("cells.csv row not in store: %v", r)
		}
		if r["value"] != num(c.Value) {
			t.Errorf("%d %s value %q, store %s", id, c.Key, r["value"], num(c.Value))
		}
		wantText := c.ValueText
		if wantText != "" && strings.ContainsRune("=+-@\t\r", rune(wantText[0])) && !plainASCIINumber.MatchString(wantText) {
			wantText = "'" + wantText
		}
		if id != w.edgeID && r["value_text"] != wantText {
			t.Errorf("%d %s value_text %q, store %q", id, c.Key, r["value_text"], c.ValueText)
		}
		tb, row, col, _ := cells.SplitKey(c.Key)
		if r["table"] != string(tb) || r["row"] != row || r["col"] != col || r["year"] != yearStr(c.Year) ||
			r["document_sha256"] != c.DocumentSHA256 || r["layout"] == "" && id != w.edgeID {
			t.Errorf("cell fields %v", r)
		}
		pl := agencyPlaces[c.Agency]
		if r["jurisdiction_code"] != pl.Code || r["province"] != pl.Province || r["city"] != pl.City ||
			r["county"] != pl.County || r["level"] != pl.Level || r["agency_type"] != pl.AgencyType {
			t.Errorf("%s: jurisdiction columns %v, want %+v", c.Agency, r, pl)
		}
		if (r["unit"] == "10k_yuan") != cells.IsMoney(col) {
			t.Errorf("%s unit %q", c.Key, r["unit"])
		}
	}
	edge := map[string]map[string]string{}
	for _, r := range rows {
		if r["report_id"] == strconv.FormatInt(w.edgeID, 10) {
			edge[r["key"]] = r
		}
	}
	edgeTests := []struct{ key, value, text, flags, conf, page string }{
		{"t2.licensing.change", "-18", "-18", "", "", ""},
		{"t2.penalty.change", "3", "+3", "", "", ""},
		{"t2.procurement.amount_10k_yuan", "25.1", "251000元", "unit_yuan", "", ""},
		{"t3.new_received.natural_person", "0", "0", "", "0.87", "3"},
		{"t3.new_received.commercial", "", "-", "", "", ""},
		{"t3.new_received.total", "12", "'=1+1", "annotated", "", ""},
		{"t3.granted.total", "", "'@SUM(A1)", "", "", ""},
	}
	for _, tc := range edgeTests {
		r := edge[tc.key]
		if r == nil {
			t.Errorf("%s missing", tc.key)
			continue
		}
		if r["value"] != tc.value || r["value_text"] != tc.text || r["flags"] != tc.flags || r["confidence"] != tc.conf || r["page"] != tc.page {
			t.Errorf("%s: value %q text %q flags %q conf %q page %q", tc.key, r["value"], r["value_text"], r["flags"], r["confidence"], r["page"])
		}
		if r["agency"] != "'@某局" || r["year"] != "" || r["layout"] != "gov2019" {
			t.Errorf("%s: agency %q year %q layout %q", tc.key, r["agency"], r["year"], r["layout"])
		}
	}

	// reports.csv
	_, reps := readCSV(t, filepath.Join(out, "reports.csv"))
	if len(reps) != len(w.reports) {
		t.Fatalf("reports.csv %d rows, store %d", len(reps), len(w.reports))
	}
	for _, r := range reps {
		id, _ := strconv.ParseInt(r["report_id"], 10, 64)
		s := w.reports[id]
		if r["checks_failed"] != strconv.Itoa(s.ChecksFailed) || r["checks_passed"] != strconv.Itoa(s.ChecksPassed) ||
			r["checks_not_assessable"] != strconv.Itoa(s.ChecksNotAssessable) || r["layout_t3"] != s.LayoutT3 ||
			r["published"] != s.Published || r["cells"] != strconv.Itoa(len(w.cells[id])) {
			t.Errorf("report %d: %v, store %+v", id, r, s)
		}
		if pl := agencyPlaces[s.Agency]; r["jurisdiction_code"] != pl.Code || r["agency_type"] != pl.AgencyType ||
			(pl.Code == "") != (r["jurisdiction_confidence"] == "") {
			t.Errorf("report %d jurisdiction: %v", id, r)
		}
		if id == w.edgeID {
			if r["title"] != "'=某局年度报告" || r["flags"] != `'-flag;x,"quoted"` || r["notes"] != "'+note" ||
				r["sources"] != "https://www.example.gov.cn/0.html\n/data/a b,c.html" || r["cells_blank"] != "2" {
				t.Errorf("edge report: %v", r)
			}
		}
	}

	// panel.csv: cell columns equal the store; indicators recomputed here.
	header, panel := readCSV(t, filepath.Join(out, "panel.csv"))
	if len(panel) != len(w.reports) {
		t.Fatalf("panel.csv %d rows", len(panel))
	}
	cols := map[string]bool{}
	for _, h := range header {
		if cols[h] {
			t.Errorf("panel column %s twice", h)
		}
		cols[h] = true
	}
	for _, k := range cells.AllKeys() {
		if !cols[PanelColumn(k.Key)] {
			t.Errorf("panel lacks %s", PanelColumn(k.Key))
		}
	}
	for _, must := range []string{"t3_new_received_total", "t2_fees_amount_10k_yuan", "t2_fees_prev_items", "share_granted", "t3_other_harmonised_total"} {
		if !cols[must] {
			t.Errorf("panel lacks %s", must)
		}
	}
	checked := 0
	for _, r := range panel {
		id, _ := strconv.ParseInt(r["report_id"], 10, 64)
		cs := w.cells[id]
		for _, k := range cells.AllKeys() {
			c, ok := cs[k.Key]
			want := ""
			if ok {
				want = num(c.Value)
			}
			if id == w.edgeID && k.Key == "t2.procurement.items" {
				want = "" // 2.5 in an integer count column: blank, kept in cells.csv
			}
			if r[PanelColumn(k.Key)] != want {
				t.Errorf("report %d %s = %q, store %q", id, PanelColumn(k.Key), r[PanelColumn(k.Key)], want)
			}
		}
		// Indicators, recomputed from the store's cells.
		tp, okTP := t3Total(cs, "total_processed")
		g1, okG1 := t3Total(cs, "granted")
		g2, okG2 := t3Total(cs, "partly_granted")
		g, okG := g1+g2, okG1 && okG2
		wantShare := ""
		if okTP && okG && tp != 0 {
			wantShare = strconv.FormatFloat(g/tp, 'f', -1, 64)
			checked++
		}
		if r["share_granted"] != wantShare {
			t.Errorf("report %d share_granted %q, want %q", id, r["share_granted"], wantShare)
		}
		var other float64
		var okO bool
		if w.reports[id].LayoutT3 == "gov2021" {
			other, okO = getf(cs, "t3.other_no_correction.total", "t3.other_unpaid_fee.total", "t3.other_other.total")
		} else {
			other, okO = getf(cs, "t3.other.total")
		}
		if wantO := map[bool]string{true: strconv.FormatFloat(other, 'f', -1, 64), false: ""}[okO]; r["t3_other_harmonised_total"] != wantO {
			t.Errorf("report %d t3_other_harmonised_total %q, want %q", id, r["t3_other_harmonised_total"], wantO)
		}
		// review_correction_rate = corrected / total (the printed total, else the sum of the
		// four results when all are printed).
		tot, ok1 := getf(cs, "t4.review.total")
		if !ok1 {
			tot, ok1 = getf(cs, "t4.review.upheld", "t4.review.corrected", "t4.review.other", "t4.review.pending")
		}
		cor, ok2 := getf(cs, "t4.review.corrected")
		wantR := ""
		if ok1 && ok2 && tot != 0 {
			wantR = strconv.FormatFloat(cor/tot, 'f', -1, 64)
		}
		if r["review_correction_rate"] != wantR {
			t.Errorf("report %d review_correction_rate %q, want %q", id, r["review_correction_rate"], wantR)
		}
		if id == w.edgeID {
			if r["share_granted"] != "" || r["review_correction_rate"] != "" || r["t3_new_received_natural_person"] != "0" ||
				r["t3_new_received_commercial"] != "" || r["t2_licensing_change"] != "-18" || r["t2_procurement_amount_10k_yuan"] != "25.1" ||
				r["t3_other_harmonised_total"] != "0" || r["yoy_new_received"] != "" {
				t.Errorf("edge panel row wrong: %v", r)
			}
		}
	}
	// The fixture store was never reconciled: the panel has one row per report and no
	// year-on-year change (that needs logical agencies; see TestLogicalReports).
	for _, r := range panel {
		if r["yoy_new_received"] != "" || r["yoy_new_received_rel"] != "" || r["logical_report_id"] != "" || r["sources"] != "" {
			t.Errorf("report %s: unreconciled panel row has yoy %q/%q, logical id %q, sources %q", r["report_id"],
				r["yoy_new_received"], r["yoy_new_received_rel"], r["logical_report_id"], r["sources"])
		}
	}
	if checked < 20 {
		t.Errorf("share_granted assessed on only %d reports", checked)
	}

	// checks.csv
	_, chk := readCSV(t, filepath.Join(out, "checks.csv"))
	if len(chk) != w.nChecks {
		t.Fatalf("checks.csv %d rows, store %d", len(chk), w.nChecks)
	}
	for _, r := range chk {
		if r["status"] == "not_assessable" && (r["left_value"] != "" || r["right_value"] != "") {
			t.Errorf("not assessable check with numbers: %v", r)
		}
		if r["status"] != "not_assessable" && (r["left_value"] == "" || r["right_value"] == "") {
			t.Errorf("assessed check without numbers: %v", r)
		}
	}
	left, _ := filepath.Glob(filepath.Join(out, ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// plainASCIINumber is a printed number that a spreadsheet cannot take for a formula.
var plainASCIINumber = regexp.MustCompile(`^[+-]?[0-9.,]*$`)

// t3Total is a t3 row's 总计: printed, else the sum of the six applicant columns.
func t3Total(c map[string]store.CellRow, row string) (float64, bool) {
	if v, ok := getf(c, "t3."+row+".total"); ok {
		return v, true
	}
	var keys []string
	for _, col := range cells.T3Cols[:6] {
		keys = append(keys, "t3."+row+"."+col.Key)
	}
	return getf(c, keys...)
}

func yearStr(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func TestExcelBOM(t *testing.T) {
	out, _, _ := exportFixture(t, 2, Options{CSV: true, Excel: true})
	for _, name := range []string{"cells.csv", "reports.csv", "panel.csv", "checks.csv", "codebook.csv"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
			t.Errorf("%s: no byte-order mark", name)
		}
		recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Errorf("%s: %v (%d records)", name, err, len(recs))
		}
	}
	if _, err := os.Stat(filepath.Join(out, "cells.parquet")); !os.IsNotExist(err) {
		t.Errorf("parquet written though only csv was selected: %v", err)
	}
}

func TestFilters(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seedStore(t, db, 36)
	w := readStore(t, db)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tests := []struct {
		name string
		f    Filter
		keep func(r store.ReportRow) bool
	}{
		{"all", Filter{}, func(store.ReportRow) bool { return true }},
		{"years 2020-2022", Filter{YearFrom: 2020, YearTo: 2022}, func(r store.ReportRow) bool { return r.Year >= 2020 && r.Year <= 2022 }},
		{"year 2024", Filter{YearFrom: 2024, YearTo: 2024}, func(r store.ReportRow) bool { return r.Year == 2024 }},
		{"from 2023", Filter{YearFrom: 2023}, func(r store.ReportRow) bool { return r.Year >= 2023 }},
		{"passing only", Filter{PassingOnly: true}, func(r store.ReportRow) bool { return r.ChecksFailed == 0 }},
		{"codes 37", Filter{Codes: []string{"37"}}, func(r store.ReportRow) bool { return r.Agency != "@某局" }},
		{"codes 3706", Filter{Codes: []string{"3706"}}, func(r store.ReportRow) bool { return strings.HasPrefix(r.Agency, "烟台") }},
		{"codes 370102,370202", Filter{Codes: []string{"370102", "370202"}}, func(r store.ReportRow) bool {
			return r.Agency == "济南市历下区教育和体育局" || r.Agency == "青岛市市南区八大关街道办事处"
		}},
		{"codes 44 (none)", Filter{Codes: []string{"44"}}, func(store.ReportRow) bool { return false }},
		{"level county", Filter{Level: "county"}, func(r store.ReportRow) bool { return agencyPlaces[r.Agency].Level == "county" }},
		{"agency type government", Filter{AgencyType: "government"}, func(r store.ReportRow) bool { return strings.HasSuffix(r.Agency, "区人民政府") }},
		{"county governments 2021-2022 passing", Filter{YearFrom: 2021, YearTo: 2022, Level: "county", AgencyType: "government", PassingOnly: true},
			func(r store.ReportRow) bool {
				return r.Year >= 2021 && r.Year <= 2022 && strings.HasSuffix(r.Agency, "区人民政府") && r.ChecksFailed == 0
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			sum, err := Run(context.Background(), st, Options{Dir: out, CSV: true, Filter: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			wantIDs := map[string]bool{}
			wantCells := 0
			for id, r := range w.reports {
				if tc.keep(r) {
					wantIDs[strconv.FormatInt(id, 10)] = true
					wantCells += len(w.cells[id])
				}
			}
			_, reps := readCSV(t, filepath.Join(out, "reports.csv"))
			if len(reps) != len(wantIDs) || sum.Reports != int64(len(wantIDs)) {
				t.Fatalf("%d reports (summary %d), want %d", len(reps), sum.Reports, len(wantIDs))
			}
			for _, r := range reps {
				if !wantIDs[r["report_id"]] {
					t.Errorf("report %s (year %s, failed %s) exported", r["report_id"], r["year"], r["checks_failed"])
				}
			}
			_, cs := readCSV(t, filepath.Join(out, "cells.csv"))
			if len(cs) != wantCells {
				t.Errorf("%d cells, want %d", len(cs), wantCells)
			}
			_, panel := readCSV(t, filepath.Join(out, "panel.csv"))
			if len(panel) != len(wantIDs) {
				t.Errorf("%d panel rows, want %d", len(panel), len(wantIDs))
			}
		})
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""}, {"abc", "abc"}, {"烟台市", "烟台市"}, {"-18", "-18"}, {"+1036", "+1036"}, {"-", "-"},
		{"-1,234.5", "-1,234.5"}, {"=1+1", "'=1+1"}, {"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"}, {"\r=1", "'\r=1"},
		{"a=1", "a=1"}, {"——", "——"}, {"－18", "－18"},
	}
	for _, tc := range tests {
		if got := Neutralise(tc.in); got != tc.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCSVField(t *testing.T) {
	tests := []struct {
		typ  Type
		v    Val
		want string
	}{
		{Double, Null, ""}, {Double, Num(fp(0)), "0"}, {Double, Num(fp(-18)), "-18"}, {Double, Num(fp(25.1)), "25.1"},
		{Double, Num(fp(1e21)), "1000000000000000000000"}, {Double, Num(fp(0.0001)), "0.0001"},
		{Int64, Int(0), "0"}, {Int64, OptInt(0), ""}, {Int64, Int(12345678901), "12345678901"},
		{Int32, OptInt(2022), "2022"}, {Date, DateVal("2023-01-20"), "2023-01-20"}, {Date, DateVal("2023年"), ""},
		{String, Str("=x"), "'=x"}, {String, Str("-18"), "-18"}, {String, OptStr(""), ""}, {String, Str("370612"), "370612"},
	}
	for _, tc := range tests {
		if got := csvField(tc.typ, tc.v); got != tc.want {
			t.Errorf("csvField(%v, %+v) = %q, want %q", tc.typ, tc.v, got, tc.want)
		}
	}
	if d := DateVal("1970-01-02"); d.I != 1 {
		t.Errorf("DateVal days = %d", d.I)
	}
}

func TestIndicatorColumns(t *testing.T) {
	panel := PanelTable()
	byName := map[string]Column{}
	for _, c := range panel.Columns {
		byName[c.Name] = c
	}
	for _, d := range indicators.Definitions() {
		c, ok := byName[d.ID]
		if !ok {
			t.Errorf("panel lacks indicator %s", d.ID)
			continue
		}
		if c.Unit != d.Unit || c.LabelZH != d.Label || !c.Nullable || !strings.HasPrefix(c.Definition, d.Formula) {
			t.Errorf("%s: %+v, definition %+v", d.ID, c, d)
		}
	}
	tests := []struct {
		name string
		typ  Type
	}{
		{"share_granted", Double}, {"requests_from_organisations", Int64}, {"review_correction_rate", Double},
		{"litigation_per_100_requests", Double}, {"yoy_new_received", Int64}, {"yoy_new_received_rel", Double},
		{"t3_other_harmonised_total", Int64}, {"t3_other_harmonised_natural_person", Int64},
	}
	for _, tc := range tests {
		if c, ok := byName[tc.name]; !ok || c.Type != tc.typ {
			t.Errorf("%s: type %v (present %v), want %v", tc.name, c.Type, ok, tc.typ)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seedStore(t, db, 1)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		opts Options
	}{
		{"no format", context.Background(), Options{Dir: filepath.Join(dir, "a")}},
		{"out is a file", context.Background(), Options{Dir: blocker, CSV: true}},
		{"cancelled", ctx, Options{Dir: filepath.Join(dir, "c"), CSV: true, Parquet: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Run(tc.ctx, st, tc.opts); err == nil {
				t.Fatal("no error")
			}
			files, _ := filepath.Glob(filepath.Join(tc.opts.Dir, "*"))
			hidden, _ := filepath.Glob(filepath.Join(tc.opts.Dir, ".*"))
			if len(files)+len(hidden) != 0 && tc.opts.Dir != blocker {
				t.Errorf("files left after failure: %v %v", files, hidden)
			}
		})
	}
}

func TestRepartitionRemovesStaleYears(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	seedStore(t, db, 36)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := filepath.Join(dir, "out")
	for _, f := range []Filter{{}, {YearFrom: 2023}} {
		if _, err := Run(context.Background(), st, Options{Dir: out, Parquet: true, PartitionYear: true, Filter: f}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := filepath.Glob(filepath.Join(out, "*", "year=*"))
	var names []string
	for _, g := range got {
		rel, _ := filepath.Rel(out, g)
		names = append(names, filepath.ToSlash(rel))
	}
	want := "cells/year=2023 cells/year=2024 checks/year=2023 checks/year=2024 panel/year=2023 panel/year=2024 reports/year=2023 reports/year=2024"
	if strings.Join(names, " ") != want {
		t.Errorf("partitions after re-export: %v, want %s", names, want)
	}
}

func TestREADMEListsColumns(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*Table{CellsTable(), ReportsTable(), ChecksTable()} {
		for _, c := range tb.Columns {
			if !strings.Contains(string(b), c.Name) {
				t.Errorf("README.md does not list %s.%s", tb.Name, c.Name)
			}
		}
	}
	for _, d := range indicators.Definitions() {
		if !strings.Contains(string(b), d.ID) {
			t.Errorf("README.md does not list indicator %s", d.ID)
		}
	}
}
