// Package reportgen generates deterministic, realistic 政府信息公开工作年度报告 (annual OGI
// reports) together with their truth: every keyed cell of tables 二, 三 and 四 of cells.md, the
// exact printed text of each cell, and the identities deliberately broken. It is used by the
// extraction acceptance tests, the simulated government web, `make demo` and the benchmarks.
package reportgen

import "github.com/ogireports/ogireports/internal/cells"

// Variant is one generated report with its truth.
type Variant struct {
	// ID is stable for a given seed, e.g. "v017-gov2021-gbk-rowspan".
	ID string
	// Agency is the publishing agency, e.g. 烟台市牟平区人民政府.
	Agency string
	// Year is the report year.
	Year int
	// Published is the publication date YYYY-MM-DD.
	Published string
	// LayoutT2 and LayoutT3 are the layouts of tables 二 and 三 (mixed allowed).
	LayoutT2, LayoutT3 cells.Layout
	// Encoding is "utf-8" or "gbk" for HTML().
	Encoding string
	// Quirks lists the quirk names (Quirk* constants) this variant exercises.
	Quirks []string
	// Truth maps every key of the variant's specs (t2, t3, t4) to its value, nil = blank.
	Truth map[string]*float64
	// Printed maps each key to the exact text printed in the cell ("" for &nbsp;).
	Printed map[string]string
	// Broken lists identity ids deliberately broken; empty for consistent variants.
	Broken []string
	// NoYearInTitle is true when the title carries no year (the year is only in the body).
	NoYearInTitle bool

	// seed drives the rendering choices that are not quirks (wording, split point, row-text
	// style), so that every rendering of a variant is identical.
	seed int64
}

// Options steer New. Zero values mean "choose at random".
type Options struct {
	// Layout forces the layout of t2 and t3 (cells.Gov2019 or cells.Gov2021).
	Layout cells.Layout
	// Quirks, when non-nil, are the variant's quirks instead of a random draw (inapplicable and
	// clashing ones are dropped; QuirkMixedLayout selects a gov2021 t2 with a gov2019 t3).
	Quirks []string
	// Encoding forces "utf-8" or "gbk".
	Encoding string
	// Break names an identity id to break (e.g. cells.IDT3Balance).
	Break string
}

// Doc is a non-report document that looks close to a report.
type Doc struct {
	ID, Title string
	HTML      []byte
}

// Quirk names. A variant lists those it exercises in Variant.Quirks.
const (
	// QuirkRowspan prints the t3 group labels (三、本年度办理结果, （三）不予公开 …) as rowspan label
	// cells in the official three-label-column geometry; without it they are full-width rows.
	QuirkRowspan = "rowspan"
	// QuirkHeaderBreaks breaks header words with <br /> (本年新<br />制作数量, 商业<br/>企业).
	QuirkHeaderBreaks = "header_br"
	// QuirkWordMarkup pastes the tables from Word: MsoNormal spans, styles, <p align=center>,
	// &nbsp; in empty cells, <o:p>.
	QuirkWordMarkup = "word_markup"
	// QuirkNestedTable puts the whole article (and its tables) inside an outer layout table.
	QuirkNestedTable = "nested_table"
	// QuirkT3Split splits t3 over two <table> elements, the second without a repeated header.
	QuirkT3Split = "t3_split"
	// QuirkT3SplitHeader splits t3 over two <table> elements, the second repeating the header.
	QuirkT3SplitHeader = "t3_split_header"
	// QuirkTitleRow adds extra header rows inside the tables (a 单位：件 row).
	QuirkTitleRow = "title_row"
	// QuirkT4Flat prints t4 as one flat row of 15 values under a three-level header (official).
	QuirkT4Flat = "t4_flat"
	// QuirkT4Rows prints t4 as three rows (行政复议, 未经复议直接起诉, 复议后起诉) of 5 columns.
	QuirkT4Rows = "t4_rows"
	// QuirkT4Transposed prints t4 transposed: the five results as rows, the three kinds as columns.
	QuirkT4Transposed = "t4_transposed"
	// QuirkSubtotalCol adds a non-standard 小计 column under 法人或其他组织 (sum of the five).
	QuirkSubtotalCol = "subtotal_col"
	// QuirkSubtotalRows adds 小计 rows after the groups （三）–（六） of t3 with their sums.
	QuirkSubtotalRows = "subtotal_rows"
	// QuirkBlankNbsp prints blank cells as &nbsp; (Printed "").
	QuirkBlankNbsp = "blank_nbsp"
	// QuirkBlankSlash prints blank cells as "/".
	QuirkBlankSlash = "blank_slash"
	// QuirkBlankDash prints blank cells as "—".
	QuirkBlankDash = "blank_dash"
	// QuirkBlankWu prints blank cells as "无".
	QuirkBlankWu = "blank_wu"
	// QuirkTotalBlank leaves 总计 cells blank (t4 totals, t3 totals of empty rows).
	QuirkTotalBlank = "total_blank"
	// QuirkMoneyYuan prints 采购总金额 in 元 ("251000元"; truth 25.1 万元). gov2019 t2 only.
	QuirkMoneyYuan = "money_yuan"
	// QuirkMoneyWanHeader states 万元 in the 采购总金额 header. gov2019 t2 only.
	QuirkMoneyWanHeader = "money_wan_header"
	// QuirkSignedChange prints 本年增/减 with explicit signs ("+3", "-2"). gov2019 t2 only.
	QuirkSignedChange = "signed_change"
	// QuirkFullwidthDigits prints some cells with full-width digits (３０).
	QuirkFullwidthDigits = "fullwidth_digits"
	// QuirkThousands prints large values with thousands separators (30,362).
	QuirkThousands = "thousands_sep"
	// QuirkAnnotation annotates a t2 cell: 22（其中修订16件） (value 22).
	QuirkAnnotation = "annotation"
	// QuirkHalfwidthParens prints labels with half-width parentheses ((三)不予公开).
	QuirkHalfwidthParens = "halfwidth_parens"
	// QuirkQuotesStraight prints "三安全一稳定" with straight quotes (curly by default).
	QuirkQuotesStraight = "quotes_straight"
	// QuirkQuotesNone prints 三安全一稳定 without quotes.
	QuirkQuotesNone = "quotes_none"
	// QuirkLabelTypo prints the typo 2.其他法律行政止公开 seen in real reports.
	QuirkLabelTypo = "label_typo"
	// QuirkMixedLayout combines a gov2021 t2 with the gov2019 single-row （六） t3.
	QuirkMixedLayout = "mixed_layout"
	// QuirkNoYearInTitle leaves the year out of the title (it is only in the body).
	QuirkNoYearInTitle = "no_year_title"
	// QuirkTitleNoAgency titles the report "2022年度政府信息公开年报" (agency only in 发布机构 and
	// the signature).
	QuirkTitleNoAgency = "title_no_agency"
	// QuirkTitleGuanyu titles the report "XX局关于2022年政府信息公开工作的年度报告".
	QuirkTitleGuanyu = "title_guanyu"
	// QuirkGBKMetaOnly declares GBK only through <meta charset="gbk"> (no http-equiv).
	QuirkGBKMetaOnly = "gbk_meta_only"
	// QuirkGBKUndeclared encodes in GBK without declaring any charset.
	QuirkGBKUndeclared = "gbk_undeclared"
	// QuirkPublishedEarly dates the report before 12-31 of its report year.
	QuirkPublishedEarly = "published_early"
)

// AllQuirks lists every quirk constant.
var AllQuirks = []string{
	QuirkRowspan, QuirkHeaderBreaks, QuirkWordMarkup, QuirkNestedTable, QuirkT3Split,
	QuirkT3SplitHeader, QuirkTitleRow, QuirkT4Flat, QuirkT4Rows, QuirkT4Transposed,
	QuirkSubtotalCol, QuirkSubtotalRows, QuirkBlankNbsp, QuirkBlankSlash, QuirkBlankDash,
	QuirkBlankWu, QuirkTotalBlank, QuirkMoneyYuan, QuirkMoneyWanHeader, QuirkSignedChange,
	QuirkFullwidthDigits, QuirkThousands, QuirkAnnotation, QuirkHalfwidthParens,
	QuirkQuotesStraight, QuirkQuotesNone, QuirkLabelTypo, QuirkMixedLayout, QuirkNoYearInTitle,
	QuirkTitleNoAgency, QuirkTitleGuanyu, QuirkGBKMetaOnly, QuirkGBKUndeclared, QuirkPublishedEarly,
}
