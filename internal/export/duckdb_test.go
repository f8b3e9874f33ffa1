package export

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/testutil"
)

// duckdbVersion is the npm package the Parquet acceptance tests read the files back with.
const duckdbVersion = "@duckdb/node-api@1.5.6-r.1"

// duckScript runs each SQL query of the JSON array on stdin in an in-memory DuckDB and prints,
// per query, the column names, DuckDB column types and rows (BIGINT as strings, NULL as null).
const duckScript = `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const qs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const out = [];
  for (const q of qs) {
    const r = await con.runAndReadAll(q);
    out.push({cols: r.columnNames(), types: r.columnTypes().map(t => t.toString()), rows: r.getRowsJson()});
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(String(e)); process.exit(1); });
`

// duckResult is one query's result.
type duckResult struct {
	Cols  []string `json:"cols"`
	Types []string `json:"types"`
	Rows  [][]any  `json:"rows"`
}

// maps returns the rows as column → value maps (values: string, float64, bool or nil).
func (r duckResult) maps() []map[string]any {
	out := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		m := map[string]any{}
		for j, c := range r.Cols {
			m[c] = row[j]
		}
		out[i] = m
	}
	return out
}

func (r duckResult) typeOf(col string) string {
	for i, c := range r.Cols {
		if c == col {
			return r.Types[i]
		}
	}
	return ""
}

// duckDB returns a function running queries in DuckDB through node, installing
// @duckdb/node-api into $OGIREPORTS_NPM_CACHE (default ~/.cache/ogireports/npm) on first use.
// Without node or npm, or when the registry cannot be reached, the test is skipped (failed
// under OGIREPORTS_REQUIRE_TOOLS=1).
func duckDB(t *testing.T) func(queries ...string) []duckResult {
	t.Helper()
	node := testutil.NeedTool(t, "node", "nodejs")
	npm := testutil.NeedTool(t, "npm", "npm")
	cache := os.Getenv("OGIREPORTS_NPM_CACHE")
	if cache == "" {
		home, err := os.UserCacheDir()
		if err != nil {
			home = t.TempDir()
		}
		cache = filepath.Join(home, "ogireports", "npm")
	}
	if _, err := os.Stat(filepath.Join(cache, "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--prefix", cache, duckdbVersion)
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "cannot install " + duckdbVersion + " with npm (registry unreachable?): " + err.Error() + "\n" + string(out)
			if testutil.ToolsRequired() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	script := filepath.Join(t.TempDir(), "duck.js")
	if err := os.WriteFile(script, []byte(duckScript), 0o644); err != nil {
		t.Fatal(err)
	}
	return func(queries ...string) []duckResult {
		t.Helper()
		in, _ := json.Marshal(queries)
		cmd := exec.Command(node, script)
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(cache, "node_modules"))
		cmd.Stdin = bytes.NewReader(in)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("duckdb: %v: %s\nqueries: %s", err, stderr.String(), in)
		}
		var res []duckResult
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("duckdb output: %v", err)
		}
		return res
	}
}

func sqlStr(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// duckNum renders a DuckDB JSON value as the CSV/store number text ("" for NULL).
func duckNum(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return "?"
}

func TestParquetDuckDB(t *testing.T) {
	duck := duckDB(t)
	out, w, _ := exportFixture(t, 30, Options{Parquet: true})
	p := func(name string) string { return sqlStr(filepath.Join(out, name+".parquet")) }
	res := duck(
		"SELECT * FROM read_parquet("+p("cells")+") ORDER BY report_id, key",
		"SELECT * FROM read_parquet("+p("reports")+") ORDER BY report_id",
		"SELECT * FROM read_parquet("+p("panel")+") ORDER BY report_id",
		"SELECT * FROM read_parquet("+p("checks")+") ORDER BY check_id",
		"SELECT path_in_schema, compression, encodings FROM parquet_metadata("+p("cells")+") WHERE row_group_id = 0",
	)
	cellsR, reportsR, panelR, checksR, meta := res[0], res[1], res[2], res[3], res[4]

	// Column order and types are the schema's.
	typeTests := []struct {
		r          duckResult
		table      *Table
		col, dtype string
	}{
		{cellsR, CellsTable(), "report_id", "BIGINT"}, {cellsR, CellsTable(), "year", "INTEGER"},
		{cellsR, CellsTable(), "value", "DOUBLE"}, {cellsR, CellsTable(), "value_text", "VARCHAR"},
		{cellsR, CellsTable(), "jurisdiction_code", "VARCHAR"}, {cellsR, CellsTable(), "page", "INTEGER"},
		{reportsR, ReportsTable(), "published", "DATE"}, {reportsR, ReportsTable(), "checks_failed", "BIGINT"},
		{panelR, PanelTable(), "t3_new_received_total", "BIGINT"}, {panelR, PanelTable(), "t2_fees_amount_10k_yuan", "DOUBLE"},
		{panelR, PanelTable(), "t2_licensing_change", "BIGINT"}, {panelR, PanelTable(), "share_granted", "DOUBLE"},
		{checksR, ChecksTable(), "left_value", "DOUBLE"}, {reportsR, ReportsTable(), "chosen", "BOOLEAN"},
		{cellsR, CellsTable(), "chosen", "BOOLEAN"}, {panelR, panelTable(false), "copied", "BOOLEAN"},
	}
	for _, tc := range typeTests {
		if got := tc.r.typeOf(tc.col); got != tc.dtype {
			t.Errorf("%s.%s is %s, want %s", tc.table.Name, tc.col, got, tc.dtype)
		}
		names := make([]string, len(tc.table.Columns))
		for i, c := range tc.table.Columns {
			names[i] = c.Name
		}
		if strings.Join(tc.r.Cols, ",") != strings.Join(names, ",") {
			t.Errorf("%s columns in DuckDB %v, want %v", tc.table.Name, tc.r.Cols, names)
		}
	}
	for _, m := range meta.maps() {
		if m["compression"] != "ZSTD" {
			t.Errorf("column %v compression %v", m["path_in_schema"], m["compression"])
		}
		if m["path_in_schema"] == "agency" && !strings.Contains(strings.ToUpper(duckNum(m["encodings"])), "DICTIONARY") {
			t.Errorf("agency encodings %v: want dictionary", m["encodings"])
		}
	}

	// cells: every value, NULL and text equals the store.
	if len(cellsR.Rows) != w.nCells {
		t.Fatalf("cells.parquet %d rows, store %d", len(cellsR.Rows), w.nCells)
	}
	nulls, zeros := 0, 0
	for _, m := range cellsR.maps() {
		id, _ := strconv.ParseInt(duckNum(m["report_id"]), 10, 64)
		c, ok := w.cells[id][m["key"].(string)]
		if !ok {
			t.Fatalf("cell not in store: %v", m)
		}
		if got := duckNum(m["value"]); got != num(c.Value) {
			t.Errorf("%d %s value %q, store %q", id, c.Key, got, num(c.Value))
		}
		if m["value"] == nil {
			nulls++
		} else if m["value"].(float64) == 0 {
			zeros++
		}
		if m["value_text"] != c.ValueText || m["document_sha256"] != c.DocumentSHA256 || duckNum(m["year"]) != yearStr(c.Year) {
			t.Errorf("%d %s: %v, store %+v", id, c.Key, m, c)
		}
		wantCode := any(nil)
		if pl := agencyPlaces[c.Agency]; pl.Code != "" {
			wantCode = pl.Code
		}
		if m["jurisdiction_code"] != wantCode {
			t.Errorf("%s jurisdiction_code %v, want %v", c.Agency, m["jurisdiction_code"], wantCode)
		}
		wantConf := ""
		if c.Confidence != 0 {
			wantConf = strconv.FormatFloat(c.Confidence, 'f', -1, 64)
		}
		if duckNum(m["confidence"]) != wantConf {
			t.Errorf("%d %s confidence %v", id, c.Key, m["confidence"])
		}
	}
	if nulls == 0 || zeros == 0 {
		t.Errorf("fixture lacks blanks (%d) or zeros (%d)", nulls, zeros)
	}

	// reports
	if len(reportsR.Rows) != len(w.reports) {
		t.Fatalf("reports.parquet %d rows", len(reportsR.Rows))
	}
	for _, m := range reportsR.maps() {
		id, _ := strconv.ParseInt(duckNum(m["report_id"]), 10, 64)
		s := w.reports[id]
		wantPub := any(nil)
		if s.Published != "" {
			wantPub = s.Published
		}
		if m["published"] != wantPub || duckNum(m["checks_failed"]) != strconv.Itoa(s.ChecksFailed) ||
			m["agency"] != s.Agency || m["title"] != s.Title || duckNum(m["year"]) != yearStr(s.Year) {
			t.Errorf("report %d: %v, store %+v", id, m, s)
		}
		if id == w.edgeID && (m["year"] != nil || m["published"] != nil || m["layout_t2"] != "gov2019" || m["flags"] != `-flag;x,"quoted"`) {
			t.Errorf("edge report: %v", m)
		}
	}

	// panel: integer columns exact, NULL for blank and absent, 0 for 0.
	for _, m := range panelR.maps() {
		id, _ := strconv.ParseInt(duckNum(m["report_id"]), 10, 64)
		for _, k := range cells.AllKeys() {
			want := ""
			if c, ok := w.cells[id][k.Key]; ok {
				want = num(c.Value)
			}
			if id == w.edgeID && k.Key == "t2.procurement.items" {
				want = ""
			}
			if got := duckNum(m[PanelColumn(k.Key)]); got != want {
				t.Errorf("panel %d %s = %q, store %q", id, PanelColumn(k.Key), got, want)
			}
		}
		if id == w.edgeID && (m["t3_new_received_natural_person"] != "0" || m["t3_new_received_commercial"] != nil || m["t2_licensing_change"] != "-18") {
			t.Errorf("edge panel row: natural_person %v commercial %v change %v", m["t3_new_received_natural_person"],
				m["t3_new_received_commercial"], m["t2_licensing_change"])
		}
	}

	// checks
	if len(checksR.Rows) != w.nChecks {
		t.Fatalf("checks.parquet %d rows, store %d", len(checksR.Rows), w.nChecks)
	}
	i := map[int64]int{}
	for _, m := range checksR.maps() {
		id, _ := strconv.ParseInt(duckNum(m["report_id"]), 10, 64)
		s := w.checks[id][i[id]]
		i[id]++
		if m["identity"] != s.Identity || m["column"] != s.Column || m["status"] != s.Status ||
			duckNum(m["left_value"]) != num(s.Left) || duckNum(m["right_value"]) != num(s.Right) || m["detail"] != s.Detail {
			t.Errorf("check of report %d: %v, store %+v", id, m, s)
		}
	}
}

func TestPartitionedDuckDB(t *testing.T) {
	duck := duckDB(t)
	out, w, sum := exportFixture(t, 24, Options{Parquet: true, CSV: true, PartitionYear: true})
	for _, f := range sum.Files {
		if strings.HasSuffix(f.Path, ".parquet") && !strings.Contains(f.Path, string(filepath.Separator)+"year=") {
			t.Errorf("unpartitioned parquet file %s", f.Path)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "cells", "year=2022", "part-0.parquet")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "cells", "year="+HiveNull, "part-0.parquet")); err != nil {
		t.Fatal(err)
	}
	glob := func(table string) string { return sqlStr(filepath.Join(out, table, "*", "*.parquet")) }
	res := duck(
		"SELECT year, count(*) AS n, count(value) AS nv, sum(value) AS s FROM read_parquet("+glob("cells")+", hive_partitioning = true) GROUP BY year ORDER BY year NULLS FIRST",
		"SELECT report_id, year, t3_new_received_total FROM read_parquet("+glob("panel")+", hive_partitioning = true) ORDER BY report_id",
		"SELECT count(*) AS n FROM read_parquet("+glob("checks")+", hive_partitioning = true)",
	)
	type agg struct {
		n, nv int
		s     float64
	}
	wantAgg := map[string]*agg{}
	for id, cs := range w.cells {
		y := yearStr(w.reports[id].Year)
		if wantAgg[y] == nil {
			wantAgg[y] = &agg{}
		}
		for _, c := range cs {
			wantAgg[y].n++
			if c.Value != nil {
				wantAgg[y].nv++
				wantAgg[y].s += *c.Value
			}
		}
	}
	if len(res[0].Rows) != len(wantAgg) {
		t.Errorf("%d year partitions, want %d: %v", len(res[0].Rows), len(wantAgg), res[0].Rows)
	}
	for _, m := range res[0].maps() {
		y := duckNum(m["year"])
		a := wantAgg[y]
		if a == nil {
			t.Errorf("unexpected year %q", y)
			continue
		}
		if duckNum(m["n"]) != strconv.Itoa(a.n) || duckNum(m["nv"]) != strconv.Itoa(a.nv) {
			t.Errorf("year %s: %v, want n %d nv %d", y, m, a.n, a.nv)
		}
		if s, _ := m["s"].(float64); s-a.s > 1e-6 || a.s-s > 1e-6 {
			t.Errorf("year %s sum %v, want %v", y, m["s"], a.s)
		}
	}
	if res[1].typeOf("year") == "" || len(res[1].Rows) != len(w.reports) {
		t.Errorf("panel: types %v, %d rows", res[1].Types, len(res[1].Rows))
	}
	for _, m := range res[1].maps() {
		id, _ := strconv.ParseInt(duckNum(m["report_id"]), 10, 64)
		if duckNum(m["year"]) != yearStr(w.reports[id].Year) {
			t.Errorf("report %d year %v, store %d", id, m["year"], w.reports[id].Year)
		}
		want := ""
		if c, ok := w.cells[id]["t3.new_received.total"]; ok {
			want = num(c.Value)
		}
		if duckNum(m["t3_new_received_total"]) != want {
			t.Errorf("report %d t3_new_received_total %v, want %s", id, m["t3_new_received_total"], want)
		}
	}
	if duckNum(res[2].Rows[0][0]) != strconv.Itoa(w.nChecks) {
		t.Errorf("checks %v, want %d", res[2].Rows[0][0], w.nChecks)
	}
}
