// Package export owns the dataset files written out of the store: the long cells file, the
// reports file, the wide panel with harmonised indicators and the checks file, as CSV (RFC
// 4180, UTF-8, optionally with a byte-order mark for Excel) and Parquet (typed, zstd,
// dictionary-encoded strings, optionally hive-partitioned by year), together with a codebook
// (codebook.csv, codebook.md) and a Frictionless datapackage.json. Everything is streamed from
// the store one report at a time, so memory stays bounded whatever the size of the dataset.
// cmd/export is the thin command around Run.
package export

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/indicators"
	"github.com/ogireports/ogireports/internal/reconcile"
	"github.com/ogireports/ogireports/internal/store"
)

// Filter selects the reports exported. Zero fields do not filter.
type Filter struct {
	// YearFrom and YearTo bound the report year, inclusive; reports of unknown year are
	// excluded when either is set.
	YearFrom, YearTo int
	// Codes are jurisdiction code prefixes (37 = 山东, 3706 = 烟台); a report matches when its
	// jurisdiction code starts with any of them.
	Codes []string
	// Level and AgencyType must equal the report's resolved level and agency type.
	Level, AgencyType string
	// PassingOnly keeps reports none of whose identity checks failed (a not-assessable check
	// is not a failure: a blank cell makes a check not assessable, never failed).
	PassingOnly bool
}

// Place is what the export knows about a report's jurisdiction and agency.
type Place struct {
	Code, Province, City, County, Level, AgencyType string
	// AgencyNormalized is the cleaned agency name.
	AgencyNormalized string
	// Confidence of the code, valid when HasConfidence.
	Confidence    float64
	HasConfidence bool
}

// PlaceResolver finds the jurisdiction of a report.
type PlaceResolver interface {
	Place(r *store.ReportRow) Place
}

// NoPlaces resolves nothing: every jurisdiction column is blank and the --codes, --level and
// --agency-type filters match no report. Run uses JurisdictionPlaces when Options.Places is nil.
type NoPlaces struct{}

// Place returns the zero Place.
func (NoPlaces) Place(*store.ReportRow) Place { return Place{} }

// Options configure Run.
type Options struct {
	// Dir is the output folder, created if needed.
	Dir string
	// CSV and Parquet select the formats (at least one).
	CSV, Parquet bool
	// Excel writes a UTF-8 byte-order mark at the start of each CSV file.
	Excel bool
	// PartitionYear writes each Parquet table as a hive-partitioned folder
	// DIR/<table>/year=<Y>/part-0.parquet instead of DIR/<table>.parquet.
	PartitionYear bool
	Filter        Filter
	// Places resolves the jurisdictions of reports that belong to no logical report (the
	// others take their logical report's); nil means NewJurisdictionPlaces().
	Places PlaceResolver
	// Progress, when set, is called after each report with the number of reports done.
	Progress func(done int64)
}

// File is one written file.
type File struct {
	Path string
	// Table is cells, reports, panel, checks, or "" for the codebook and data package.
	Table string
	Rows  int64
}

// Summary reports what Run wrote.
type Summary struct {
	Files []File
	// Reports, Cells and Checks count the rows written per table (panel rows = Reports).
	Reports, Cells, Checks int64
	// Skipped counts reports read but filtered out in Go (code, level, type, passing).
	Skipped int64
	// NonIntegral counts count cells whose value is not an integer: they are blank in the
	// panel's integer columns and kept exactly in the cells file.
	NonIntegral int64
	// NotReconciled is true when the store holds no logical report (internal/reconcile never
	// ran): the panel then has one row per report, keyed by report_id, without year-on-year
	// changes or cross-report flags, and the caller should tell the user to run the import or
	// crawl again (they reconcile at their end).
	NotReconciled bool
	// CrossChecks counts the cross-report rows of the checks file (included in Checks).
	CrossChecks int64
	Elapsed     time.Duration
}

// tableOut is one table's writers and its row buffer.
type tableOut struct {
	t       *Table
	writers []rowWriter
	row     []Val
	rows    int64
	// partDir is the hive folder of a partitioned Parquet table ("" otherwise).
	partDir string
}

func (o *tableOut) reset() {
	for i := range o.row {
		o.row[i] = Null
	}
}

func (o *tableOut) emit() error {
	o.rows++
	for _, w := range o.writers {
		if err := w.write(o.row); err != nil {
			return err
		}
	}
	return nil
}

// Run writes the selected formats of every table, then codebook.csv, codebook.md and
// datapackage.json, into opts.Dir. Each file is written beside its final name and renamed into
// place when complete; on error no partial file is left under a final name.
func Run(ctx context.Context, st *store.Store, opts Options) (sum Summary, err error) {
	start := time.Now()
	if !opts.CSV && !opts.Parquet {
		return sum, fmt.Errorf("export: no format selected")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return sum, fmt.Errorf("export: create %s: %w", opts.Dir, err)
	}
	places := opts.Places
	if places == nil {
		places = NewJurisdictionPlaces()
	}
	logical, err := st.HasLogicalReports(ctx)
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	sum.NotReconciled = !logical
	tables := tables(logical)
	outs := make(map[string]*tableOut, len(tables))
	var all []*tableOut
	defer func() {
		if err != nil {
			for _, o := range all {
				for _, w := range o.writers {
					w.abort()
				}
			}
		}
	}()
	for _, t := range tables {
		o := &tableOut{t: t, row: make([]Val, len(t.Columns))}
		all = append(all, o)
		outs[t.Name] = o
		if opts.CSV {
			w, err := newCSVWriter(filepath.Join(opts.Dir, t.Name+".csv"), t, opts.Excel)
			if err != nil {
				return sum, fmt.Errorf("export: %w", err)
			}
			o.writers = append(o.writers, w)
		}
		if opts.Parquet {
			if opts.PartitionYear {
				o.partDir = filepath.Join(opts.Dir, t.Name)
				o.writers = append(o.writers, newPartitioned(o.partDir, t))
			} else {
				w, err := newParquetWriter(filepath.Join(opts.Dir, t.Name+".parquet"), t)
				if err != nil {
					return sum, fmt.Errorf("export: %w", err)
				}
				o.writers = append(o.writers, w)
			}
		}
	}
	b := newBuilder(outs)
	if logical {
		if b.members, err = st.ExportMemberships(ctx); err != nil {
			return sum, fmt.Errorf("export: %w", err)
		}
		if b.logical, err = st.ExportLogicalReports(ctx); err != nil {
			return sum, fmt.Errorf("export: %w", err)
		}
	}
	var done int64
	err = st.EachReportBundle(ctx, store.ExportFilter{YearFrom: opts.Filter.YearFrom, YearTo: opts.Filter.YearTo},
		func(rb *store.ReportBundle) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			done++
			if opts.Progress != nil {
				defer opts.Progress(done)
			}
			lp := b.place(&rb.Report, places)
			if !opts.Filter.match(rb, lp.Place) {
				sum.Skipped++
				return nil
			}
			return b.report(rb, lp)
		})
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if logical {
		if err := st.EachCrossCheck(ctx, b.crossCheck); err != nil {
			return sum, fmt.Errorf("export: %w", err)
		}
	}
	sum.CrossChecks = b.crossChecks
	sum.NonIntegral = b.nonIntegral
	for _, o := range all {
		for len(o.writers) > 0 {
			w := o.writers[0]
			o.writers = o.writers[1:]
			if err := w.close(); err != nil {
				return sum, fmt.Errorf("export: %w", err)
			}
			sum.Files = append(sum.Files, w.files(o.t.Name)...)
		}
	}
	sum.Reports, sum.Cells, sum.Checks = outs["reports"].rows, outs["cells"].rows, outs["checks"].rows
	// Writers are closed: a failure from here on must not try to abort them again.
	docs, err := writeDocs(opts, tables, sum.Files)
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	sum.Files = append(sum.Files, docs...)
	for _, o := range all {
		if o.partDir != "" {
			if err := removeStalePartitions(o.partDir, sum.Files); err != nil {
				return sum, fmt.Errorf("export: %w", err)
			}
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// match reports whether a report passes the filters evaluated in Go.
func (f Filter) match(rb *store.ReportBundle, p Place) bool {
	if len(f.Codes) > 0 {
		ok := false
		for _, c := range f.Codes {
			if p.Code != "" && strings.HasPrefix(p.Code, c) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.Level != "" && p.Level != f.Level {
		return false
	}
	if f.AgencyType != "" && p.AgencyType != f.AgencyType {
		return false
	}
	if f.PassingOnly && rb.Report.ChecksFailed > 0 {
		return false
	}
	return true
}

// removeStalePartitions deletes part files under dir that this run did not write (years no
// longer selected by a re-export into the same folder).
func removeStalePartitions(dir string, written []File) error {
	keep := map[string]bool{}
	for _, f := range written {
		keep[f.Path] = true
	}
	old, err := filepath.Glob(filepath.Join(dir, "year=*", "part-*.parquet"))
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, p := range old {
		if !keep[p] {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("remove stale partition %s: %w", p, err)
			}
			os.Remove(filepath.Dir(p)) // only succeeds when empty
		}
	}
	return nil
}

// builder turns report bundles into rows of the four tables.
type builder struct {
	reports, cells, panel, checks *tableOut
	// unit and panelCol map a full key to its unit and its panel column index.
	unit     map[string]string
	panelCol map[string]int
	// indCols are the harmonised and indicator columns of the panel.
	indCols []Column
	// values are the current report's cells, for the indicators.
	values      cells.Values
	nonIntegral int64
	// col maps table → column name → index; ci caches the cells table's.
	col map[string]map[string]int
	ci  cellIdx
	// members maps a report to its logical report, logical the logical reports by id (both
	// empty when the store was never reconciled).
	members map[int64]store.ExportMembership
	logical map[int64]*store.LogicalReport
	// exported marks the reports written, whose cross checks are written too.
	exported    map[int64]struct{}
	crossChecks int64
}

// reportPlace is a report's place with its logical report, when it belongs to one.
type reportPlace struct {
	Place
	member store.ExportMembership
	// lr is nil when the report belongs to no logical report.
	lr *store.LogicalReport
}

// place returns the logical report's jurisdiction when r belongs to one (the reconciliation
// parsed the agency with the crawl site's registry code as the prior), else r's agency name
// parsed by names.
func (b *builder) place(r *store.ReportRow, names PlaceResolver) reportPlace {
	if m, ok := b.members[r.ID]; ok {
		if l := b.logical[m.LogicalID]; l != nil {
			p := PlaceOfCode(l.JurisdictionCode)
			p.AgencyType, p.AgencyNormalized = l.AgencyType, l.AgencyNormalized
			if l.JurisdictionCode != "" {
				p.Confidence, p.HasConfidence = l.AgencyConfidence, true
			}
			return reportPlace{Place: p, member: m, lr: l}
		}
	}
	return reportPlace{Place: names.Place(r)}
}

// crossCheck writes one cross-report check of a report the export wrote.
func (b *builder) crossCheck(c *store.ExportCrossCheck) error {
	if _, ok := b.exported[c.ReportID]; !ok {
		return nil
	}
	o := b.checks
	o.reset()
	b.set(o, "check_id", Int(c.ID))
	b.set(o, "report_id", Int(c.ReportID))
	b.set(o, "agency", Str(c.Agency))
	b.set(o, "year", OptInt(int64(c.Year)))
	code := ""
	if l := b.logical[c.LogicalID]; l != nil {
		code = l.JurisdictionCode
	}
	b.set(o, "jurisdiction_code", OptStr(code))
	b.set(o, "identity", Str(c.Identity))
	b.set(o, "column", Str(c.Column))
	b.set(o, "status", Str(c.Status))
	b.set(o, "left_value", Num(c.Left))
	b.set(o, "right_value", Num(c.Right))
	b.set(o, "detail", Str(c.Detail))
	b.set(o, "scope", Str(scopeCrossReport))
	b.set(o, "logical_report_id", Int(c.LogicalID))
	b.set(o, "other_report_id", OptInt(c.OtherReportID))
	b.crossChecks++
	return o.emit()
}

// Check scopes (checks.scope).
const (
	scopeReport      = "report"
	scopeCrossReport = "cross_report"
)

// cellIdx are the column positions of the cells table (its hot path avoids name lookups).
type cellIdx struct {
	reportID, source, agency, year, table, row, col, key, value, valueText, flags, confidence,
	sha, layout, unit, page int
}

func newBuilder(outs map[string]*tableOut) *builder {
	b := &builder{reports: outs["reports"], cells: outs["cells"], panel: outs["panel"], checks: outs["checks"],
		unit: map[string]string{}, panelCol: map[string]int{}, values: cells.Values{}, indCols: indicatorColumns(),
		col: map[string]map[string]int{}, exported: map[int64]struct{}{}}
	for _, o := range outs {
		m := map[string]int{}
		for i, c := range o.t.Columns {
			m[c.Name] = i
		}
		b.col[o.t.Name] = m
	}
	for _, k := range cells.AllKeys() {
		b.unit[k.Key] = k.Col.Unit
		b.panelCol[k.Key] = b.col["panel"][PanelColumn(k.Key)]
	}
	c := b.col["cells"]
	b.ci = cellIdx{reportID: c["report_id"], source: c["source"], agency: c["agency"], year: c["year"],
		table: c["table"], row: c["row"], col: c["col"], key: c["key"], value: c["value"],
		valueText: c["value_text"], flags: c["flags"], confidence: c["confidence"],
		sha: c["document_sha256"], layout: c["layout"], unit: c["unit"], page: c["page"]}
	return b
}

func (b *builder) set(o *tableOut, name string, v Val) {
	o.row[b.col[o.t.Name][name]] = v
}

func (b *builder) setPlace(o *tableOut, p Place, withNames bool) {
	b.set(o, "jurisdiction_code", OptStr(p.Code))
	if withNames {
		b.set(o, "province", OptStr(p.Province))
		b.set(o, "city", OptStr(p.City))
		b.set(o, "county", OptStr(p.County))
		b.set(o, "level", OptStr(p.Level))
		b.set(o, "agency_type", OptStr(p.AgencyType))
	}
}

func joinList(l []string) string { return strings.Join(l, ";") }

func (b *builder) report(rb *store.ReportBundle, lp reportPlace) error {
	r := &rb.Report
	p := lp.Place
	b.exported[r.ID] = struct{}{}
	m, inLogical := lp.member, lp.lr != nil
	// chosen: this report's cells are a panel row (every report when not reconciled).
	chosen := b.logical == nil || (inLogical && m.Chosen)
	layouts := map[cells.Table]string{cells.T2: r.LayoutT2, cells.T3: r.LayoutT3, cells.T4: r.LayoutT4}
	blank := int64(0)
	for _, c := range rb.Cells {
		if c.Value == nil {
			blank++
		}
	}

	// reports
	o := b.reports
	o.reset()
	b.set(o, "report_id", Int(r.ID))
	b.set(o, "source", Str(r.Source))
	b.set(o, "agency", Str(r.Agency))
	b.set(o, "year", OptInt(int64(r.Year)))
	b.set(o, "published", DateVal(r.Published))
	b.set(o, "title", Str(r.Title))
	b.set(o, "layout_t2", OptStr(r.LayoutT2))
	b.set(o, "layout_t3", OptStr(r.LayoutT3))
	b.set(o, "layout_t4", OptStr(r.LayoutT4))
	b.set(o, "checks_failed", Int(int64(r.ChecksFailed)))
	b.set(o, "checks_not_assessable", Int(int64(r.ChecksNotAssessable)))
	b.set(o, "flags", Str(joinList(r.Flags)))
	b.set(o, "extractor_version", Str(r.ExtractorVersion))
	b.set(o, "document_sha256", Str(r.DocumentSHA256))
	b.set(o, "media_type", Str(r.MediaType))
	b.setPlace(o, p, true)
	b.set(o, "agency_source", Str(r.AgencySource))
	b.set(o, "year_source", Str(r.YearSource))
	b.set(o, "site_id_code", OptStr(r.SiteIDCode))
	b.set(o, "agency_normalized", OptStr(p.AgencyNormalized))
	conf := Null
	if p.HasConfidence {
		conf = Val{F: p.Confidence}
	}
	b.set(o, "jurisdiction_confidence", conf)
	b.set(o, "checks_passed", Int(int64(r.ChecksPassed)))
	b.set(o, "cells", Int(int64(len(rb.Cells))))
	b.set(o, "cells_blank", Int(blank))
	b.set(o, "sources", Str(strings.Join(rb.Sources, "\n")))
	var pics []string
	for _, pt := range rb.Parts {
		if pt.Seq > 0 {
			pics = append(pics, pt.URL)
		}
	}
	b.set(o, "pictures", Str(strings.Join(pics, "\n")))
	b.set(o, "notes", Str(joinList(r.Notes)))
	created := ""
	if !r.CreatedAt.IsZero() {
		created = r.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	b.set(o, "created_at", Str(created))
	b.set(o, "chosen", BoolVal(chosen))
	if inLogical {
		b.set(o, "logical_report_id", Int(m.LogicalID))
		b.set(o, "is_current", BoolVal(m.IsCurrent))
		b.set(o, "version", Int(int64(m.Version)))
		b.set(o, "source_rank", Int(int64(m.SourceRank)))
		b.set(o, "jurisdiction_source", Str("logical"))
	} else {
		b.set(o, "jurisdiction_source", Str("name"))
	}
	if err := o.emit(); err != nil {
		return err
	}

	// cells (long) and panel (wide)
	pn := b.panel
	pn.reset()
	clear(b.values)
	o = b.cells
	ci := &b.ci
	o.reset()
	o.row[ci.reportID] = Int(r.ID)
	o.row[ci.source] = Str(r.Source)
	o.row[ci.agency] = Str(r.Agency)
	o.row[ci.year] = OptInt(int64(r.Year))
	o.row[ci.sha] = Str(r.DocumentSHA256)
	b.setPlace(o, p, true)
	b.set(o, "chosen", BoolVal(chosen))
	if inLogical {
		b.set(o, "logical_report_id", Int(m.LogicalID))
	}
	for _, c := range rb.Cells {
		t, row, colKey, _ := cells.SplitKey(c.Key)
		o.row[ci.table] = Str(string(t))
		o.row[ci.row] = Str(row)
		o.row[ci.col] = Str(colKey)
		o.row[ci.key] = Str(c.Key)
		o.row[ci.value] = Num(c.Value)
		o.row[ci.valueText] = Str(c.ValueText)
		o.row[ci.flags] = Str(joinList(c.Flags))
		conf := Null
		if c.Confidence != 0 {
			conf = Val{F: c.Confidence}
		}
		o.row[ci.confidence] = conf
		o.row[ci.layout] = OptStr(layouts[t])
		o.row[ci.unit] = Str(b.unit[c.Key])
		o.row[ci.page] = OptInt(int64(c.Page))
		if err := o.emit(); err != nil {
			return err
		}
		b.values[c.Key] = c.Value
		if !chosen {
			continue
		}
		if i, ok := b.panelCol[c.Key]; ok && c.Value != nil {
			if pn.t.Columns[i].Type == Int64 {
				v := *c.Value
				if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
					b.nonIntegral++
					continue
				}
				pn.row[i] = Int(int64(v))
			} else {
				pn.row[i] = Val{F: *c.Value}
			}
		}
	}
	if !chosen {
		return b.reportChecks(rb, p)
	}
	b.set(pn, "report_id", Int(r.ID))
	b.setPlace(pn, p, true)
	b.set(pn, "agency", Str(r.Agency))
	b.set(pn, "year", OptInt(int64(r.Year)))
	b.set(pn, "published", DateVal(r.Published))
	b.set(pn, "layout_t2", OptStr(r.LayoutT2))
	b.set(pn, "layout_t3", OptStr(r.LayoutT3))
	b.set(pn, "layout_t4", OptStr(r.LayoutT4))
	b.set(pn, "checks_failed", Int(int64(r.ChecksFailed)))
	layoutMap := map[cells.Table]cells.Layout{cells.T2: cells.Layout(r.LayoutT2), cells.T3: cells.Layout(r.LayoutT3),
		cells.T4: cells.Layout(r.LayoutT4)}
	harm := indicators.HarmonisedValues(b.values, layoutMap)
	var ind map[string]*float64
	if inLogical {
		l := lp.lr
		ind = l.Indicators
		b.set(pn, "logical_report_id", Int(l.ID))
		b.set(pn, "sources", Int(int64(l.Sources)))
		b.set(pn, "version", Int(int64(l.CurrentVersion)))
		for _, f := range logicalFlags {
			b.set(pn, f, BoolVal(slices.Contains(l.Flags, f)))
		}
	} else {
		// Never reconciled: the per-report indicators from their one definition; no
		// year-on-year change without logical agencies.
		ind = indicators.Compute(b.values, cells.Layout(r.LayoutT3))
	}
	for _, c := range b.indCols {
		var v *float64
		if isHarmonisedOther(c.Name) {
			v = harm[cells.Key(cells.T3, "other", strings.TrimPrefix(c.Name, harmonisedOtherPrefix))]
		} else {
			v = ind[c.Name]
		}
		if v == nil {
			continue
		}
		if c.Type == Int64 {
			b.set(pn, c.Name, Int(int64(math.Round(*v))))
		} else {
			b.set(pn, c.Name, Val{F: *v})
		}
	}
	if err := pn.emit(); err != nil {
		return err
	}
	return b.reportChecks(rb, p)
}

// logicalFlags are the logical-report flags (internal/reconcile) the panel has a column for.
var logicalFlags = []string{reconcile.FlagCopied, reconcile.FlagCarryDiscontinuity, reconcile.FlagSourcesDisagree, reconcile.FlagProseDisagree}

// reportChecks writes the identity checks of one report.
func (b *builder) reportChecks(rb *store.ReportBundle, p Place) error {
	r := &rb.Report
	o := b.checks
	for _, k := range rb.Checks {
		o.reset()
		b.set(o, "check_id", Int(k.ID))
		b.set(o, "report_id", Int(r.ID))
		b.set(o, "agency", Str(r.Agency))
		b.set(o, "year", OptInt(int64(r.Year)))
		b.setPlace(o, p, false)
		b.set(o, "identity", Str(k.Identity))
		b.set(o, "column", Str(k.Column))
		b.set(o, "status", Str(k.Status))
		b.set(o, "left_value", Num(k.Left))
		b.set(o, "right_value", Num(k.Right))
		b.set(o, "detail", Str(k.Detail))
		b.set(o, "scope", Str(scopeReport))
		if err := o.emit(); err != nil {
			return err
		}
	}
	return nil
}
