package htmlsite

import (
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/store"
)

// tableView is one statistical table ready for the template, laid out as printed.
type tableView struct {
	ID, ZH, EN string
	// Layout is the detected layout; Missing is true when the report has no such table.
	Layout  string
	Missing bool
	// Unkeyed is true when the layout has no keys yet (gov2014, provincial).
	Unkeyed bool
	Head    [][]headCell
	Rows    []rowView
}

// headCell is one header cell with its spans.
type headCell struct {
	ZH, EN           string
	Colspan, Rowspan int
}

// rowView is one printed row: a banner spanning the table (Banner), a repeated header (Head),
// or a labelled row of cells.
type rowView struct {
	Banner  bool
	Head    []headCell
	ZH, EN  string
	Colspan int
	Cells   []cellView
}

// cellView is one cell as printed: its text (value_text, blank kept blank) and its key.
type cellView struct {
	Key, Text string
	// Blank is true when the cell is blank (NULL value); Missing when no cell was stored.
	Blank, Missing bool
	// Title explains the cell on hover: its flags ("" when it has none).
	Title string
}

func cellOf(cs map[string]store.CellRow, key string) cellView {
	c, ok := cs[key]
	if !ok {
		return cellView{Key: key, Missing: true, Title: "not recorded"}
	}
	title := strings.Join(c.Flags, ", ")
	return cellView{Key: key, Text: c.ValueText, Blank: c.Value == nil, Title: title}
}

var tableNames = map[cells.Table][2]string{
	cells.T2: {"二、主动公开政府信息情况", "proactive disclosure"},
	cells.T3: {"三、收到和处理政府信息公开申请情况", "requests received and processed"},
	cells.T4: {"四、政府信息公开行政复议、行政诉讼情况", "administrative review and litigation"},
}

// buildTables lays out tables 二, 三 and 四 of one report as printed.
func buildTables(r store.ReportRow, cs map[string]store.CellRow) []tableView {
	return []tableView{
		buildT2(cells.Layout(r.LayoutT2), cs),
		buildT3(cells.Layout(r.LayoutT3), cs),
		buildT4(cells.Layout(r.LayoutT4), cs),
	}
}

func newTable(t cells.Table, l cells.Layout) (tableView, cells.Spec, bool) {
	n := tableNames[t]
	tv := tableView{ID: string(t), ZH: n[0], EN: n[1], Layout: string(l)}
	if l == cells.Unknown {
		tv.Missing = true
		return tv, cells.Spec{}, false
	}
	spec, ok := cells.SpecFor(t, l)
	if !ok {
		tv.Unkeyed = true
		return tv, spec, false
	}
	return tv, spec, true
}

// buildT2 prints table 二: a banner per 第二十条 item and a header row each time the columns
// change, as in the format notices.
func buildT2(l cells.Layout, cs map[string]store.CellRow) tableView {
	tv, spec, ok := newTable(cells.T2, l)
	if !ok {
		return tv
	}
	width := 1
	for _, r := range spec.Rows {
		width = max(width, len(r.Cols)+1)
	}
	var group string
	var prevCols []cells.Col
	for _, r := range spec.Rows {
		newGroup := r.Group != group
		if newGroup {
			tv.Rows = append(tv.Rows, rowView{Banner: true, ZH: r.Group, Colspan: width})
			group = r.Group
		}
		if newGroup || !sameCols(prevCols, r.Cols) {
			h := []headCell{{ZH: "信息内容", EN: "content"}}
			for i, c := range r.Cols {
				hc := headCell{ZH: c.Label, EN: c.English}
				if i == len(r.Cols)-1 {
					hc.Colspan = width - len(r.Cols)
				}
				h = append(h, hc)
			}
			tv.Rows = append(tv.Rows, rowView{Head: h})
			prevCols = r.Cols
		}
		row := rowView{ZH: r.Label, EN: r.English}
		for _, c := range r.Cols {
			row.Cells = append(row.Cells, cellOf(cs, cells.Key(cells.T2, r.Key, c.Key)))
		}
		if pad := width - 1 - len(r.Cols); pad > 0 {
			row.Colspan = pad + 1 // the last cell spans the rest
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

func sameCols(a, b []cells.Col) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// buildT3 prints table 三 under its two-level applicant header, with the group labels
// (三、本年度办理结果, （三）不予公开 …) as banner rows.
func buildT3(l cells.Layout, cs map[string]store.CellRow) tableView {
	tv, spec, ok := newTable(cells.T3, l)
	if !ok {
		return tv
	}
	tv.Head = [][]headCell{
		{{ZH: "申请人情况", EN: "applicants", Rowspan: 2}, {ZH: "自然人", EN: "natural persons", Rowspan: 2},
			{ZH: "法人或其他组织", EN: "legal persons or other organisations", Colspan: 5}, {ZH: "总计", EN: "total", Rowspan: 2}},
		nil,
	}
	for _, c := range cells.T3Cols[1:6] {
		tv.Head[1] = append(tv.Head[1], headCell{ZH: c.Label, EN: c.English})
	}
	var group string
	seen := map[string]bool{}
	for _, r := range spec.Rows {
		if r.Group != "" && r.Group != group && !seen[r.Group] {
			// 三、本年度办理结果 heads the result groups; print it once, before （一）.
			tv.Rows = append(tv.Rows, rowView{Banner: true, ZH: r.Group, Colspan: len(cells.T3Cols) + 1})
			seen[r.Group] = true
		}
		group = r.Group
		row := rowView{ZH: r.Label, EN: r.English}
		for _, c := range cells.T3Cols {
			row.Cells = append(row.Cells, cellOf(cs, cells.Key(cells.T3, r.Key, c.Key)))
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

// buildT4 prints table 四 as one data row of 15 cells under its three-level header.
func buildT4(l cells.Layout, cs map[string]store.CellRow) tableView {
	tv, spec, ok := newTable(cells.T4, l)
	if !ok {
		return tv
	}
	tv.Head = [][]headCell{
		{{ZH: "行政复议", EN: "administrative review", Colspan: 5, Rowspan: 2}, {ZH: "行政诉讼", EN: "litigation", Colspan: 10}},
		{{ZH: "未经复议直接起诉", EN: "without prior review", Colspan: 5}, {ZH: "复议后起诉", EN: "after review", Colspan: 5}},
		nil,
	}
	row := rowView{}
	for _, r := range spec.Rows {
		for _, c := range r.Cols {
			tv.Head[2] = append(tv.Head[2], headCell{ZH: c.Label, EN: c.English})
			row.Cells = append(row.Cells, cellOf(cs, cells.Key(cells.T4, r.Key, c.Key)))
		}
	}
	tv.Rows = []rowView{row}
	return tv
}
