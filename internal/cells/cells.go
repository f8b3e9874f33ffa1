// Package cells owns the data contract of ../shared/spec/cells.md as code: the layouts, the
// tables, their rows and columns with Chinese labels, the full cell keys
// (`t3.new_received.total`), the blank markers and the identities. Every other package (the
// extractor, the store, the exports, the codebook and the tests) takes keys and labels from here
// and nowhere else, so that a key never changes meaning.
package cells

import "strings"

// Layout identifies the State Council format a table follows.
type Layout string

// The layouts of cells.md. gov2014 and provincial have no keys yet.
const (
	Gov2021    Layout = "gov2021"
	Gov2019    Layout = "gov2019"
	Gov2014    Layout = "gov2014"
	Provincial Layout = "provincial"
	// Unknown is recorded for a table whose layout could not be detected.
	Unknown Layout = ""
)

// Table identifies one of the three statistical tables.
type Table string

// The three tables.
const (
	T2 Table = "t2"
	T3 Table = "t3"
	T4 Table = "t4"
)

// Row is one keyed row of a table: its key, its canonical Chinese label, an English label and
// label variants seen in real reports (before folding; see Fold).
type Row struct {
	Key      string
	Label    string
	English  string
	Variants []string
	// Group is the printed group label (（三）不予公开 etc.) that a row sits under, if any.
	Group string
	// Cols lists the column keys of this row. For t3 and t4 every row shares the table's columns.
	Cols []Col
}

// Col is one keyed column with its Chinese label, English label and unit.
type Col struct {
	Key     string
	Label   string
	English string
	// Unit is "count", "change" (signed count) or "10k_yuan" (money in 万元).
	Unit string
}

// Spec is the set of rows of one table in one layout.
type Spec struct {
	Table  Table
	Layout Layout
	Rows   []Row
}

// Key returns the full cell key `table.row.col`.
func Key(t Table, row, col string) string { return string(t) + "." + row + "." + col }

// SplitKey splits a full key into table, row and column. ok is false for a malformed key.
func SplitKey(key string) (t Table, row, col string, ok bool) {
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		return "", "", "", false
	}
	return Table(parts[0]), parts[1], parts[2], true
}

// IsMoney reports whether a column key holds money normalised to 万元.
func IsMoney(colKey string) bool { return strings.HasSuffix(colKey, "_10k_yuan") }

var (
	colIssued   = Col{"issued", "本年制发件数", "issued this year", "count"}
	colRepealed = Col{"repealed", "本年废止件数", "repealed this year", "count"}
	colInForce  = Col{"in_force", "现行有效件数", "in force", "count"}
	colDecision = Col{"decisions", "本年处理决定数量", "decisions this year", "count"}
	colFeeMoney = Col{"amount_10k_yuan", "本年收费金额（单位：万元）", "fees collected (10k yuan)", "10k_yuan"}

	colMade        = Col{"made", "本年新制作数量", "newly made this year", "count"}
	colPublished   = Col{"published", "本年新公开数量", "newly published this year", "count"}
	colTotalPublic = Col{"total_public", "对外公开总数量", "total made public", "count"}
	colPrevItems   = Col{"prev_items", "上一年项目数量", "items in previous year", "count"}
	colChange      = Col{"change", "本年增/减", "change this year", "change"}
	colDecision19  = Col{"decisions", "处理决定数量", "decisions", "count"}
	colProcItems   = Col{"items", "采购项目数量", "procurement items", "count"}
	colProcMoney   = Col{"amount_10k_yuan", "采购总金额", "procurement total (10k yuan)", "10k_yuan"}
)

// T3Cols are the applicant columns of table 三, in printed order.
var T3Cols = []Col{
	{"natural_person", "自然人", "natural persons", "count"},
	{"commercial", "商业企业", "commercial enterprises", "count"},
	{"research", "科研机构", "research institutions", "count"},
	{"social_welfare", "社会公益组织", "social welfare organisations", "count"},
	{"legal_service", "法律服务机构", "legal service organisations", "count"},
	{"other_org", "其他", "other organisations", "count"},
	{"total", "总计", "total", "count"},
}

// T4Cols are the result columns of table 四, in printed order.
var T4Cols = []Col{
	{"upheld", "结果维持", "upheld", "count"},
	{"corrected", "结果纠正", "corrected", "count"},
	{"other", "其他结果", "other result", "count"},
	{"pending", "尚未审结", "pending", "count"},
	{"total", "总计", "total", "count"},
}

// T2Gov2021 is table 二 in the gov2021 layout (10 cells).
var T2Gov2021 = Spec{T2, Gov2021, []Row{
	{Key: "regulations", Label: "规章", English: "regulations", Group: "第二十条第（一）项", Cols: []Col{colIssued, colRepealed, colInForce}},
	{Key: "normative_documents", Label: "行政规范性文件", English: "normative documents", Variants: []string{"规范性文件"}, Group: "第二十条第（一）项", Cols: []Col{colIssued, colRepealed, colInForce}},
	{Key: "licensing", Label: "行政许可", English: "administrative licensing", Group: "第二十条第（五）项", Cols: []Col{colDecision}},
	{Key: "penalty", Label: "行政处罚", English: "administrative penalties", Group: "第二十条第（六）项", Cols: []Col{colDecision}},
	{Key: "coercion", Label: "行政强制", English: "administrative coercion", Group: "第二十条第（六）项", Cols: []Col{colDecision}},
	{Key: "fees", Label: "行政事业性收费", English: "administrative fees", Group: "第二十条第（八）项", Cols: []Col{colFeeMoney}},
}}

// T2Gov2019 is table 二 in the gov2019 layout (22 cells).
var T2Gov2019 = Spec{T2, Gov2019, []Row{
	{Key: "regulations", Label: "规章", English: "regulations", Group: "第二十条第（一）项", Cols: []Col{colMade, colPublished, colTotalPublic}},
	{Key: "normative_documents", Label: "规范性文件", English: "normative documents", Variants: []string{"行政规范性文件"}, Group: "第二十条第（一）项", Cols: []Col{colMade, colPublished, colTotalPublic}},
	{Key: "licensing", Label: "行政许可", English: "administrative licensing", Group: "第二十条第（五）项", Cols: []Col{colPrevItems, colChange, colDecision19}},
	{Key: "other_services", Label: "其他对外管理服务事项", English: "other external management services", Group: "第二十条第（五）项", Cols: []Col{colPrevItems, colChange, colDecision19}},
	{Key: "penalty", Label: "行政处罚", English: "administrative penalties", Group: "第二十条第（六）项", Cols: []Col{colPrevItems, colChange, colDecision19}},
	{Key: "coercion", Label: "行政强制", English: "administrative coercion", Group: "第二十条第（六）项", Cols: []Col{colPrevItems, colChange, colDecision19}},
	{Key: "fees", Label: "行政事业性收费", English: "administrative fee items", Group: "第二十条第（八）项", Cols: []Col{colPrevItems, colChange}},
	{Key: "procurement", Label: "政府集中采购", English: "government centralised procurement", Group: "第二十条第（九）项", Cols: []Col{colProcItems, colProcMoney}},
}}

// t3RowsCommon are the t3 rows shared by both layouts, before the （六） rows.
var t3RowsHead = []Row{
	{Key: "new_received", Label: "一、本年新收政府信息公开申请数量", English: "new requests received this year"},
	{Key: "carried_over", Label: "二、上年结转政府信息公开申请数量", English: "requests carried over from last year"},
	{Key: "granted", Label: "（一）予以公开", English: "granted", Group: "三、本年度办理结果"},
	{Key: "partly_granted", Label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", English: "partly granted", Group: "三、本年度办理结果", Variants: []string{"（二）部分公开"}},
	{Key: "denied_state_secret", Label: "1.属于国家秘密", English: "denied: state secret", Group: "（三）不予公开"},
	{Key: "denied_law_prohibited", Label: "2.其他法律行政法规禁止公开", English: "denied: prohibited by other laws", Group: "（三）不予公开", Variants: []string{"2.其他法律行政止公开", "2.其他法律法规禁止公开", "2.其他法律、行政法规禁止公开"}},
	{Key: "denied_three_safeties", Label: "3.危及“三安全一稳定”", English: "denied: endangers the three safeties and stability", Group: "（三）不予公开", Variants: []string{"3.危及三安全一稳定"}},
	{Key: "denied_third_party", Label: "4.保护第三方合法权益", English: "denied: protects third-party rights", Group: "（三）不予公开"},
	{Key: "denied_internal_affairs", Label: "5.属于三类内部事务信息", English: "denied: internal affairs", Group: "（三）不予公开"},
	{Key: "denied_process_info", Label: "6.属于四类过程性信息", English: "denied: process information", Group: "（三）不予公开"},
	{Key: "denied_enforcement_file", Label: "7.属于行政执法案卷", English: "denied: enforcement case file", Group: "（三）不予公开"},
	{Key: "denied_inquiry", Label: "8.属于行政查询事项", English: "denied: administrative inquiry matter", Group: "（三）不予公开"},
	{Key: "unable_not_held", Label: "1.本机关不掌握相关政府信息", English: "unable: not held", Group: "（四）无法提供"},
	{Key: "unable_needs_creation", Label: "2.没有现成信息需要另行制作", English: "unable: would need to be created", Group: "（四）无法提供"},
	{Key: "unable_unclear", Label: "3.补正后申请内容仍不明确", English: "unable: still unclear after correction", Group: "（四）无法提供"},
	{Key: "rejected_petition", Label: "1.信访举报投诉类申请", English: "not processed: petitions and complaints", Group: "（五）不予处理"},
	{Key: "rejected_duplicate", Label: "2.重复申请", English: "not processed: duplicate", Group: "（五）不予处理"},
	{Key: "rejected_publication", Label: "3.要求提供公开出版物", English: "not processed: asks for publications", Group: "（五）不予处理"},
	{Key: "rejected_excessive", Label: "4.无正当理由大量反复申请", English: "not processed: excessive repeated requests", Group: "（五）不予处理"},
	{Key: "rejected_confirmation", Label: "5.要求行政机关确认或重新出具已获取信息", English: "not processed: asks to confirm or reissue information", Group: "（五）不予处理"},
}

var t3RowsOther3 = []Row{
	{Key: "other_no_correction", Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", English: "other: applicant did not correct in time", Group: "（六）其他处理"},
	{Key: "other_unpaid_fee", Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", English: "other: applicant did not pay fee", Group: "（六）其他处理"},
	{Key: "other_other", Label: "3.其他", English: "other: other", Group: "（六）其他处理"},
}

var t3RowOther1 = Row{Key: "other", Label: "（六）其他处理", English: "other handling (single row)", Group: "三、本年度办理结果"}

var t3RowsTail = []Row{
	{Key: "total_processed", Label: "（七）总计", English: "total processed", Group: "三、本年度办理结果"},
	{Key: "carried_forward", Label: "四、结转下年度继续办理", English: "carried forward to next year"},
}

func withCols(rows []Row, cols []Col) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Cols = cols
		out[i] = r
	}
	return out
}

func concatRows(parts ...[]Row) []Row {
	var out []Row
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// T3Gov2021 is table 三 with the three （六） rows (25 rows, 175 cells).
var T3Gov2021 = Spec{T3, Gov2021, withCols(concatRows(t3RowsHead, t3RowsOther3, t3RowsTail), T3Cols)}

// T3Gov2019 is table 三 with the single （六）其他处理 row (23 rows, 161 cells). Real gov2021-era
// reports that print the single row are recorded with this layout for t3.
var T3Gov2019 = Spec{T3, Gov2019, withCols(concatRows(t3RowsHead, []Row{t3RowOther1}, t3RowsTail), T3Cols)}

// T4Spec is table 四, the same in both layouts (15 cells).
var T4Spec = Spec{T4, Gov2021, withCols([]Row{
	{Key: "review", Label: "行政复议", English: "administrative review"},
	{Key: "litigation_direct", Label: "未经复议直接起诉", English: "litigation without prior review", Group: "行政诉讼", Variants: []string{"未经复议直接诉讼"}},
	{Key: "litigation_after_review", Label: "复议后起诉", English: "litigation after review", Group: "行政诉讼"},
}, T4Cols)}

// Specs returns every keyed table spec: t2 and t3 in both layouts, and t4.
func Specs() []Spec {
	return []Spec{T2Gov2021, T2Gov2019, T3Gov2021, T3Gov2019, T4Spec}
}

// SpecFor returns the spec of table t in layout l. t4 has one spec for both layouts.
func SpecFor(t Table, l Layout) (Spec, bool) {
	if t == T4 && (l == Gov2019 || l == Gov2021) {
		s := T4Spec
		s.Layout = l
		return s, true
	}
	for _, s := range Specs() {
		if s.Table == t && s.Layout == l {
			return s, true
		}
	}
	return Spec{}, false
}

// Keys returns the full keys of a spec, row-major in printed order.
func (s Spec) Keys() []string {
	var out []string
	for _, r := range s.Rows {
		for _, c := range r.Cols {
			out = append(out, Key(s.Table, r.Key, c.Key))
		}
	}
	return out
}

// Row returns the row with the given key.
func (s Spec) Row(key string) (Row, bool) {
	for _, r := range s.Rows {
		if r.Key == key {
			return r, true
		}
	}
	return Row{}, false
}

// KeyInfo describes one full key for codebooks: labels, unit and the layouts where it exists.
type KeyInfo struct {
	Key     string
	Table   Table
	Row     Row
	Col     Col
	Layouts []Layout
	// LabelZH is "row label / column label" in Chinese; LabelEN the same in English.
	LabelZH string
	LabelEN string
}

// AllKeys returns every full key of every layout once, in a stable order (t2 gov2021, t2
// gov2019-only, t3, t4), with the layouts in which it exists.
func AllKeys() []KeyInfo {
	var out []KeyInfo
	idx := map[string]int{}
	for _, s := range []Spec{T2Gov2021, T2Gov2019, T3Gov2021, T3Gov2019, T4Spec} {
		layouts := []Layout{s.Layout}
		if s.Table == T4 {
			layouts = []Layout{Gov2019, Gov2021}
		}
		for _, r := range s.Rows {
			for _, c := range r.Cols {
				k := Key(s.Table, r.Key, c.Key)
				if i, ok := idx[k]; ok {
					out[i].Layouts = append(out[i].Layouts, layouts...)
					continue
				}
				idx[k] = len(out)
				out = append(out, KeyInfo{
					Key: k, Table: s.Table, Row: r, Col: c,
					Layouts: append([]Layout(nil), layouts...),
					LabelZH: r.Label + " / " + c.Label,
					LabelEN: r.English + " / " + c.English,
				})
			}
		}
	}
	return out
}

// BlankMarkers are the printed forms of a blank cell (after trimming spaces): NULL, never 0.
var BlankMarkers = []string{"", "/", "-", "—", "——", "－", "无", "\u00a0", "&nbsp;", "--", "―", "─"}

// IsBlankText reports whether printed cell text means blank.
func IsBlankText(s string) bool {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	s = strings.ReplaceAll(s, "\u3000", "")
	for _, m := range BlankMarkers {
		if s == m {
			return true
		}
	}
	return false
}
