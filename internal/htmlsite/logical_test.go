package htmlsite

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

// TestWriteLogicalSeries builds a reconciled store where the 2023 report of one agency was read
// as an HTML page and as plain text, and the HTML page was then revised at the same URL: the
// site has one series for the agency, its chart rows use the logical reports' chosen sources
// (one row per year: the revised HTML, although the text, read last, is as complete), and the
// agency page still prints every document.
func TestWriteLogicalSeries(t *testing.T) {
	ctx := context.Background()
	const agency = "烟台市牟平区人民政府"
	st, err := store.Open(filepath.Join(t.TempDir(), "ogi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewSource(7))
	v22 := reportgen.New(rng, agency, 2022, reportgen.Options{Quirks: []string{}, Encoding: "utf-8"})
	v23 := reportgen.New(rng, agency, 2023, reportgen.Options{Quirks: []string{}, Encoding: "utf-8"})
	revised := v23
	revised.Truth, revised.Printed = map[string]*float64{}, map[string]string{}
	for k, p := range v23.Truth {
		revised.Truth[k] = p
	}
	for k, s := range v23.Printed {
		revised.Printed[k] = s
	}
	lic := 1000.0
	revised.Truth["t2.licensing.decisions"], revised.Printed["t2.licensing.decisions"] = &lic, "1000"

	const base = "https://www.example.gov.cn/zfxxgk/"
	ids := map[string]int64{}
	for _, in := range []struct {
		role, name, src string
		data            []byte
	}{
		{"2022", "report.html", base + "2022/report.html", v22.HTML()},
		{"html_v1", "report.html", base + "2023/report.html", v23.HTML()},
		{"html_v2", "report.html", base + "2023/report.html", revised.HTML()},
		{"text", "report.txt", "https://city.example.gov.cn/2023/report.txt", v23.FlatText()},
	} {
		res, err := pipeline.Process(ctx, st, pipeline.Input{Data: in.data, Name: in.name, Source: in.src})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != store.StatusReport {
			t.Fatalf("%s: %s %s", in.role, res.Status, res.Reason)
		}
		ids[in.role] = res.ReportID
	}
	if _, err := pipeline.Reconcile(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(ctx, st, dir, Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "data.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(js)
	s = s[strings.Index(s, "window.OGI_DATA = ")+len("window.OGI_DATA = "):]
	s = strings.TrimSuffix(strings.TrimSpace(s), ";")
	var d struct {
		Agencies [][7]string `json:"agencies"`
		Rows     [][]any     `json:"rows"`
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("data.js: %v", err)
	}
	if len(d.Agencies) != 1 {
		t.Fatalf("agencies %v, want one series", d.Agencies)
	}
	if a := d.Agencies[0]; a[0] != agency || a[1] != "山东省" || a[2] != "烟台市" || a[3] != "牟平区" || a[4] != string(LevelCounty) {
		t.Errorf("agency %v: want %s in 山东省 烟台市 牟平区 (county)", a, agency)
	}
	rows := map[string]string{} // year → report id
	for _, r := range d.Rows {
		y, id := strconv.FormatFloat(r[1].(float64), 'f', -1, 64), strconv.FormatFloat(r[2].(float64), 'f', -1, 64)
		if _, dup := rows[y]; dup {
			t.Errorf("year %s has two rows", y)
		}
		rows[y] = id
	}
	want := map[string]string{"2022": strconv.FormatInt(ids["2022"], 10), "2023": strconv.FormatInt(ids["html_v2"], 10)}
	if len(rows) != len(want) || rows["2022"] != want["2022"] || rows["2023"] != want["2023"] {
		t.Errorf("rows (year → report) %v, want %v (the chosen sources)", rows, want)
	}
	page, err := os.ReadFile(filepath.Join(dir, d.Agencies[0][6]))
	if err != nil {
		t.Fatal(err)
	}
	for role, id := range ids {
		if section(string(page), id) == "" {
			t.Errorf("agency page lacks report %d (%s)", id, role)
		}
	}
}
