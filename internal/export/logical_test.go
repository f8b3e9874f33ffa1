package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

// logicalAgency is the agency of the reconciled corpus; the real resolver places it.
const (
	logicalAgency = "烟台市牟平区人民政府"
	logicalCode   = "370612"
)

// variantWithRequests returns a quirk-free UTF-8 variant of the agency and year with some
// requests and no blank truth (so every indicator is defined).
func variantWithRequests(t *testing.T, r *rand.Rand, year int) reportgen.Variant {
	t.Helper()
	for i := 0; i < 100; i++ {
		v := reportgen.New(r, logicalAgency, year, reportgen.Options{Layout: cells.Gov2021, Quirks: []string{}, Encoding: "utf-8"})
		x, ok := cells.Values(v.Truth).Get(cells.Key(cells.T3, "new_received", "total"))
		blank := false
		for _, p := range v.Truth {
			blank = blank || p == nil
		}
		if ok && x >= 5 && !blank {
			return v
		}
	}
	t.Fatalf("no variant with requests for %d", year)
	return reportgen.Variant{}
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// TestLogicalReports exports a reconciled store where one report (2023) was imported as an
// HTML page and as plain text (two documents) and the HTML page was then revised at the same
// path, beside the agency's 2022 report: the panel has one row per logical report, reports and
// cells keep every document with chosen / is_current / version right, and the panel's
// indicators and checks come from the reconciliation.
func TestLogicalReports(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(20261126))
	v22 := variantWithRequests(t, rng, 2022)
	v23 := variantWithRequests(t, rng, 2023)
	revised := v23
	revised.Truth, revised.Printed = map[string]*float64{}, map[string]string{}
	for k, p := range v23.Truth {
		x := *p
		revised.Truth[k] = &x
	}
	for k, s := range v23.Printed {
		revised.Printed[k] = s
	}
	lic := "t2.licensing.decisions"
	newLic := *v23.Truth[lic] + 100
	revised.Truth[lic], revised.Printed[lic] = &newLic, strconv.FormatFloat(newLic, 'f', -1, 64)

	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	htmlPath := filepath.Join(corpus, "portal", "2023", "report.html")
	role := map[string]string{ // document sha256 → role
		writeFile(t, filepath.Join(corpus, "portal", "2022", "report.html"), v22.HTML()):  "2022",
		writeFile(t, htmlPath, v23.HTML()):                                                "html_v1",
		writeFile(t, filepath.Join(corpus, "city", "2023", "report.txt"), v23.FlatText()): "text",
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := filepath.Join(dir, "test.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := pipeline.Import(ctx, st, []string{corpus}, quiet); err != nil {
		t.Fatal(err)
	}
	role[writeFile(t, htmlPath, revised.HTML())] = "html_v2"
	if _, err := pipeline.Import(ctx, st, []string{corpus}, quiet); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out")
	sum, err := Run(ctx, st, Options{Dir: out, CSV: true, Parquet: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.NotReconciled {
		t.Fatal("store reconciled by the import reported as not reconciled")
	}

	// reports: every document, with its membership.
	_, reports := readCSV(t, filepath.Join(out, "reports.csv"))
	if len(reports) != 4 {
		t.Fatalf("reports.csv has %d rows, want 4 (2022, 2023 HTML v1 and v2, 2023 text)", len(reports))
	}
	type want struct{ chosen, current, version, rank string }
	wants := map[string]want{
		"2022":    {"true", "true", "1", "0"},
		"html_v1": {"false", "false", "1", "0"},
		"html_v2": {"true", "true", "2", "0"},
		"text":    {"false", "true", "1", "1"},
	}
	idOf := map[string]string{}
	logicalOf := map[string]string{}
	for _, r := range reports {
		ro := role[r["document_sha256"]]
		w, ok := wants[ro]
		if !ok {
			t.Errorf("report %s: unknown document %s", r["report_id"], r["document_sha256"])
			continue
		}
		idOf[ro], logicalOf[ro] = r["report_id"], r["logical_report_id"]
		got := want{r["chosen"], r["is_current"], r["version"], r["source_rank"]}
		if got != w {
			t.Errorf("report %s (%s): chosen, is_current, version, source_rank = %v, want %v", r["report_id"], ro, got, w)
		}
		if r["jurisdiction_source"] != "logical" || r["jurisdiction_code"] != logicalCode || r["county"] != "牟平区" ||
			r["agency_type"] != "government" || r["logical_report_id"] == "" {
			t.Errorf("report %s (%s): place %q %q %q %q from %q, logical %q", r["report_id"], ro, r["jurisdiction_code"],
				r["county"], r["level"], r["agency_type"], r["jurisdiction_source"], r["logical_report_id"])
		}
	}
	if logicalOf["html_v1"] != logicalOf["html_v2"] || logicalOf["html_v2"] != logicalOf["text"] || logicalOf["2022"] == logicalOf["text"] {
		t.Errorf("logical report ids %v: want the three 2023 documents in one logical report, 2022 in another", logicalOf)
	}

	// panel: one row per logical report, from the chosen (revised HTML) report.
	_, panel := readCSV(t, filepath.Join(out, "panel.csv"))
	if len(panel) != 2 {
		t.Fatalf("panel.csv has %d rows, want 2 (one per agency-year)", len(panel))
	}
	ls, err := st.LogicalReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.LogicalReport{}
	for _, l := range ls {
		byID[strconv.FormatInt(l.ID, 10)] = l
	}
	for _, r := range panel {
		l, ok := byID[r["logical_report_id"]]
		if !ok {
			t.Errorf("panel row %v: logical_report_id not in the store", r["logical_report_id"])
			continue
		}
		if r["report_id"] != strconv.FormatInt(l.ChosenReportID, 10) || r["jurisdiction_code"] != logicalCode {
			t.Errorf("panel row %s: report %s code %s, want chosen %d code %s", r["logical_report_id"], r["report_id"],
				r["jurisdiction_code"], l.ChosenReportID, logicalCode)
		}
		ind, err := st.Indicators(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"share_granted", "review_correction_rate", "yoy_new_received_rel"} {
			if w := num(ind[k]); r[k] != w {
				t.Errorf("panel row %s: %s = %q, want the stored indicator %q", r["logical_report_id"], k, r[k], w)
			}
		}
		switch r["year"] {
		case "2023":
			if r["report_id"] != idOf["html_v2"] || r["sources"] != "2" || r["version"] != "2" ||
				r["sources_disagree"] != "true" || r["copied"] != "false" {
				t.Errorf("2023 panel row: report %s sources %s version %s sources_disagree %s copied %s, want report %s, 2, 2, true, false",
					r["report_id"], r["sources"], r["version"], r["sources_disagree"], r["copied"], idOf["html_v2"])
			}
			if w := strconv.FormatFloat(newLic, 'f', -1, 64); r["t2_licensing_decisions"] != w {
				t.Errorf("2023 panel t2_licensing_decisions = %q, want the revision's %q", r["t2_licensing_decisions"], w)
			}
			n22, _ := cells.Values(v22.Truth).Get(cells.Key(cells.T3, "new_received", "total"))
			n23, _ := cells.Values(v23.Truth).Get(cells.Key(cells.T3, "new_received", "total"))
			if w := strconv.FormatFloat(n23-n22, 'f', -1, 64); r["yoy_new_received"] != w {
				t.Errorf("2023 yoy_new_received = %q, want %q (by logical agency)", r["yoy_new_received"], w)
			}
		case "2022":
			if r["report_id"] != idOf["2022"] || r["sources"] != "1" || r["yoy_new_received"] != "" {
				t.Errorf("2022 panel row: report %s sources %s yoy %q", r["report_id"], r["sources"], r["yoy_new_received"])
			}
		default:
			t.Errorf("panel row of year %q", r["year"])
		}
	}

	// cells: every document's cells, chosen ones = the panel's reports.
	_, cellRows := readCSV(t, filepath.Join(out, "cells.csv"))
	perReport := map[string]int{}
	for _, c := range cellRows {
		perReport[c["report_id"]]++
		ro := ""
		for k, id := range idOf {
			if id == c["report_id"] {
				ro = k
			}
		}
		if c["chosen"] != wants[ro].chosen || c["logical_report_id"] != logicalOf[ro] {
			t.Errorf("cell %s/%s: chosen %q logical %q, want %q %q", c["report_id"], c["key"], c["chosen"],
				c["logical_report_id"], wants[ro].chosen, logicalOf[ro])
		}
	}
	for ro, id := range idOf {
		if perReport[id] == 0 {
			t.Errorf("cells.csv has no cell of report %s (%s)", id, ro)
		}
	}

	// checks: the report checks and the reconciliation's cross checks.
	_, checks := readCSV(t, filepath.Join(out, "checks.csv"))
	cross, err := st.CrossChecks(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]int{}
	disagree := false
	for _, c := range checks {
		scopes[c["scope"]]++
		if c["scope"] == "cross_report" {
			if c["logical_report_id"] == "" {
				t.Errorf("cross check %s without logical report", c["check_id"])
			}
			if c["identity"] == "sources.agree" && c["status"] == "fail" {
				disagree = true
				if c["report_id"] != idOf["html_v2"] || c["other_report_id"] != idOf["text"] {
					t.Errorf("sources.agree between %s and %s, want %s and %s", c["report_id"], c["other_report_id"],
						idOf["html_v2"], idOf["text"])
				}
			}
		}
	}
	if scopes["cross_report"] != len(cross) || scopes["report"] == 0 || len(scopes) != 2 {
		t.Errorf("check scopes %v, want %d cross_report and some report checks", scopes, len(cross))
	}
	if !disagree {
		t.Error("no failed sources.agree cross check for the revised HTML against the text")
	}
	if sum.CrossChecks != int64(len(cross)) {
		t.Errorf("Summary.CrossChecks = %d, want %d", sum.CrossChecks, len(cross))
	}
	validateDataPackage(t, out)
}
