package normalize

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
)

// rawCell is one printed value cell with where it was read.
type rawCell struct {
	text  string
	page  int
	conf  float64
	flags []string
}

func rawOf(c extract.Cell, page int) rawCell {
	return rawCell{text: strings.TrimSpace(c.Text), page: page, conf: c.Confidence, flags: c.Flags}
}

// piece is a run of rows of one grid that holds (part of) one statistical table.
type piece struct {
	rows     [][]extract.Cell
	hint     cells.Table
	page     int
	fromText bool
	class    cells.Table
}

// splitPieces cuts a grid at rows that are a section heading (二、主动公开政府信息情况 etc.), so
// that one grid holding several tables yields one piece per table.
func splitPieces(t *extract.Table, hint cells.Table, fromText bool) []*piece {
	cur := &piece{hint: hint, page: t.Page, fromText: fromText}
	var out []*piece
	ocr := slices.Contains(t.Flags, FlagOCR)
	for _, row := range t.Rows {
		if ocr {
			// A table read by OCR: every cell carries the flag (copied, the document is not changed).
			cp := make([]extract.Cell, len(row))
			for j, c := range row {
				c.Flags = append(slices.Clone(c.Flags), FlagOCR)
				cp[j] = c
			}
			row = cp
		}
		texts := distinctTexts(row, 0, len(row))
		if len(texts) == 1 {
			if s := sectionOf(texts[0]); s != "" {
				if len(cur.rows) > 0 {
					out = append(out, cur)
				}
				cur = &piece{hint: s, page: t.Page, fromText: fromText}
				continue
			}
		}
		cur.rows = append(cur.rows, row)
	}
	if len(cur.rows) > 0 {
		out = append(out, cur)
	}
	return out
}

// distinctTexts returns the non-empty texts of row[from:to], one per origin cell, with
// consecutive repeats removed.
func distinctTexts(row []extract.Cell, from, to int) []string {
	var out []string
	for j := from; j < to && j < len(row); j++ {
		c := row[j]
		if c.Spanned && c.OriginCol != j && c.OriginCol >= from && c.OriginCol < j {
			continue
		}
		t := strings.TrimSpace(c.Text)
		if t == "" {
			continue
		}
		if len(out) > 0 && Fold(out[len(out)-1]) == Fold(t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// isBannerRow reports whether a row is one text spanning the whole row (a title, a 第二十条 banner).
func isBannerRow(row []extract.Cell) bool {
	if len(row) < 2 {
		return false
	}
	origins, text := 0, ""
	for _, c := range row {
		t := Fold(c.Text)
		if t == "" {
			continue
		}
		if text != "" && t != text {
			return false
		}
		text = t
		if !c.Spanned {
			origins++
		}
	}
	return origins == 1
}

// rowHasValue reports whether a row holds a number or a non-empty blank marker (/, —, 无).
func rowHasValue(row []extract.Cell) bool {
	for _, c := range row {
		if isNumeric(c.Text) || (strings.TrimSpace(c.Text) != "" && cells.IsBlankText(c.Text)) {
			return true
		}
	}
	return false
}

func rowHasNumber(row []extract.Cell) bool {
	for _, c := range row {
		if isNumeric(c.Text) {
			return true
		}
	}
	return false
}

var t4Words = []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "行政复议", "行政诉讼", "复议后起诉", "未经复议"}
var t2Words = []string{"信息内容", "第二十条", "规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "本年制发", "本年新制作", "处理决定", "政府集中采购", "现行有效", "收费金额", "上一年项目"}

// scores rates a piece as t2, t3 or t4 by its labels, with its section heading as a hint.
func (p *piece) scores() map[cells.Table]int {
	var all strings.Builder
	t3keys := map[string]bool{}
	for _, row := range p.rows {
		for _, t := range distinctTexts(row, 0, len(row)) {
			all.WriteString(Fold(t))
			all.WriteByte('|')
			if isLabelText(t) {
				if k, g := classifyT3Label(t, 0); k != "" && !g {
					t3keys[k] = true
				}
			}
		}
	}
	s := all.String()
	sc := map[cells.Table]int{cells.T3: len(t3keys)}
	for _, w := range t4Words {
		if strings.Contains(s, w) {
			sc[cells.T4]++
		}
	}
	for _, w := range t2Words {
		if strings.Contains(s, w) {
			sc[cells.T2]++
		}
	}
	if strings.Contains(s, "申请人情况") || strings.Contains(s, "自然人") {
		sc[cells.T3] += 2
	}
	if p.hint != "" {
		sc[p.hint] += 2
	}
	return sc
}

// classifyPieces sets each piece's class; a piece with few t3 labels right after a t3 piece is
// its continuation.
func classifyPieces(ps []*piece) {
	var prev cells.Table
	for _, p := range ps {
		sc := p.scores()
		best, bestScore := cells.Table(""), 0
		for _, t := range []cells.Table{cells.T3, cells.T4, cells.T2} {
			if sc[t] > bestScore {
				best, bestScore = t, sc[t]
			}
		}
		min := map[cells.Table]int{cells.T2: 3, cells.T3: 4, cells.T4: 3}
		if best == cells.T2 && !p.hasT2Header() {
			// Row names alone (行政许可, 行政处罚 …) also occur in body tables.
			best = ""
		}
		switch {
		case best != "" && bestScore >= min[best]:
			p.class = best
		case prev == cells.T3 && sc[cells.T3] >= 1 && sc[cells.T3] >= sc[cells.T4] && sc[cells.T3] >= sc[cells.T2]:
			p.class = cells.T3
		case prev == cells.T2 && sc[cells.T2] >= 1:
			p.class = cells.T2
		}
		prev = p.class
	}
}

// hasT2Header reports whether a piece holds a t2 block header or banner (信息内容, 第二十条, a
// t2 column label).
func (p *piece) hasT2Header() bool {
	for _, row := range p.rows {
		cs := distinctOrigins(row)
		if countT2ColWords(cs) > 0 {
			return true
		}
		for _, c := range cs {
			if f := Fold(c.Text); strings.Contains(f, "信息内容") || strings.Contains(f, "第二十条") {
				return true
			}
		}
	}
	return false
}

// headerRowCount returns how many leading rows of a piece are header rows: rows without a
// number that are not a labelled data row.
func headerRowCount(rows [][]extract.Cell, isDataLabel func(string) bool) int {
	for i, row := range rows {
		if rowHasNumber(row) {
			return i
		}
		// Only the row's first text is its label: a header's 总计 is not the row （七）总计.
		if ts := distinctTexts(row, 0, len(row)); len(ts) > 0 && isDataLabel(ts[0]) {
			return i
		}
	}
	return len(rows)
}

// columnPaths joins, per grid column, the header texts from top to bottom (skipping banner rows
// and vertical span copies), so that 法人或其他组织 / 商业企 / 业 reads 法人或其他组织商业企业.
func columnPaths(rows [][]extract.Cell, n int) []string {
	if len(rows) == 0 {
		return nil
	}
	w := len(rows[0])
	paths := make([]string, w)
	for j := 0; j < w; j++ {
		var b strings.Builder
		last := ""
		for i := 0; i < n && i < len(rows); i++ {
			if isBannerRow(rows[i]) || j >= len(rows[i]) {
				continue
			}
			t := Fold(rows[i][j].Text)
			if t == "" || t == last {
				continue
			}
			b.WriteString(t)
			last = t
		}
		paths[j] = b.String()
	}
	return paths
}

// t3Entry is one data row of a t3 grid.
type t3Entry struct {
	key      string // row key, "" for a group row
	group    int    // （N） group number of a group row
	label    string
	cells    []rawCell // aligned with t3Table.colKeys
	hasValue bool
	seq      int // index in t3Table.printed
}

// t3Table is a t3 read from one or more pieces: value columns with their keys and the rows.
type t3Table struct {
	colKeys  []string
	entries  []t3Entry
	fromText bool
	notes    []string
	subCol   bool
	// printed are all labelled rows in printed order, group rows included (for row realignment).
	printed []t3Entry
	// groupChecks are the t3.group_subtotal checks of dropped subtotal rows.
	groupChecks []cells.Check
}

func isT3DataLabel(t string) bool {
	if !isLabelText(t) {
		return false
	}
	k, g := classifyT3Label(t, 0)
	if k == "" || g {
		return false
	}
	_, s := bestMatch(t3RowCands, t, 0)
	return s >= 0.75
}

var t3StdCols = func() []string {
	var out []string
	for _, c := range cells.T3Cols {
		out = append(out, c.Key)
	}
	return out
}()

// t3ValueColumns decides which grid columns hold values and their keys, from the header paths or,
// failing that, from where the numbers are.
func t3ValueColumns(rows [][]extract.Cell, nh int, inherit []string) (keys []string, firstVal int, why string) {
	w := len(rows[0])
	paths := columnPaths(rows, nh)
	keys = make([]string, w)
	found := map[string]int{}
	for j, p := range paths {
		k := t3ColumnKey(p)
		if k == "" {
			continue
		}
		// A value column whose data cells are horizontal span copies repeats its neighbour.
		spanCopies := 0
		for _, row := range rows[nh:] {
			if j < len(row) && row[j].Spanned && row[j].OriginCol != j {
				spanCopies++
			}
		}
		if spanCopies > 0 && spanCopies*2 >= len(rows[nh:]) {
			continue
		}
		if _, dup := found[k]; dup {
			continue
		}
		found[k] = j
		keys[j] = k
	}
	std := 0
	for _, k := range t3StdCols {
		if _, ok := found[k]; ok {
			std++
		}
	}
	// Columns with numbers in the data rows.
	var numCols []int
	for j := 0; j < w; j++ {
		nums, labels := 0, 0
		for _, row := range rows[nh:] {
			if j >= len(row) || (row[j].Spanned && row[j].OriginCol != j) {
				continue
			}
			if isNumeric(row[j].Text) {
				nums++
			} else if labelCell(row[j]) {
				labels++
			}
		}
		if nums > 0 && nums >= labels {
			numCols = append(numCols, j)
		}
	}
	if std == 7 {
		firstVal = w
		for j, k := range keys {
			if k != "" && j < firstVal {
				firstVal = j
			}
		}
		return keys, firstVal, "header"
	}
	if len(inherit) == w {
		firstVal = w
		for j, k := range inherit {
			if k != "" && j < firstVal {
				firstVal = j
			}
		}
		return inherit, firstVal, "inherited"
	}
	// Rows whose values start in different columns do not line up with any header: read them
	// row by row.
	starts := map[int]bool{}
	for _, row := range rows[nh:] {
		last := -1
		for j, c := range row {
			if labelCell(c) {
				last = j
			}
		}
		if last >= 0 && last+1 < len(row) && rowHasNumber(row[last+1:]) {
			starts[last+1] = true
		}
	}
	if len(starts) > 1 {
		return nil, 0, fmt.Sprintf("values start in %d different columns", len(starts))
	}
	hasSubtotal := false
	for _, p := range paths {
		if strings.Contains(p, "小计") {
			hasSubtotal = true
		}
	}
	// Positional: the numeric columns, in printed order.
	keys = make([]string, w)
	switch {
	case len(numCols) == 7:
		for i, j := range numCols {
			keys[j] = t3StdCols[i]
		}
	case len(numCols) == 8 && hasSubtotal:
		order := append(append(append([]string{}, t3StdCols[:6]...), colSubtotal), "total")
		for i, j := range numCols {
			keys[j] = order[i]
		}
	default:
		return nil, 0, fmt.Sprintf("%d header columns and %d numeric columns", std, len(numCols))
	}
	return keys, numCols[0], "positional"
}

// raggedOrder returns the t3 column keys in printed order for rows that do not line up with
// the header (grids rebuilt from text): the seven standard columns, with 小计 placed where its
// header row puts it among the 法人或其他组织 columns.
func raggedOrder(rows [][]extract.Cell, nh int) []string {
	order := append([]string{}, t3StdCols...)
	for _, row := range rows[:nh] {
		var seen []string
		for _, t := range distinctTexts(row, 0, len(row)) {
			if k := t3ColumnKey(t); k != "" {
				seen = append(seen, k)
			}
		}
		i := slices.Index(seen, colSubtotal)
		if i < 0 {
			continue
		}
		pos := 6 // after 其他
		if i+1 < len(seen) && seen[i+1] == "commercial" {
			pos = 1 // before 商业企业
		}
		return slices.Insert(order, pos, colSubtotal)
	}
	return order
}

// labelCell reports whether a grid cell holds label text, for deciding where a row's values
// start. A short uncertain OCR reading (a number read as one or two Chinese characters, 55 as
// 和) is no label: counted as one, it would shift the row's numbers left. In a value column of
// a picture's grid (placed there by the ruling lines) no OCR reading counts as a label: it is a
// misread value, left unparsed and flagged.
func labelCell(c extract.Cell) bool {
	if !isLabelText(c.Text) {
		return false
	}
	return !(slices.Contains(c.Flags, FlagOCR) && slices.Contains(c.Flags, FlagLowConf) &&
		utf8.RuneCountInString(strings.TrimSpace(c.Text)) <= 2)
}

// splitLabelsValues splits a row of any shape into its label texts (up to the last label cell)
// and the value cells after them, trailing empty cells dropped.
func splitLabelsValues(row []extract.Cell, page int) ([]string, []rawCell) {
	last := -1
	for j, c := range row {
		if labelCell(c) {
			last = j
		}
	}
	labels := distinctTexts(row, 0, last+1)
	var vals []rawCell
	for j := last + 1; j < len(row); j++ {
		if row[j].Spanned && row[j].OriginCol != j && row[j].OriginCol > last {
			continue
		}
		vals = append(vals, rawOf(row[j], page))
	}
	for len(vals) > 0 && strings.TrimSpace(vals[len(vals)-1].text) == "" {
		vals = vals[:len(vals)-1]
	}
	return labels, vals
}

// readT3 reads t3 from its pieces (the first piece and its continuations).
func readT3(ps []*piece) (*t3Table, error) {
	t := &t3Table{}
	var inherit []string
	group := 0
	for _, p := range ps {
		if len(p.rows) == 0 {
			continue
		}
		t.fromText = t.fromText || p.fromText
		nh := headerRowCount(p.rows, isT3DataLabel)
		keys, firstVal, why := t3ValueColumns(p.rows, nh, inherit)
		ragged := keys == nil
		var pieceKeys []string
		if ragged {
			// Rows that do not line up: labels then values, in printed column order.
			pieceKeys = raggedOrder(p.rows, nh)
			t.notes = append(t.notes, "t3: value columns read row by row in printed order ("+why+")")
		} else {
			pieceKeys = keys[firstVal:]
			inherit = keys
			if why != "header" {
				t.notes = append(t.notes, "t3: value columns "+why)
			}
		}
		if t.colKeys == nil {
			t.colKeys = pieceKeys
		}
		if slices.Contains(pieceKeys, colSubtotal) {
			t.subCol = true
		}
		for _, row := range p.rows[nh:] {
			var labels []string
			var vals []rawCell
			mixed := ragged
			if !ragged {
				labels = distinctTexts(row, 0, firstVal)
				for j := firstVal; j < len(row); j++ {
					if labelCell(row[j]) && !(row[j].OriginCol >= firstVal && slices.Contains(row[j].Flags, FlagOCR)) {
						mixed = true
					}
					vals = append(vals, rawOf(row[j], p.page))
				}
			}
			if mixed {
				// A row of another shape: labels then values, left-aligned to the value columns.
				labels, vals = splitLabelsValues(row, p.page)
			}
			for len(vals) < len(pieceKeys) {
				vals = append(vals, rawCell{})
			}
			vals = alignCells(vals[:len(pieceKeys)], pieceKeys, t.colKeys)
			has := false
			for _, v := range vals {
				if isNumeric(v.text) {
					has = true
				}
			}
			if len(labels) == 0 {
				if has {
					t.notes = append(t.notes, "t3: a row of numbers without a label was skipped")
				}
				continue
			}
			// A repeated header row on a continuation.
			hk := 0
			for _, l := range labels {
				if t3ColumnKey(l) != "" && !isT3DataLabel(l) {
					hk++
				}
			}
			if hk >= 3 && !has {
				continue
			}
			e := t3Entry{cells: vals, hasValue: has, label: strings.Join(labels, " / ")}
			rowGroup := 0
			for _, l := range labels {
				k, isGroup := classifyT3Label(l, max(rowGroup, group))
				switch {
				case isGroup:
					rowGroup = groupNumber(k)
					e.group = rowGroup
				case k != "":
					e.key = k
				}
			}
			if e.key != "" {
				e.group = 0
				if sg := t3SubGroup(e.key); sg > 0 {
					group = sg
				} else {
					group = 0
				}
			} else if e.group > 0 {
				group = e.group
			} else {
				if has {
					t.notes = append(t.notes, "t3: row not matched: "+e.label)
				}
				continue
			}
			e.seq = len(t.printed)
			t.printed = append(t.printed, e)
			t.entries = append(t.entries, e)
		}
	}
	if len(t.entries) == 0 {
		return nil, fmt.Errorf("t3: no rows matched")
	}
	t.groupChecks = t.resolveGroups()
	if len(t.entries) == 0 {
		return nil, fmt.Errorf("t3: only group rows matched")
	}
	return t, nil
}

// alignCells re-orders cells read under keys `from` to the table's column keys `to` (a piece
// whose columns differ from the first piece's). Unkeyed columns keep their position.
func alignCells(vals []rawCell, from, to []string) []rawCell {
	if slices.Equal(from, to) {
		return vals
	}
	out := make([]rawCell, len(to))
	for j, k := range to {
		if k == "" {
			if j < len(vals) && j < len(from) && from[j] == "" {
				out[j] = vals[j]
			}
			continue
		}
		if i := slices.Index(from, k); i >= 0 && i < len(vals) {
			out[j] = vals[i]
		}
	}
	return out
}

// resolveGroups turns group rows into keys or subtotals: a group row carrying numbers above its
// numbered sub-rows is a subtotal (checked, then dropped); a （六）其他处理 row without sub-rows is
// the single `other` row.
func (t *t3Table) resolveGroups() (checks []cells.Check) {
	subs := map[int]bool{}
	for _, e := range t.entries {
		if e.key != "" {
			if g := t3SubGroup(e.key); g > 0 {
				subs[g] = true
			}
		}
	}
	var kept []t3Entry
	seen := map[string]int{}
	for _, e := range t.entries {
		if e.key == "" {
			switch {
			case e.group == 6 && !subs[6]:
				e.key = "other"
			case e.hasValue && subs[e.group]:
				checks = append(checks, t.groupSubtotalChecks(e)...)
				t.notes = append(t.notes, fmt.Sprintf("t3: subtotal row %q checked and dropped", e.label))
				continue
			default:
				continue
			}
		}
		if i, dup := seen[e.key]; dup {
			if !kept[i].hasValue && e.hasValue {
				kept[i] = e
			}
			t.notes = append(t.notes, "t3: duplicate row "+e.key+": "+e.label)
			continue
		}
		seen[e.key] = len(kept)
		kept = append(kept, e)
	}
	t.entries = kept
	return checks
}

func (t *t3Table) groupSubtotalChecks(g t3Entry) []cells.Check {
	var out []cells.Check
	for j, ck := range t.colKeys {
		if ck == "" {
			continue
		}
		v := cells.Values{}
		left := fmt.Sprintf("（%d）subtotal", g.group)
		v[left], _ = ParseValue(g.cells[j].text, false, "")
		var right []string
		for _, e := range t.entries {
			if e.key != "" && t3SubGroup(e.key) == g.group {
				k := e.key + "." + ck
				v[k], _ = ParseValue(e.cells[j].text, false, "")
				right = append(right, k)
			}
		}
		c := sumCheckValues(v, CheckIDT3GroupSubtotal, fmt.Sprintf("g%d.%s", g.group, ck), []string{left}, right)
		out = append(out, c)
	}
	return out
}

// layout detects the t3 layout from its rows.
func (t *t3Table) layout() cells.Layout {
	for _, e := range t.entries {
		switch e.key {
		case "other_no_correction", "other_unpaid_fee", "other_other":
			return cells.Gov2021
		case "other":
			return cells.Gov2019
		}
	}
	return cells.Gov2021
}

// raw returns the printed cells by full key under a column assignment.
func (t *t3Table) raw(colKeys []string, rowShift map[int]int) map[string]rawCell {
	out := map[string]rawCell{}
	for i, e := range t.entries {
		sh := rowShift[i]
		for j := range colKeys {
			src := j - sh
			if colKeys[j] == "" || src < 0 || src >= len(e.cells) {
				continue
			}
			out[cells.Key(cells.T3, e.key, colKeys[j])] = e.cells[src]
		}
	}
	return out
}

// rawRowsShifted reads the printed cells with the values of every keyed row from printed row
// from on taken from the printed row d rows below (d = 1: a label row was taken as data, so
// values sit one row late) or above (d = -1).
func (t *t3Table) rawRowsShifted(from, d int) map[string]rawCell {
	out := map[string]rawCell{}
	for _, e := range t.entries {
		src := e.cells
		if e.seq >= from {
			k := e.seq + d
			if k < 0 || k >= len(t.printed) {
				continue
			}
			src = t.printed[k].cells
		}
		for j, ck := range t.colKeys {
			if ck != "" && j < len(src) {
				out[cells.Key(cells.T3, e.key, ck)] = src[j]
			}
		}
	}
	return out
}

// t3Checks runs the identities of cells.md and the 小计 column check on printed cells.
func t3Checks(raw map[string]rawCell, l cells.Layout, rows []t3Entry) []cells.Check {
	memo := map[string]*float64{}
	v := cells.Values{}
	for k, c := range raw {
		x, ok := memo[c.text]
		if !ok {
			x, _ = ParseValue(c.text, false, "")
			memo[c.text] = x
		}
		v[k] = x
	}
	checks := cells.CheckT3(v, l)
	if hasSubtotal(raw) {
		for _, e := range rows {
			var parts []string
			for _, c := range cells.T3Cols[1:6] {
				parts = append(parts, cells.Key(cells.T3, e.key, c.Key))
			}
			checks = append(checks, sumCheckValues(v, CheckIDT3Subtotal, e.key, []string{cells.Key(cells.T3, e.key, colSubtotal)}, parts))
		}
	}
	return checks
}

func hasSubtotal(raw map[string]rawCell) bool {
	for k := range raw {
		if strings.HasSuffix(k, "."+colSubtotal) {
			return true
		}
	}
	return false
}

// sumCheckValues is cells' sum check for extra identities (subtotals).
func sumCheckValues(v cells.Values, id, column string, left, right []string) cells.Check {
	c := cells.Check{ID: id, Column: column}
	var blanks []string
	sum := func(keys []string) float64 {
		s := 0.0
		for _, k := range keys {
			x, ok := v.Get(k)
			if !ok {
				blanks = append(blanks, k)
			}
			s += x
		}
		return s
	}
	l, r := sum(left), sum(right)
	if len(blanks) > 0 {
		c.Status = cells.NotAssessable
		c.Detail = "blank: " + strings.Join(blanks, ", ")
		return c
	}
	c.Left, c.Right = l, r
	c.Status = cells.Pass
	if d := l - r; d > 1e-6 || d < -1e-6 {
		c.Status = cells.Fail
	}
	c.Detail = fmt.Sprintf("%s = %g; %s = %g", strings.Join(left, " + "), l, strings.Join(right, " + "), r)
	return c
}

func tally(cs []cells.Check) (pass, fail int) {
	for _, c := range cs {
		switch c.Status {
		case cells.Pass:
			pass++
		case cells.Fail:
			fail++
		}
	}
	return pass, fail
}

// keyLayouts lists alternative column assignments: the keys in printed order laid over the value
// columns shifted one column left or right, skipping one column (a spurious extra column), or
// missing one key (a header column with no data column).
func keyLayouts(colKeys []string) map[string][]string {
	var order []string
	first := -1
	for j, k := range colKeys {
		if k != "" {
			order = append(order, k)
			if first < 0 {
				first = j
			}
		}
	}
	out := map[string][]string{}
	lay := func(name string, start int, skipCol, skipKey int) {
		ks := make([]string, len(colKeys))
		j := start
		for i, k := range order {
			if i == skipKey {
				continue
			}
			if j == skipCol {
				j++
			}
			if j >= 0 && j < len(ks) {
				ks[j] = k
			}
			j++
		}
		out[name] = ks
	}
	if first < 0 {
		return out
	}
	lay("values shifted one column right", first+1, -1, -1)
	lay("values shifted one column left", first-1, -1, -1)
	for p := first; p < len(colKeys); p++ {
		lay(fmt.Sprintf("value column %d skipped as spurious", p+1), first, p, -1)
	}
	for q := range order {
		lay(fmt.Sprintf("header column %s has no data column", order[q]), first, -1, q)
	}
	return out
}

// t4Table is t4 read from one piece: the printed cells by key, and, where the values were read
// as one sequence in printed order, that sequence (for realignment).
type t4Table struct {
	raw      map[string]rawCell
	seq      []rawCell
	seqAll   []rawCell // seq before empty padding was dropped
	fromText bool
	notes    []string
	how      string
}

var t4Rows = []string{"review", "litigation_direct", "litigation_after_review"}

// readT4 reads t4 from a piece in any of its printed shapes: one row of 15 values under a two- or
// three-level header, three rows of five, or transposed. Each value cell is named by the words of
// its row labels and its column header path; where that fails, 15 values in printed order are
// taken as 行政复议 ×5, 未经复议直接起诉 ×5, 复议后起诉 ×5.
func readT4(p *piece) (*t4Table, error) {
	if len(p.rows) == 0 {
		return nil, fmt.Errorf("t4: empty table")
	}
	t := &t4Table{raw: map[string]rawCell{}, fromText: p.fromText}
	// Header rows end at the first row holding a number or a printed blank marker.
	nh := len(p.rows)
	for i, row := range p.rows {
		if rowHasValue(row) {
			nh = i
			break
		}
	}
	paths := columnPaths(p.rows, nh)
	w := len(p.rows[0])
	var seq []rawCell
	named := map[string]rawCell{}
	type dataRow struct {
		label string
		vals  []rawCell
	}
	var drows []dataRow
	for _, row := range p.rows[nh:] {
		if isBannerRow(row) {
			continue
		}
		drows = append(drows, dataRow{})
		dr := &drows[len(drows)-1]
		var label strings.Builder
		for j, c := range row {
			if c.Spanned && c.OriginCol != j {
				continue
			}
			if labelCell(c) {
				label.WriteString(Fold(c.Text))
				continue
			}
			if !isValueText(c.Text) && !isLabelText(c.Text) {
				continue
			}
			rc := rawOf(c, p.page)
			seq = append(seq, rc)
			dr.label = label.String()
			dr.vals = append(dr.vals, rc)
			ctx := label.String() + "|"
			if j < w {
				ctx += paths[j]
			}
			who, res := t4Who(ctx), t4Result(ctx)
			if who != "" && res != "" {
				k := cells.Key(cells.T4, who, res)
				if _, dup := named[k]; !dup {
					named[k] = rc
				}
			}
		}
	}
	t.seqAll = seq
	// Drop empty padding from the sequence: trailing, then leading, down to 15 cells.
	for len(seq) > 15 && strings.TrimSpace(seq[len(seq)-1].text) == "" {
		seq = seq[:len(seq)-1]
	}
	for len(seq) > 15 && strings.TrimSpace(seq[0].text) == "" {
		seq = seq[1:]
	}
	t.seq = seq
	// Row labels alone: rows named 行政复议 / 未经复议直接起诉 / 复议后起诉 hold the five results in
	// order; rows named by result (transposed) hold the three kinds in order.
	byRow := map[string]rawCell{}
	for _, dr := range drows {
		for len(dr.vals) > 0 && strings.TrimSpace(dr.vals[len(dr.vals)-1].text) == "" {
			dr.vals = dr.vals[:len(dr.vals)-1]
		}
		who, res := t4Who(dr.label), t4Result(dr.label)
		switch {
		case who != "" && res == "" && len(dr.vals) == 5:
			for j, c := range cells.T4Cols {
				byRow[cells.Key(cells.T4, who, c.Key)] = dr.vals[j]
			}
		case res != "" && who == "" && len(dr.vals) == 3:
			for j, w := range t4Rows {
				byRow[cells.Key(cells.T4, w, res)] = dr.vals[j]
			}
		}
	}
	switch {
	case len(named) == 15:
		t.raw, t.how = named, "labels"
	case len(byRow) == 15:
		t.raw, t.how = byRow, "row labels"
		t.notes = append(t.notes, fmt.Sprintf("t4: %d cells named by labels and headers; 15 by row labels and column order", len(named)))
	case len(seq) == 15:
		t.raw, t.how = seqToT4(seq), "positional"
		t.notes = append(t.notes, fmt.Sprintf("t4: %d cells named by labels; 15 values taken in printed order", len(named)))
	case len(named) > 0:
		t.raw, t.how = named, "labels"
		t.notes = append(t.notes, fmt.Sprintf("t4: only %d of 15 cells named by labels", len(named)))
	default:
		return nil, fmt.Errorf("t4: %d values and no labelled cells", len(seq))
	}
	return t, nil
}

// seqToT4 lays 15 printed values over the keys in printed order.
func seqToT4(seq []rawCell) map[string]rawCell {
	out := map[string]rawCell{}
	for i, r := range t4Rows {
		for j, c := range cells.T4Cols {
			if n := i*5 + j; n < len(seq) {
				out[cells.Key(cells.T4, r, c.Key)] = seq[n]
			}
		}
	}
	return out
}

func t4Checks(raw map[string]rawCell) []cells.Check {
	v := cells.Values{}
	for k, c := range raw {
		v[k], _ = ParseValue(c.text, false, "")
	}
	return cells.CheckT4(v)
}

// t2Table is t2 read from its pieces.
type t2Table struct {
	layout   cells.Layout
	raw      map[string]rawCell
	units    map[string]string // money key → header unit
	fromText bool
	notes    []string
}

// isBanner20 reports whether folded text is a 第二十条第（N）项 banner.
func isBanner20(s string) bool { return strings.Contains(s, "第二十条") }

// readT2 reads t2 blocks: banner rows 第二十条第（N）项, per-block header rows 信息内容 | column
// labels, and data rows label | values, with a different number of value columns per block.
func readT2(ps []*piece) (*t2Table, error) {
	t := &t2Table{raw: map[string]rawCell{}, units: map[string]string{}}
	// Layout from every header word.
	var all strings.Builder
	for _, p := range ps {
		t.fromText = t.fromText || p.fromText
		for _, row := range p.rows {
			for _, s := range distinctTexts(row, 0, len(row)) {
				all.WriteString(Fold(s))
				all.WriteByte('|')
			}
		}
	}
	a := all.String()
	g21 := strings.Contains(a, "本年制发") || strings.Contains(a, "本年废止") || strings.Contains(a, "现行有效") || strings.Contains(a, "收费金额")
	g19 := strings.Contains(a, "本年新制作") || strings.Contains(a, "上一年项目") || strings.Contains(a, "第二十条第(九)项") || strings.Contains(a, "对外公开总数量") || strings.Contains(a, "政府集中采购")
	switch {
	case g19 && !g21:
		t.layout = cells.Gov2019
	case g21 || !g19:
		t.layout = cells.Gov2021
	}
	if g19 && g21 {
		t.notes = append(t.notes, "t2: labels of both layouts; read as gov2021")
	}
	spec, _ := cells.SpecFor(cells.T2, t.layout)
	cands := t2RowCands(t.layout)
	tableUnit := "" // a 单位：万元 row of the table, for money headers that state no unit
	for _, p := range ps {
		var header []string // column labels of the current block
		// headerAt is where the current block's column labels start among the header row's
		// cells (after 信息内容), -1 when the row just read is not a header row.
		headerAt, headerWidth := -1, 0
		for _, row := range p.rows {
			cellsOf := distinctOrigins(row)
			if len(cellsOf) == 0 {
				continue
			}
			first := strings.TrimSpace(cellsOf[0].Text)
			// A header cut over two rows (a page break through the header, which PDF writers
			// rule as two rows): a row right below the header, without numbers or a row label,
			// of no more cells, continues each column's label (上一年 / 项目数量).
			ff := Fold(first)
			if at := headerAt; at >= 0 && !rowHasNumber(row) && len(cellsOf) <= headerWidth && len(cellsOf) > at &&
				!isT2Row(cands, first) && !strings.Contains(ff, "信息内容") && !isBanner20(ff) && !strings.Contains(ff, "单位") {
				for i, c := range cellsOf[at:] {
					if txt := strings.TrimSpace(c.Text); txt != "" && !c.Spanned && i < len(header) {
						header[i] += "\n" + txt
					}
				}
				continue
			}
			headerAt = -1
			if len(cellsOf) == 1 && strings.Contains(Fold(first), "单位") {
				tableUnit = UnitFromHeader(first)
				continue
			}
			if len(cellsOf) == 1 && isBanner20(Fold(first)) {
				header = nil
				continue
			}
			if strings.Contains(Fold(first), "信息内容") || (!rowHasNumber(row) && countT2ColWords(cellsOf) >= 1 && !isT2Row(cands, first)) {
				header = nil
				start := 1
				if !strings.Contains(Fold(first), "信息内容") {
					start = 0
				}
				for _, c := range cellsOf[start:] {
					header = append(header, c.Text)
				}
				headerAt, headerWidth = start, len(cellsOf)
				continue
			}
			key, _ := bestMatch(cands, first, 0)
			if key == "" {
				continue
			}
			r, _ := spec.Row(key)
			vals := cellsOf[1:]
			for i, v := range vals {
				var ck string
				if len(header) == len(vals) {
					ck = t2ColumnKey(header[i], r.Cols)
				}
				if ck == "" && i < len(r.Cols) && (len(header) != len(vals) || len(header) == 0) {
					ck = r.Cols[i].Key
				}
				if ck == "" {
					continue
				}
				k := cells.Key(cells.T2, key, ck)
				if _, dup := t.raw[k]; dup {
					continue
				}
				t.raw[k] = rawOf(v, p.page)
				if cells.IsMoney(ck) {
					if i < len(header) {
						t.units[k] = UnitFromHeader(header[i])
					}
					if t.units[k] == "" {
						t.units[k] = tableUnit
					}
				}
			}
			// A row printed with empty cells at its end (规章 | &nbsp; | &nbsp; | &nbsp;): the
			// grid has the positions, so they are printed blanks, not cells never found.
			if !p.fromText && len(vals) < len(r.Cols) && len(row)-1 >= len(r.Cols) {
				for _, c := range r.Cols {
					if k := cells.Key(cells.T2, key, c.Key); !hasKey(t.raw, k) {
						t.raw[k] = rawCell{page: p.page}
					}
				}
			}
		}
	}
	if len(t.raw) == 0 {
		return nil, fmt.Errorf("t2: no rows matched")
	}
	return t, nil
}

func hasKey(m map[string]rawCell, k string) bool {
	_, ok := m[k]
	return ok
}

// distinctOrigins returns the origin cells of a row (span copies left out), empty ones included
// only between non-empty ones.
func distinctOrigins(row []extract.Cell) []extract.Cell {
	var out []extract.Cell
	for j, c := range row {
		if c.Spanned && c.OriginCol != j {
			continue
		}
		out = append(out, c)
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1].Text) == "" {
		out = out[:len(out)-1]
	}
	return out
}

var t2ColWords = []string{"本年制发", "本年废止", "现行有效", "处理决定", "收费金额", "本年新制作", "本年新公开", "对外公开总数", "上一年项目", "本年增", "采购项目", "采购总金额"}

func countT2ColWords(cs []extract.Cell) int {
	n := 0
	for _, c := range cs {
		f := Fold(c.Text)
		for _, w := range t2ColWords {
			if strings.Contains(f, w) {
				n++
				break
			}
		}
	}
	return n
}

func isT2Row(cands []labelMatch, s string) bool {
	k, _ := bestMatch(cands, s, 0)
	return k != ""
}
