package export

import (
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// Type is the logical type of an exported column. It maps to a Frictionless table-schema type,
// a Parquet physical/logical type and a CSV rendering.
type Type int

// Column types.
const (
	// String is text: Parquet BYTE_ARRAY (STRING), dictionary-encoded; CSV text, neutralised
	// against formula injection.
	String Type = iota
	// Int64 is an integer: Parquet INT64; CSV plain decimal.
	Int64
	// Int32 is a small integer (years): Parquet INT32; CSV plain decimal.
	Int32
	// Double is a number: Parquet DOUBLE; CSV plain decimal without exponent.
	Double
	// Date is a calendar date: Parquet INT32 (DATE); CSV YYYY-MM-DD.
	Date
	// Bool is true or false: Parquet BOOLEAN; CSV true / false.
	Bool
)

// Frictionless returns the Frictionless table-schema type of t.
func (t Type) Frictionless() string {
	switch t {
	case Int64, Int32:
		return "integer"
	case Double:
		return "number"
	case Date:
		return "date"
	case Bool:
		return "boolean"
	default:
		return "string"
	}
}

// String returns the codebook name of t.
func (t Type) String() string {
	switch t {
	case Int64:
		return "int64"
	case Int32:
		return "int32"
	case Double:
		return "double"
	case Date:
		return "date"
	case Bool:
		return "bool"
	default:
		return "string"
	}
}

// Column describes one column of one exported file: its name, type, whether it can be NULL,
// and its documentation for the codebook.
type Column struct {
	Name string
	Type Type
	// Nullable is true when the column can be blank (NULL in Parquet, empty in CSV).
	Nullable bool
	// LabelZH and LabelEN are the Chinese and English labels.
	LabelZH, LabelEN string
	// Unit is "count", "change", "10k_yuan", "ratio", "per_100_requests" or "" for non-numbers.
	Unit string
	// Layouts lists the layouts where a cell column exists ("" for every column that is not a
	// cell).
	Layouts []cells.Layout
	// Definition says what the column holds.
	Definition string
}

// Table is one exported file: its name (cells, reports, panel, checks), its columns and its
// primary key.
type Table struct {
	Name       string
	Title      string
	Definition string
	Columns    []Column
	PrimaryKey []string
	// ForeignKeys map a column to the reports table's report_id.
	ForeignKeys []string
}

// index returns the position of column name, or -1.
func (t *Table) index(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// without returns a copy of t without the named column (a hive partition column lives in the
// folder name, not in the file).
func (t *Table) without(name string) *Table {
	c := *t
	c.Columns = nil
	for _, col := range t.Columns {
		if col.Name != name {
			c.Columns = append(c.Columns, col)
		}
	}
	return &c
}

func col(name string, t Type, nullable bool, zh, en, def string) Column {
	return Column{Name: name, Type: t, Nullable: nullable, LabelZH: zh, LabelEN: en, Definition: def}
}

// placeColumns are the jurisdiction columns shared by every file.
func placeColumns() []Column {
	return []Column{
		col("jurisdiction_code", String, true, "行政区划代码", "jurisdiction code",
			"6-digit GB/T 2260 code of the report's jurisdiction (000000 = central government): the logical report's code "+
				"(internal/reconcile: agency name parsed with the crawl site's registry code as the prior and the 网站标识码 as a check) "+
				"when the report belongs to one, else the agency name parsed alone (see reports.jurisdiction_source); "+
				"text, never a number; blank when the name is ambiguous or matches nothing."),
		col("province", String, true, "省级", "province", "Province-level division name; blank when not resolved."),
		col("city", String, true, "地级", "prefecture", "Prefecture-level division name; blank when not resolved or not applicable."),
		col("county", String, true, "县级", "county", "County-level division name; blank when not resolved or not applicable."),
		col("level", String, true, "层级", "level", "Level of the jurisdiction_code division (province, prefecture, county); blank when not resolved."),
		col("agency_type", String, true, "机关类型", "agency type", "Agency type parsed from the name: government, department, township (乡镇街道), development_zone or other."),
	}
}

// CellsTable is the long file: one row per stored cell. Its first 13 columns are those of the
// first export (issue 2) in their original order.
func CellsTable() *Table {
	cols := []Column{
		col("report_id", Int64, false, "报告编号", "report id", "Report id in the store (stable per document); joins reports.report_id."),
		col("source", String, false, "来源", "source", "URL or file path the report's document was first read from."),
		col("agency", String, false, "发布机关", "agency", "Publishing agency as printed in the report."),
		col("year", Int32, true, "报告年度", "report year", "Year the report covers; blank when unknown."),
		col("table", String, false, "表", "table", "Table of the cell: t2 (主动公开), t3 (申请), t4 (复议诉讼)."),
		col("row", String, false, "行", "row", "Row key of cells.md."),
		col("col", String, false, "列", "column", "Column key of cells.md."),
		col("key", String, false, "单元格键", "cell key", "Full cells.md key table.row.col (t3.new_received.total); see the panel columns for every key's labels."),
		col("value", Double, true, "数值", "value", "Parsed number (counts, signed changes, money in 万元); blank when the report left the cell blank, 0 when it printed 0."),
		col("value_text", String, false, "原文", "printed text", "The cell's text exactly as printed."),
		col("flags", String, false, "标记", "flags", "Cell flags joined by ';' (annotated, unit_yuan, unit_assumed, realigned, ocr, low_confidence, unparsed, not_found, ...); see internal/normalize/README.md."),
		col("confidence", Double, true, "识别置信度", "OCR confidence", "OCR confidence 0-1; blank for cells not read by OCR."),
		col("document_sha256", String, false, "文件SHA256", "document sha256", "SHA-256 of the document's bytes."),
	}
	cols = append(cols, placeColumns()...)
	cols = append(cols,
		col("layout", String, true, "表格式", "layout", "Layout of the cell's table in this report (gov2019, gov2021)."),
		col("unit", String, false, "单位", "unit", "Unit of the value: count, change (signed count) or 10k_yuan (万元)."),
		col("page", Int32, true, "页码", "page", "Page the cell was read on; for a web page whose tables are pictures, the number of the picture (reports.pictures); blank for unpaged formats."),
		col("logical_report_id", Int64, true, "逻辑报告编号", "logical report id",
			"Logical report (jurisdiction × agency × year, internal/reconcile) the cell's report belongs to; joins panel.logical_report_id; blank when the report has no agency or year, or the reconciliation never ran."),
		col("chosen", Bool, false, "入选", "chosen",
			"True when the cell's report is its logical report's chosen member, so WHERE chosen gives exactly the panel's cells (every report when the reconciliation never ran); false for other sources and superseded versions."),
	)
	for i := range cols {
		if cols[i].Name == "value" {
			cols[i].Unit = "see unit"
		}
	}
	return &Table{Name: "cells", Title: "Cells (long)", Columns: cols,
		Definition:  "One row per stored cell of tables 二, 三 and 四 of a report.",
		PrimaryKey:  []string{"report_id", "key"},
		ForeignKeys: []string{"report_id"}}
}

// ReportsTable is one row per report. Its first 15 columns are those of the first export.
func ReportsTable() *Table {
	cols := []Column{
		col("report_id", Int64, false, "报告编号", "report id", "Report id in the store (stable per document)."),
		col("source", String, false, "来源", "source", "URL or file path the document was first read from."),
		col("agency", String, false, "发布机关", "agency", "Publishing agency as printed."),
		col("year", Int32, true, "报告年度", "report year", "Year the report covers; blank when unknown."),
		col("published", Date, true, "发布日期", "publication date", "Publication date where printed; blank when not printed."),
		col("title", String, false, "标题", "title", "Title of the report."),
		col("layout_t2", String, true, "表二格式", "layout of table 2", "Layout of table 二 (gov2019, gov2021); blank when the table was not found."),
		col("layout_t3", String, true, "表三格式", "layout of table 3", "Layout of table 三; blank when not found."),
		col("layout_t4", String, true, "表四格式", "layout of table 4", "Layout of table 四; blank when not found."),
		col("checks_failed", Int64, false, "未通过核验数", "checks failed", "Number of identity checks that failed."),
		col("checks_not_assessable", Int64, false, "无法核验数", "checks not assessable", "Number of identity checks not assessable (a blank cell involved)."),
		col("flags", String, false, "标记", "flags", "Report flags joined by ';'."),
		col("extractor_version", String, false, "提取程序版本", "extractor version", "Version of the extractor that produced the report."),
		col("document_sha256", String, false, "文件SHA256", "document sha256", "SHA-256 of the document's bytes (of a page read with its pictures: see pictures)."),
		col("media_type", String, false, "文件类型", "media type", "Media type of the document (text/html, application/pdf, ...)."),
	}
	cols = append(cols, placeColumns()...)
	cols = append(cols,
		col("agency_source", String, false, "机关来源", "agency source", "Where the agency name was read (title, 发布机构 field, signature)."),
		col("year_source", String, false, "年度来源", "year source", "Where the report year was read (title, body)."),
		col("site_id_code", String, true, "网站标识码", "site id code", "The page's 网站标识码 (SiteIDCode meta), text; blank when absent."),
		col("agency_normalized", String, true, "机关名称（规范）", "agency, normalised", "The agency name cleaned of spaces, brackets, year and report words (internal/jurisdiction)."),
		col("jurisdiction_confidence", Double, true, "区划置信度", "jurisdiction confidence", "Confidence 0-1 of jurisdiction_code; blank when not resolved."),
		col("checks_passed", Int64, false, "通过核验数", "checks passed", "Number of identity checks that passed."),
		col("cells", Int64, false, "单元格数", "cells", "Number of stored cells."),
		col("cells_blank", Int64, false, "空白单元格数", "blank cells", "Number of stored cells left blank by the report."),
		col("sources", String, false, "全部来源", "all sources", "Every URL or path the document was seen at, first sighting first, separated by line breaks."),
		col("notes", String, false, "备注", "notes", "Extraction remarks joined by ';'."),
		col("created_at", String, false, "提取时间", "extracted at", "UTC time of the extraction (ISO 8601)."),
		col("logical_report_id", Int64, true, "逻辑报告编号", "logical report id",
			"Logical report (jurisdiction × agency × year, internal/reconcile) the report is a source or version of; joins panel.logical_report_id; blank when it has no agency or year, or the reconciliation never ran."),
		col("chosen", Bool, false, "入选", "chosen",
			"True when this report's extraction stands for its logical report in the panel (best current source: HTML or DOCX over PDF or text over OCR, then fewer failed checks, then earliest); true for every report when the reconciliation never ran."),
		col("is_current", Bool, true, "现行版本", "current version",
			"False when a newer version of the report replaced it at its source; blank outside a logical report."),
		col("version", Int32, true, "版本", "version", "1 for the first content seen at the report's source(s), 2 for the next revision, ...; blank outside a logical report."),
		col("source_rank", Int32, true, "来源等级", "source rank", "Format rank of the document: 0 HTML or DOCX, 1 PDF, plain text or DOC, 2 OCR; blank outside a logical report."),
		col("jurisdiction_source", String, false, "区划来源", "jurisdiction source",
			"logical: jurisdiction, agency type and normalised agency are the logical report's; name: the agency name parsed alone (the report belongs to no logical report)."),
		col("pictures", String, false, "表格图片", "pictures",
			"For a web page whose tables are printed as pictures: the pictures' URLs in page order, separated by line breaks (cells.page N was read from the N-th, by OCR); blank otherwise. document_sha256 then identifies the page read with these pictures (SHA-256 of a manifest of their digests; store table document_parts)."),
	)
	return &Table{Name: "reports", Title: "Reports", Columns: cols,
		Definition: "One row per report: metadata, layouts, sources, check counts, flags, extractor version.",
		PrimaryKey: []string{"report_id"}}
}

// ChecksTable is one row per identity check.
func ChecksTable() *Table {
	cols := []Column{
		col("check_id", Int64, false, "核验编号", "check id", "Check id in the store (stable until the report is re-extracted)."),
		col("report_id", Int64, false, "报告编号", "report id", "Report id; joins reports.report_id."),
		col("agency", String, false, "发布机关", "agency", "Publishing agency as printed."),
		col("year", Int32, true, "报告年度", "report year", "Year the report covers; blank when unknown."),
		col("jurisdiction_code", String, true, "行政区划代码", "jurisdiction code", "GB/T 2260 code; blank when not resolved."),
		col("identity", String, false, "勾稽关系", "identity", "Identity id of cells.md (t3.balance, t3.results_sum, t3.row_total, t4.row_total, t3.carry_continuity)."),
		col("column", String, false, "列或行", "column or row", "Column key (column identities) or row key (row identities) the check was evaluated on."),
		col("status", String, false, "结果", "status", "pass, fail or not_assessable."),
		col("left_value", Double, true, "左边", "left side", "Left side of the identity; blank when not assessable."),
		col("right_value", Double, true, "右边", "right side", "Right side of the identity; blank when not assessable."),
		col("detail", String, false, "说明", "detail", "The identity spelled with its numbers, or the blank keys."),
		col("scope", String, false, "范围", "scope",
			"report: an identity check within one report (checks table of the store); cross_report: a check across reports or sources "+
				"of internal/reconcile (sources.agree, t3.carry_continuity, copied, prose.agree). check_id is unique within a scope."),
		col("logical_report_id", Int64, true, "逻辑报告编号", "logical report id", "Logical report the check belongs to (cross_report checks); blank for report checks."),
		col("other_report_id", Int64, true, "对照报告编号", "other report id",
			"Report compared with (the other source, or the same agency's report of the previous year); blank when none."),
	}
	for i := range cols {
		switch cols[i].Name {
		case "check_id":
			cols[i].Definition = "Check id in the store, unique within scope (report checks: stable until the report is re-extracted; cross_report checks: until the next reconciliation)."
		case "identity":
			cols[i].Definition += " Cross-report identities: sources.agree, t3.carry_continuity, copied, prose.agree (see internal/reconcile)."
		}
	}
	return &Table{Name: "checks", Title: "Identity checks", Columns: cols,
		Definition:  "One row per identity check result, within a report or across reports, with the numbers involved.",
		PrimaryKey:  []string{"scope", "check_id"},
		ForeignKeys: []string{"report_id"}}
}

// PanelColumn turns a cells.md key into its panel column name (dots become underscores).
func PanelColumn(key string) string { return strings.ReplaceAll(key, ".", "_") }

// PanelTable is the wide file: one row per current logical report (internal/reconcile), its
// chosen report's cells in one column per cells.md key, then the harmonised indicators.
func PanelTable() *Table { return panelTable(true) }

// panelTable is the panel of logical reports (logical), or the fallback of one row per report
// written when the reconciliation never ran.
func panelTable(logical bool) *Table {
	cols := []Column{
		col("logical_report_id", Int64, !logical, "逻辑报告编号", "logical report id",
			"Logical report id (jurisdiction × agency × year, internal/reconcile): one row per report whatever the number of documents, sources and versions it was found as; blank only in an export of a store never reconciled."),
		col("report_id", Int64, false, "报告编号", "report id", "Report whose cells fill the row (the logical report's chosen source); joins reports.report_id."),
	}
	cols = append(cols, placeColumns()...)
	cols = append(cols,
		col("agency", String, false, "发布机关", "agency", "Publishing agency as printed."),
		col("year", Int32, true, "报告年度", "report year", "Year the report covers; blank when unknown."),
		col("published", Date, true, "发布日期", "publication date", "Publication date; blank when not printed."),
		col("layout_t2", String, true, "表二格式", "layout of table 2", "Layout of table 二; the t2 columns of the other layout are blank."),
		col("layout_t3", String, true, "表三格式", "layout of table 3", "Layout of table 三."),
		col("layout_t4", String, true, "表四格式", "layout of table 4", "Layout of table 四."),
		col("checks_failed", Int64, false, "未通过核验数", "checks failed", "Number of identity checks of the chosen report that failed."),
		col("sources", Int64, true, "来源数", "sources", "Number of current sources of the logical report (the same report as HTML and PDF, or on two portals); blank when not reconciled."),
		col("version", Int32, true, "版本", "version", "Version of the chosen report (1 = never revised); blank when not reconciled."),
		col("copied", Bool, true, "疑似照抄", "copied", "Harmonised table 三 identical to the same logical agency's previous year (cross check copied); blank when not reconciled."),
		col("carry_discontinuity", Bool, true, "结转不连续", "carry discontinuity",
			"carried_over differs from the previous year's carried_forward in some column (cross check t3.carry_continuity); blank when not reconciled."),
		col("sources_disagree", Bool, true, "来源不一致", "sources disagree", "Another current source differs from the chosen one in some cell (cross check sources.agree); blank when not reconciled."),
		col("prose_disagree", Bool, true, "正文不一致", "prose disagrees", "A number stated in the text differs from the table (cross check prose.agree); blank when not reconciled."),
	)
	for _, k := range cells.AllKeys() {
		t := Int64
		if k.Col.Unit == "10k_yuan" {
			t = Double
		}
		def := "Cell " + k.Key + " as printed (" + unitWords(k.Col.Unit) + "); blank when the report left it blank or its table has another layout."
		if k.Table == cells.T2 {
			def += " t2 keys are layout-specific series: a key exists only in the layouts listed, and keys that differ between layouts are never merged."
		}
		if k.Table == cells.T3 && strings.HasPrefix(k.Row.Key, "other") {
			def += " See t3_other_harmonised_* for the （六） rows summed across layouts."
		}
		c := col(PanelColumn(k.Key), t, true, k.LabelZH, k.LabelEN, def)
		c.Unit = k.Col.Unit
		c.Layouts = append([]cells.Layout(nil), k.Layouts...)
		cols = append(cols, c)
	}
	cols = append(cols, indicatorColumns()...)
	if !logical {
		return &Table{Name: "panel", Title: "Panel (wide)", Columns: cols,
			Definition: "One row per report (the store was never reconciled: a report found as several documents has several rows), " +
				"one column per cell key, and the harmonised indicators.",
			PrimaryKey:  []string{"report_id"},
			ForeignKeys: []string{"report_id"}}
	}
	return &Table{Name: "panel", Title: "Panel (wide)", Columns: cols,
		Definition: "One row per current logical report (jurisdiction × agency × year; internal/reconcile), the chosen source's cells " +
			"in one column per cell key, the harmonised indicators and the cross-report flags.",
		PrimaryKey:  []string{"logical_report_id"},
		ForeignKeys: []string{"report_id"}}
}

func unitWords(u string) string {
	switch u {
	case "10k_yuan":
		return "money in 万元"
	case "change":
		return "signed change in count"
	default:
		return "count"
	}
}

// Tables returns the four exported tables in file order (the panel of logical reports).
func Tables() []*Table { return tables(true) }

// tables returns the four tables; logical false gives the fallback panel keyed by report_id.
func tables(logical bool) []*Table {
	return []*Table{ReportsTable(), CellsTable(), panelTable(logical), ChecksTable()}
}
