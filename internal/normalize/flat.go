package normalize

// flat.go: rebuilding tables 二, 三 and 四 as dense grids from a report whose tables were
// flattened to text (web pages copied as text, PDF/Word converters that drop the table grid).
//
// The text is read as a stream of tokens: a line is split into a label part and trailing value
// parts (numbers, signed changes, money with a unit, blank markers such as / and —); lines with
// tabs or "|" are split on those separators, where an empty cell is kept as a blank value, and
// a blank text block (extract.Text's mark of a cell printed empty: an &nbsp; line, or the extra
// empty lines of double-spaced text) is a blank value too. A run of blank values between a
// header or group label and the next label is an empty header or corner cell and is dropped;
// blanks with no row to hold them are dropped. This
// covers one cell per line, one row per line ("一、本年新收政府信息公开申请数量 92 5 0 0 0 0 97"),
// and mixtures of both.
//
// Sections are found by their headings (二、主动公开政府信息情况, 三、收到和处理政府信息公开申请情况,
// 四、…行政复议、行政诉讼情况), or failing that by their first header or row words. Inside a
// section, the header words before the first row label give the number of value columns,
// recognised by meaning (商业 / 企业 broken over two lines is one column), and each row label
// takes that many values. Label lines with no values are group labels (三、本年度办理结果,
// （三）不予公开) and are written in the first cell of the rows below them; a long label broken
// over lines is joined when the joined text is a known row label.
//
// The grids have the shape of the printed tables, so that the grid normalizer reads them like
// HTML tables: t2 as blocks of banner row / 信息内容 header / rows, a short row's last value
// spanning to the grid width; t3 as a two-level header (自然人 | 法人或其他组织 › 商业企业 … 其他 |
// 总计) and rows [group, label, values…]; t4 as a header of the five results and three rows
// 行政复议 / 未经复议直接起诉 / 复议后起诉 (a single run of 15 values is split in printed
// order; a transposed text is turned back). Value texts are kept verbatim. Every table carries
// the flag "from_text". A section that already has a real grid in the document is skipped.

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
)

// Extra table flags set by TablesFromText besides FlagFromText.
const (
	// FlagTextRowPadded marks a table where a row had fewer values than columns (padded with
	// empty cells).
	FlagTextRowPadded = "from_text_row_padded"
	// FlagTextExtraValues marks a table where values were left over after a row's columns.
	FlagTextExtraValues = "from_text_extra_values"
	// FlagTextHeaderMismatch marks a table whose header column count differed from the rows'
	// value count (the rows' count was used).
	FlagTextHeaderMismatch = "from_text_header_mismatch"
)

// flatTok is one token of flattened text: a label or a value.
type flatTok struct {
	text  string // as printed (trimmed)
	core  string // folded, item marks and punctuation removed (labels only)
	fold  string // folded with punctuation kept (labels only)
	value bool
}

// blank reports a blank value: an empty cell or a blank line.
func (t flatTok) blank() bool { return t.value && t.text == "" }

// TablesFromText rebuilds tables 二, 三 and 四 as dense grids from the text blocks of a report
// whose tables were flattened to text. It returns the tables found, in the order t2, t3, t4, each
// flagged "from_text"; a table whose section already has a real grid in the document is not
// rebuilt. It returns nil when no table could be rebuilt.
func TablesFromText(doc *extract.Document) []*extract.Table {
	if doc == nil {
		return nil
	}
	has := gridSections(doc)
	toks := flatTokens(flatDocLines(doc))
	if len(toks) == 0 {
		return nil
	}
	h2, h3, h4, hEnd := flatHeadings(toks)
	var out []*extract.Table
	if !has[cells.T2] {
		start, end := flatRange(toks, h2, []int{h3, h4, hEnd}, flatIsT2Start, flatIsT3Start, flatIsT4Start)
		if start >= 0 {
			if t := flatT2(toks[start:end]); t != nil {
				out = append(out, t)
			}
		}
	}
	if !has[cells.T3] {
		start, end := flatRange(toks, h3, []int{h4, hEnd}, flatIsT3Start, flatIsT4Start)
		if start >= 0 {
			if t := flatT3(toks[start:end]); t != nil {
				out = append(out, t)
			}
		}
	}
	if !has[cells.T4] {
		start, end := flatRange(toks, h4, []int{hEnd}, flatIsT4Start)
		if start >= 0 {
			if t := flatT4(toks[start:end]); t != nil {
				out = append(out, t)
			}
		}
	}
	return out
}

// flatDocLines returns the trimmed lines of the document's text blocks, in order, with "" for a
// blank text block (Text "", a blank position, see extract.Text) and no entry for a line of
// white space.
func flatDocLines(doc *extract.Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind != extract.TextBlock {
			continue
		}
		if b.Text == "" {
			out = append(out, "")
			continue
		}
		for _, l := range strings.Split(b.Text, "\n") {
			// Tabs stay: at the ends of a tab-separated row they delimit empty cells.
			if l = strings.TrimFunc(l, func(r rune) bool { return r != '\t' && flatIsSpace(r) }); strings.TrimFunc(l, flatIsSpace) != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// flatIsSpace reports white space, U+00A0 and U+3000 included.
func flatIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\ufeff' || r == '\u200b'
}

// gridSections tells which tables already have a real grid among the document's table blocks.
func gridSections(doc *extract.Document) map[cells.Table]bool {
	has := map[cells.Table]bool{}
	for _, b := range doc.Blocks {
		if b.Kind != extract.TableBlock || b.Table == nil || len(b.Table.Rows) < 2 {
			continue
		}
		f := titleFold(b.Table.Text())
		if strings.Contains(f, "本年制发件数") || strings.Contains(f, "本年新制作数量") ||
			strings.Contains(f, "第二十条") || strings.Contains(f, "行政许可") {
			has[cells.T2] = true
		}
		if strings.Contains(f, "本年新收") || strings.Contains(f, "予以公开") || strings.Contains(f, "申请人情况") {
			has[cells.T3] = true
		}
		if strings.Contains(f, "结果维持") || strings.Contains(f, "尚未审结") {
			has[cells.T4] = true
		}
	}
	return has
}

// flatValueRe matches a printed value: a count, a signed change, a decimal, money or a count
// with its unit, or a number with an annotation in brackets: 22（其中修订16件）.
var flatValueRe = regexp.MustCompile(`^[+\-−]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?\s*(?:万元|元|件次|件|个|项|条|次|人次)?(?:[(（][^()（）]*[)）])?$`)

// flatIsValue reports whether a token is a value (number or blank marker).
func flatIsValue(s string) bool {
	if cells.IsBlankText(s) && strings.TrimSpace(s) != "" {
		return true
	}
	f := strings.TrimSpace(titleFoldKeepSpace(s))
	return f != "" && flatValueRe.MatchString(f)
}

// titleFoldKeepSpace folds full-width forms but keeps spaces.
func titleFoldKeepSpace(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// flatSepRe splits a line on tabs, vertical bars and box-drawing bars.
var flatSepRe = regexp.MustCompile(`[ \x{3000}]*[\t|｜│┃][ \x{3000}]*`)

// flatPageRe matches page numbers and running footers that converters leave between rows.
var flatPageRe = regexp.MustCompile(`^(?:[-—–]+[0-9]+[-—–]+|第[0-9]+页(?:[,，]?共[0-9]+页)?|[0-9]+/[0-9]+)$`)

// flatTokens turns text lines into label and value tokens. An empty line ("", a blank text
// block) is a blank value. A line with tabs or bars is split into cells: border bars at its
// ends are not cells, an empty cell is a blank value (a header's empty cells are dropped later,
// by flatDropHeaderBlanks), except empty cells before a label, which are indentation or an
// empty label column.
func flatTokens(lines []string) []flatTok {
	var out []flatTok
	for _, l := range lines {
		if l == "" {
			out = append(out, flatTok{value: true})
			continue
		}
		if flatPageRe.MatchString(titleFold(l)) {
			continue
		}
		if !strings.ContainsAny(l, "\t|｜│┃") {
			out = append(out, flatSplitSpaces(l)...)
			continue
		}
		l = strings.Trim(l, " \u3000")
		if t := strings.TrimLeft(l, " \t\u3000"); t != "" && strings.ContainsRune("|｜│┃", []rune(t)[0]) {
			_, size := utf8.DecodeRuneInString(t)
			l = t[size:]
		}
		if t := strings.TrimRight(l, " \t\u3000"); t != "" {
			if r, size := utf8.DecodeLastRuneInString(t); strings.ContainsRune("|｜│┃", r) {
				l = t[:len(t)-size]
			}
		}
		parts := flatSepRe.Split(l, -1)
		var line []flatTok
		for _, p := range parts {
			toks := flatSplitSpaces(strings.TrimSpace(p))
			if len(toks) == 0 {
				toks = []flatTok{{value: true}}
			}
			line = append(line, toks...)
		}
		if i := slices.IndexFunc(line, func(t flatTok) bool { return !t.blank() }); i > 0 && !line[i].value {
			line = line[i:]
		}
		out = append(out, line...)
	}
	return out
}

// flatDropHeaderBlanks drops the blank values that are empty header or corner cells: a run of
// blanks at the start of a section, or after a label that is not a row label (isRow, given the
// tokens kept so far), when a label or the end follows. Blanks after a row label (an all-blank
// row) or after values (the empty cells ending a row) stay.
func flatDropHeaderBlanks(toks []flatTok, isRow func(kept []flatTok) bool) []flatTok {
	out := make([]flatTok, 0, len(toks))
	for i := 0; i < len(toks); {
		if !toks[i].blank() {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].blank() {
			j++
		}
		drop := false
		if j == len(toks) || !toks[j].value {
			drop = len(out) == 0 || (!out[len(out)-1].value && !isRow(out))
		}
		if !drop {
			out = append(out, toks[i:j]...)
		}
		i = j
	}
	return out
}

// flatTrailingLabels returns the label tokens at the end of toks (at most flatMaxLabelParts).
func flatTrailingLabels(toks []flatTok) []flatTok {
	i := len(toks)
	for i > 0 && len(toks)-i < flatMaxLabelParts && !toks[i-1].value {
		i--
	}
	return toks[i:]
}

// flatSplitSpaces splits one line (or one separated cell) on white space into labels and
// values: consecutive label fields form one label ("1. 属于国家秘密"), except that a field
// starting with an item mark followed by text starts a new label ("（三）不予公开 1.属于国家秘密");
// every value field is a value ("行政处罚 2184 行政强制 142" is two labels and two values).
func flatSplitSpaces(l string) []flatTok {
	fields := strings.Fields(strings.ReplaceAll(l, "\u3000", " "))
	var out []flatTok
	var label []string
	flush := func() {
		if len(label) > 0 {
			out = append(out, flatLabelTok(strings.Join(label, " ")))
			label = nil
		}
	}
	for _, f := range fields {
		if flatIsValue(f) {
			flush()
			out = append(out, flatTok{text: f, value: true})
			continue
		}
		ff := titleFold(f)
		if len(label) > 0 && flatMarkRe.MatchString(ff) && flatMarkRe.ReplaceAllString(ff, "") != "" {
			flush()
		}
		label = append(label, f)
	}
	flush()
	return out
}

// flatLabelTok makes a label token.
func flatLabelTok(s string) flatTok {
	return flatTok{text: s, fold: titleFold(s), core: flatCore(s)}
}

var (
	flatMarkRe  = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|[(][一二三四五六七八九十0-9]+[)]|[0-9]+[.、]|[①②③④⑤⑥⑦⑧⑨⑩])+`)
	flatPunctRe = regexp.MustCompile(`[()（）,，、。.．:：;；"'“”‘’《》!！?？/\\\-—_·\[\]【】〔〕]`)
)

// flatCore folds a label and removes its item marks and punctuation, for matching by meaning.
func flatCore(s string) string {
	f := titleFold(s)
	f = flatMarkRe.ReplaceAllString(f, "")
	return flatPunctRe.ReplaceAllString(f, "")
}

// flatHeadings returns the token indexes of the t2, t3, t4 section headings and of the first
// heading after the tables (五、…), -1 where absent. When a heading is printed more than once
// (a table of contents, an introduction listing the parts), the last one before the next
// table's heading is used.
func flatHeadings(toks []flatTok) (h2, h3, h4, hEnd int) {
	var c2, c3, c4 []int
	for i, t := range toks {
		if t.value || utf8.RuneCountInString(t.fold) > 40 {
			continue
		}
		f := t.fold
		switch {
		case strings.Contains(f, "主动公开政府信息") && strings.HasSuffix(f, "情况"):
			c2 = append(c2, i)
		case strings.Contains(f, "收到和处理政府信息公开申请"):
			c3 = append(c3, i)
		case strings.Contains(f, "行政复议") && (strings.Contains(f, "行政诉讼") || strings.Contains(f, "提起")) && strings.Contains(f, "情况"):
			c4 = append(c4, i)
		}
	}
	lastBefore := func(c []int, limit int) int {
		best := -1
		for _, i := range c {
			if i < limit {
				best = i
			}
		}
		return best
	}
	h4 = lastBefore(c4, len(toks))
	lim := len(toks)
	if h4 >= 0 {
		lim = h4
	}
	h3 = lastBefore(c3, lim)
	if h3 >= 0 {
		lim = h3
	}
	h2 = lastBefore(c2, lim)
	hEnd = -1
	after := max(h3, h4)
	if after >= 0 {
		for i := after + 1; i < len(toks); i++ {
			if !toks[i].value && flatIsEndHeading(toks[i].fold) {
				hEnd = i
				break
			}
		}
	}
	return h2, h3, h4, hEnd
}

// flatIsEndHeading reports whether a folded line is a heading after the tables.
func flatIsEndHeading(f string) bool {
	if utf8.RuneCountInString(f) > 30 {
		return false
	}
	return strings.HasPrefix(f, "五、") || strings.HasPrefix(f, "六、") || strings.Contains(f, "存在的主要问题") ||
		strings.Contains(f, "主要问题及改进") || strings.Contains(f, "其他需要报告的事项")
}

// flatRange returns the token range of a section: after its heading, or from the first token
// that starts it (isStart) when the heading is missing, up to the first later boundary: a
// heading index of bounds, or the first token that starts a later table (laterStarts) when
// that table's heading is missing.
func flatRange(toks []flatTok, heading int, bounds []int, isStart func(flatTok) bool, laterStarts ...func(flatTok) bool) (int, int) {
	start := -1
	if heading >= 0 {
		start = heading + 1
	} else {
		for i, t := range toks {
			if !t.value && isStart(t) {
				start = i
				break
			}
		}
	}
	if start < 0 {
		return -1, -1
	}
	end := len(toks)
	for _, b := range bounds {
		if b > start && b < end {
			end = b
		}
	}
	for _, later := range laterStarts {
		for i := start + 1; i < end; i++ {
			if !toks[i].value && later(toks[i]) {
				end = i
				break
			}
		}
	}
	return start, end
}

func flatIsT2Start(t flatTok) bool {
	return strings.HasPrefix(t.core, "第二十条第") || t.core == "信息内容"
}

func flatIsT3Start(t flatTok) bool {
	return t.core == "申请人情况" || t.core == "本年新收政府信息公开申请数量"
}

func flatIsT4Start(t flatTok) bool {
	return utf8.RuneCountInString(t.core) <= 40 && !strings.ContainsAny(t.fold, "，。；") &&
		(strings.HasPrefix(t.core, "行政复议") || strings.HasPrefix(t.core, "结果维持"))
}

// ---- cells of the grids ----

// flatGrid builds a dense grid row by row; a cell may span to the right or down.
type flatGrid struct {
	rows [][]extract.Cell
}

// addRow appends a row of plain cells.
func (g *flatGrid) addRow(texts ...string) {
	r := len(g.rows)
	row := make([]extract.Cell, len(texts))
	for j, t := range texts {
		row[j] = extract.Cell{Text: t, OriginRow: r, OriginCol: j}
	}
	g.rows = append(g.rows, row)
}

// spanRight marks cells row[r][from+1..to] as copies of row[r][from].
func (g *flatGrid) spanRight(r, from, to int) {
	for j := from + 1; j <= to && j < len(g.rows[r]); j++ {
		o := g.rows[r][from]
		g.rows[r][j] = extract.Cell{Text: o.Text, Spanned: true, OriginRow: o.OriginRow, OriginCol: o.OriginCol}
	}
}

// spanDown marks cell rows[r2][c] as a copy of rows[r1][c].
func (g *flatGrid) spanDown(r1, r2, c int) {
	o := g.rows[r1][c]
	g.rows[r2][c] = extract.Cell{Text: o.Text, Spanned: true, OriginRow: o.OriginRow, OriginCol: o.OriginCol}
}

// table returns the grid as a Table flagged from_text (plus extra flags).
func (g *flatGrid) table(flags ...string) *extract.Table {
	fl := []string{FlagFromText}
	seen := map[string]bool{FlagFromText: true}
	for _, f := range flags {
		if !seen[f] {
			seen[f] = true
			fl = append(fl, f)
		}
	}
	return &extract.Table{Rows: g.rows, Flags: fl}
}

// flatRow is one row read from the token stream.
type flatRow struct {
	group, label string
	values       []string
}

// flatFit pads or trims a row's values to n columns, reporting what it did.
func flatFit(vals []string, n int) (out []string, padded, extra bool) {
	out = append([]string(nil), vals...)
	if len(out) > n {
		return out[:n], false, true
	}
	for len(out) < n {
		out = append(out, "")
		padded = true
	}
	return out, padded, false
}

// flatMode returns the most frequent run length and its share of all runs.
func flatMode(lens []int) (int, float64) {
	if len(lens) == 0 {
		return 0, 0
	}
	count := map[int]int{}
	for _, l := range lens {
		count[l]++
	}
	best, bn := 0, 0
	for l, c := range count {
		if c > bn || (c == bn && l > best) {
			best, bn = l, c
		}
	}
	return best, float64(bn) / float64(len(lens))
}

// flatColumns decides the value column count from the header count and the rows' value runs.
func flatColumns(header int, runs []int) (n int, mismatch bool) {
	mode, share := flatMode(runs)
	switch {
	case header == 0:
		return mode, false
	case mode != 0 && mode != header && share >= 0.6 && len(runs) >= 3:
		return mode, true
	}
	return header, false
}

// ---- t3 ----

// flatLabelSet maps label cores to row keys (rows) and group cores to true.
type flatLabelSet struct {
	rows   map[string]string
	groups map[string]bool
	// rowGroup maps a row key to the core of its printed group.
	rowGroup map[string]string
}

// flatT3Labels are the t3 labels of both layouts.
var flatT3Labels = func() flatLabelSet {
	s := flatLabelSet{rows: map[string]string{}, groups: map[string]bool{}, rowGroup: map[string]string{}}
	for _, spec := range []cells.Spec{cells.T3Gov2021, cells.T3Gov2019} {
		for _, r := range spec.Rows {
			s.rows[flatCore(r.Label)] = r.Key
			for _, v := range r.Variants {
				s.rows[flatCore(v)] = r.Key
			}
			if r.Group != "" {
				s.groups[flatCore(r.Group)] = true
				s.rowGroup[r.Key] = flatCore(r.Group)
			}
		}
	}
	return s
}()

// matchRow returns the row key of a label core: exact, or by prefix for labels cut or extended
// by a converter.
func (s flatLabelSet) matchRow(core string, loose bool) string {
	if k, ok := s.rows[core]; ok {
		return k
	}
	if !loose {
		return ""
	}
	n := utf8.RuneCountInString(core)
	best, bestLen := "", 0
	for rc, k := range s.rows {
		rn := utf8.RuneCountInString(rc)
		if (rn >= 4 && strings.HasPrefix(core, rc)) || (n >= 6 && strings.HasPrefix(rc, core)) {
			if rn > bestLen || (rn == bestLen && k < best) {
				best, bestLen = k, rn
			}
		}
	}
	return best
}

// flatReadRows reads labelled value rows from tokens: pending label tokens are resolved when a
// run of values arrives (the longest suffix that is a known row label is the row label, the
// earlier tokens are group labels). Values with no label before them complete a short
// previous row. It returns the rows and the table flags raised (extra values).
func flatReadRows(toks []flatTok, labels flatLabelSet, n int) (rows []flatRow, flags []string) {
	var pending []flatTok
	group := ""
	printedGroups := map[string]string{} // core → printed text
	setGroup := func(t flatTok) {
		if labels.groups[t.core] {
			group = t.text
			printedGroups[t.core] = t.text
		}
	}
	for i := 0; i < len(toks); {
		t := toks[i]
		if !t.value {
			pending = append(pending, t)
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].value {
			j++
		}
		var vals []string
		for _, v := range toks[i:j] {
			vals = append(vals, v.text)
		}
		// Empty cells past the header's column count, before a label that is not a row label,
		// are the corner cell of a header printed again (a table continued after a page
		// break), not values of this row.
		if n > 0 && len(vals) > n && !slices.ContainsFunc(vals[n:], func(v string) bool { return v != "" }) &&
			j < len(toks) && labels.matchRow(toks[j].core, true) == "" {
			vals = vals[:n]
		}
		i = j
		if len(pending) == 0 && !slices.ContainsFunc(vals, func(v string) bool { return v != "" }) {
			// Empty cells with no label (a header's corner cell after a row, a spacer line):
			// never a row's values. A short previous row is padded and flagged instead.
			continue
		}
		if len(pending) == 0 {
			// Values with no label: the continuation of a short previous row.
			if len(rows) > 0 && n > 0 && len(rows[len(rows)-1].values) < n {
				last := &rows[len(rows)-1]
				room := n - len(last.values)
				take := min(room, len(vals))
				last.values = append(last.values, vals[:take]...)
				if take < len(vals) {
					flags = append(flags, FlagTextExtraValues)
				}
			} else {
				flags = append(flags, FlagTextExtraValues)
			}
			continue
		}
		labelAt, key := flatSplitPending(pending, labels)
		for _, g := range pending[:labelAt] {
			setGroup(g)
		}
		var label []string
		for _, p := range pending[labelAt:] {
			label = append(label, p.text)
		}
		rowGroup := group
		if key != "" {
			want, hasGroup := labels.rowGroup[key]
			switch {
			case !hasGroup:
				rowGroup = ""
			case flatCore(group) != want:
				rowGroup = printedGroups[want]
			}
		}
		rows = append(rows, flatRow{group: rowGroup, label: strings.Join(label, ""), values: vals})
		pending = nil
	}
	return rows, flags
}

// flatMaxLabelParts is the most lines one wrapped row label is joined from.
const flatMaxLabelParts = 5

// flatSplitPending chooses which trailing pending tokens form the row label: the longest
// suffix whose joined core is exactly a known row, else the shortest suffix matching loosely,
// else the last token alone. It returns the index where the label starts and the row key ("" if
// unknown).
func flatSplitPending(pending []flatTok, labels flatLabelSet) (int, string) {
	if len(pending) == 0 {
		return 0, ""
	}
	joined := func(from int) string {
		var b strings.Builder
		for _, p := range pending[from:] {
			b.WriteString(p.core)
		}
		return b.String()
	}
	// A label is wrapped over a few lines at most: look at the last few tokens only.
	lo := max(len(pending)-flatMaxLabelParts, 0)
	for from := lo; from < len(pending); from++ {
		if k := labels.matchRow(joined(from), false); k != "" {
			return from, k
		}
	}
	for from := len(pending) - 1; from >= lo; from-- {
		if k := labels.matchRow(joined(from), true); k != "" {
			return from, k
		}
		if labels.groups[pending[from].core] {
			break
		}
	}
	return len(pending) - 1, ""
}

// flatT3Cols are the t3 column recognisers in printed order: a distinctive word (so that a
// header broken over lines, 商业 / 企业 or 商业 科研 / 企业 机构, is still recognised) and the
// header text written.
var flatT3Cols = []struct{ word, label string }{
	{"自然人", "自然人"},
	{"商业", "商业企业"},
	{"科研", "科研机构"},
	{"公益", "社会公益组织"},
	{"法律服务", "法律服务机构"},
	{"其他", "其他"},
	{"总计", "总计"},
}

// flatT3Header counts the applicant columns named in the header tokens, in printed order
// (a 小计 column goes after 自然人 when the header names it before 商业企业, else before 总计).
func flatT3Header(toks []flatTok) []string {
	var b strings.Builder
	for _, t := range toks {
		if !t.value && !flatIsNote(t) {
			b.WriteString(t.core)
		}
	}
	h := b.String()
	for _, w := range []string{"法人或其他组织", "法人或者其他组织", "法人及其他组织", "法人和其他组织", "法人或其它组织"} {
		h = strings.ReplaceAll(h, w, "")
	}
	h = strings.ReplaceAll(h, "其它", "其他")
	h = strings.ReplaceAll(h, "合计", "总计")
	sub := strings.Index(h, "小计")
	biz := strings.Index(h, "商业")
	var cols []string
	for _, c := range flatT3Cols {
		if c.word == "总计" && sub >= 0 && biz >= 0 && sub > biz {
			cols = append(cols, "小计")
		}
		if strings.Contains(h, c.word) {
			cols = append(cols, c.label)
		}
		if c.word == "自然人" && sub >= 0 && (biz < 0 || sub < biz) {
			cols = append(cols, "小计")
		}
	}
	return cols
}

// flatIsNote reports whether a label token is a sentence (a note such as 本列数据的勾稽关系为…)
// rather than a header or row label.
func flatIsNote(t flatTok) bool {
	return strings.ContainsAny(t.fold, "，,。；;") && !flatT3Labels.groups[t.core] && flatT3Labels.matchRow(t.core, false) == "" ||
		utf8.RuneCountInString(t.core) > 60
}

// flatT3 rebuilds table 三 from its section tokens.
func flatT3(toks []flatTok) *extract.Table {
	toks = flatDropHeaderBlanks(toks, func(kept []flatTok) bool {
		_, key := flatSplitPending(flatTrailingLabels(kept), flatT3Labels)
		return key != ""
	})
	// The header runs up to the label of the first row: the labels before the first value,
	// less the first row's own label (and any group label before it).
	first := -1
	for i, t := range toks {
		if t.value {
			first = i
			break
		}
	}
	if first < 0 {
		return nil
	}
	at, _ := flatSplitPending(toks[:first], flatT3Labels)
	for at > 0 && flatT3Labels.groups[toks[at-1].core] {
		at--
	}
	first = at
	header := flatT3Header(toks[:first])
	rows, flags := flatReadRows(toks[first:], flatT3Labels, len(header))
	known := 0
	var runs []int
	for _, r := range rows {
		if flatT3Labels.matchRow(flatCore(r.label), true) != "" {
			known++
		}
		runs = append(runs, len(r.values))
	}
	if known < 3 {
		return nil
	}
	n, mismatch := flatColumns(len(header), runs)
	if n == 0 {
		return nil
	}
	if mismatch {
		flags = append(flags, FlagTextHeaderMismatch)
	}
	if len(header) != n {
		switch n {
		case 7:
			header = nil
			for _, c := range flatT3Cols {
				header = append(header, c.label)
			}
		case 8:
			header = []string{"自然人", "小计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}
		default:
			h := make([]string, n)
			copy(h, header)
			header = h
		}
	}
	g := &flatGrid{}
	// Two-level header: 自然人 | 法人或其他组织 › … | 总计.
	top := []string{"申请人情况", "申请人情况"}
	for _, h := range header {
		if h == "自然人" || h == "总计" || h == "" {
			top = append(top, h)
		} else {
			top = append(top, "法人或其他组织")
		}
	}
	bottom := append([]string{"申请人情况", "申请人情况"}, header...)
	g.addRow(top...)
	g.addRow(bottom...)
	g.spanRight(0, 0, 1)
	g.spanDown(0, 1, 0)
	g.spanDown(0, 1, 1)
	for j := 2; j < len(top); j++ {
		if top[j] == "法人或其他组织" {
			k := j
			for k+1 < len(top) && top[k+1] == "法人或其他组织" {
				k++
			}
			g.spanRight(0, j, k)
			j = k
			continue
		}
		g.spanDown(0, 1, j)
	}
	for _, r := range rows {
		vals, padded, extra := flatFit(r.values, n)
		if padded {
			flags = append(flags, FlagTextRowPadded)
		}
		if extra {
			flags = append(flags, FlagTextExtraValues)
		}
		g.addRow(append([]string{r.group, r.label}, vals...)...)
	}
	return g.table(flags...)
}

// ---- t2 ----

// flatT2ColWords recognise t2 column headers by a distinctive word (so that 本年制发 / 件数
// broken over lines still counts once), with the header text written.
var flatT2ColWords = []struct{ word, label string }{
	{"制发", "本年制发件数"},
	{"废止", "本年废止件数"},
	{"现行有效", "现行有效件数"},
	{"处理决定", "处理决定数量"},
	{"收费金额", "本年收费金额"},
	{"新制作", "本年新制作数量"},
	{"新公开", "本年新公开数量"},
	{"对外公开总", "对外公开总数量"},
	{"上一年项目", "上一年项目数量"},
	{"增减", "本年增/减"},
	{"采购项目", "采购项目数量"},
	{"采购总金额", "采购总金额"},
}

// flatT2Header returns the t2 column headers named in a folded header string, in printed
// (left to right) order. A money header gets the unit the header states.
func flatT2Header(h string) []string {
	type at struct {
		pos   int
		label string
	}
	var found []at
	for _, c := range flatT2ColWords {
		for off := 0; ; {
			i := strings.Index(h[off:], c.word)
			if i < 0 {
				break
			}
			label := c.label
			if c.word == "处理决定" && strings.Contains(h, "本年处理决定") {
				label = "本年处理决定数量"
			}
			if strings.Contains(c.word, "金额") {
				switch {
				case strings.Contains(h, "万元"):
					label += "（单位：万元）"
				case strings.Contains(h, "元"):
					label += "（单位：元）"
				}
			}
			found = append(found, at{off + i, label})
			off += i + len(c.word)
		}
	}
	slices.SortStableFunc(found, func(a, b at) int { return a.pos - b.pos })
	var cols []string
	for _, f := range found {
		cols = append(cols, f.label)
	}
	return cols
}

// flatT2Labels are the t2 row labels of both layouts (no groups: banners are handled apart).
var flatT2Labels = func() flatLabelSet {
	s := flatLabelSet{rows: map[string]string{}, groups: map[string]bool{}, rowGroup: map[string]string{}}
	for _, spec := range []cells.Spec{cells.T2Gov2021, cells.T2Gov2019} {
		for _, r := range spec.Rows {
			s.rows[flatCore(r.Label)] = r.Key
			for _, v := range r.Variants {
				s.rows[flatCore(v)] = r.Key
			}
		}
	}
	return s
}()

// flatBannerRe matches a t2 banner (第二十条第（一）项) after flatCore.
var flatBannerRe = regexp.MustCompile(`^第二十条第[一二三四五六七八九十]+项`)

// flatT2Block is one banner block of t2.
type flatT2Block struct {
	banner string
	header []string
	rows   []flatRow
}

// flatT2 rebuilds table 二 from its section tokens.
func flatT2(toks []flatTok) *extract.Table {
	toks = flatDropHeaderBlanks(toks, func(kept []flatTok) bool {
		return flatT2Labels.matchRow(kept[len(kept)-1].core, false) != ""
	})
	var blocks []*flatT2Block
	cur := &flatT2Block{}
	var headerText strings.Builder
	inHeader := false
	var pending *flatRow
	var flags []string
	flush := func() {
		if pending != nil {
			cur.rows = append(cur.rows, *pending)
			pending = nil
		}
	}
	endHeader := func() {
		if inHeader {
			cur.header = flatT2Header(headerText.String())
			headerText.Reset()
			inHeader = false
		}
	}
	for _, t := range toks {
		switch {
		case t.value:
			endHeader()
			if pending == nil {
				if !t.blank() {
					flags = append(flags, FlagTextExtraValues)
				}
				continue
			}
			limit := len(cur.header)
			if limit > 0 && len(pending.values) >= limit {
				flags = append(flags, FlagTextExtraValues)
				continue
			}
			pending.values = append(pending.values, t.text)
		case flatBannerRe.MatchString(t.core):
			flush()
			endHeader()
			if len(cur.rows) > 0 || cur.header != nil || cur.banner != "" {
				blocks = append(blocks, cur)
			}
			cur = &flatT2Block{banner: t.text}
			// "第二十条第（一）项 信息内容 本年制发件数 …" on one line: the rest is the header.
			if rest := t.core[len(flatBannerRe.FindString(t.core)):]; rest != "" {
				if i := strings.Index(t.text, "项"); i >= 0 {
					cur.banner = strings.TrimSpace(t.text[:i+len("项")])
				}
				if len(flatT2Header(rest)) > 0 {
					inHeader = true
					headerText.WriteString(rest)
				}
			}
		case t.core == "信息内容":
			flush()
			endHeader()
			if cur.header != nil || len(cur.rows) > 0 {
				blocks = append(blocks, cur)
				cur = &flatT2Block{banner: cur.banner}
			}
			inHeader = true
		case flatT2Labels.matchRow(t.core, false) != "":
			flush()
			endHeader()
			pending = &flatRow{group: cur.banner, label: t.text}
		case inHeader:
			headerText.WriteString(t.core)
		default:
			// A header printed without 信息内容, or on one line with it, starts a new block;
			// other text (a note) is ignored.
			if len(flatT2Header(t.core)) > 0 {
				flush()
				if cur.header != nil || len(cur.rows) > 0 {
					blocks = append(blocks, cur)
					cur = &flatT2Block{banner: cur.banner}
				}
				inHeader = true
				headerText.WriteString(t.core)
			}
		}
	}
	flush()
	endHeader()
	if len(cur.rows) > 0 || cur.header != nil {
		blocks = append(blocks, cur)
	}
	width, nrows := 0, 0
	for _, b := range blocks {
		nrows += len(b.rows)
		width = max(width, len(b.header))
		for _, r := range b.rows {
			width = max(width, len(r.values))
		}
	}
	if nrows < 2 || width == 0 {
		return nil
	}
	g := &flatGrid{}
	for _, b := range blocks {
		if len(b.rows) == 0 {
			continue
		}
		if b.banner != "" {
			texts := make([]string, width+1)
			for j := range texts {
				texts[j] = b.banner
			}
			g.addRow(texts...)
			g.spanRight(len(g.rows)-1, 0, width)
		}
		n := len(b.header)
		if n == 0 {
			for _, r := range b.rows {
				n = max(n, len(r.values))
			}
		}
		if len(b.header) > 0 {
			g.addRow(flatSpread("信息内容", b.header, width)...)
			g.spanTail(len(g.rows)-1, len(b.header), width)
		}
		for _, r := range b.rows {
			vals, padded, _ := flatFit(r.values, n)
			if padded {
				flags = append(flags, FlagTextRowPadded)
			}
			g.addRow(flatSpread(r.label, vals, width)...)
			g.spanTail(len(g.rows)-1, n, width)
		}
	}
	return g.table(flags...)
}

// flatSpread returns [first, vals..., last val repeated up to width].
func flatSpread(first string, vals []string, width int) []string {
	out := append([]string{first}, vals...)
	for len(out) < width+1 {
		last := ""
		if len(vals) > 0 {
			last = vals[len(vals)-1]
		}
		out = append(out, last)
	}
	return out
}

// spanTail marks the cells after the n-th value of row r as spanned copies of it (colspan).
func (g *flatGrid) spanTail(r, n, width int) {
	if n >= 1 && n < width {
		g.spanRight(r, n, width)
	}
}

// ---- t4 ----

// flatT4Who names the t4 rows: printed word → row key.
func flatT4Who(core string) string {
	// "行政诉讼 未经复议直接起诉" on one line: the group label and the row label.
	if rest := strings.TrimPrefix(core, "行政诉讼"); rest != "" {
		core = rest
	}
	if utf8.RuneCountInString(core) > 10 {
		return ""
	}
	switch {
	case strings.Contains(core, "复议后"):
		return "litigation_after_review"
	case strings.Contains(core, "未经复议") || strings.Contains(core, "直接起诉") || strings.Contains(core, "直接诉讼"):
		return "litigation_direct"
	case core == "行政复议":
		return "review"
	}
	return ""
}

// flatT4Result names the t4 columns: printed word → column index in cells.T4Cols.
func flatT4Result(core string) int {
	switch core {
	case "结果维持", "维持":
		return 0
	case "结果纠正", "纠正":
		return 1
	case "其他结果", "其它结果":
		return 2
	case "尚未审结", "未审结":
		return 3
	case "总计", "合计", "小计":
		return 4
	}
	return -1
}

// flatT4 rebuilds table 四 from its section tokens.
func flatT4(toks []flatTok) *extract.Table {
	toks = flatDropHeaderBlanks(toks, func(kept []flatTok) bool {
		c := kept[len(kept)-1].core
		return flatT4Who(c) != "" || flatT4Result(c) >= 0
	})
	whoText := map[string]string{}
	var whoOrder []string
	// Labelled rows: a t4 row label directly followed by 5 values, or a result label followed
	// by 3 values (transposed).
	byWho := map[string][]string{}
	byResult := map[int][]string{}
	var allVals []string
	var headerResults int
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.value {
			allVals = append(allVals, t.text)
			continue
		}
		if len(allVals) > 0 && flatT4Who(t.core) == "" && flatT4Result(t.core) < 0 && !strings.Contains(t.core, "行政诉讼") {
			// Text after the values: the table is over.
			break
		}
		var run []string
		for j := i + 1; j < len(toks) && toks[j].value; j++ {
			run = append(run, toks[j].text)
		}
		if w := flatT4Who(t.core); w != "" {
			if _, ok := whoText[w]; !ok {
				// The row label without a group label printed on its line (行政诉讼).
				txt := strings.TrimLeft(strings.TrimPrefix(t.text, "行政诉讼"), " \u3000")
				if txt == "" {
					txt = t.text
				}
				whoText[w] = txt
				whoOrder = append(whoOrder, w)
			}
			if len(run) == 5 {
				byWho[w] = run
			}
		}
		if r := flatT4Result(t.core); r >= 0 {
			headerResults++
			if len(run) == 3 {
				byResult[r] = run
			}
		}
	}
	rowLabels := map[string]string{}
	for _, r := range cells.T4Spec.Rows {
		rowLabels[r.Key] = r.Label
		if txt, ok := whoText[r.Key]; ok {
			rowLabels[r.Key] = txt
		}
	}
	values := map[string][]string{}
	switch {
	case len(byWho) >= 2:
		values = byWho
	case len(byResult) == 5:
		for k, r := range cells.T4Spec.Rows {
			for c := 0; c < 5; c++ {
				values[r.Key] = append(values[r.Key], byResult[c][k])
			}
		}
	case len(allVals) == 15:
		for k, r := range cells.T4Spec.Rows {
			values[r.Key] = allVals[k*5 : k*5+5]
		}
	default:
		return nil
	}
	g := &flatGrid{}
	head := []string{"", ""}
	for _, c := range cells.T4Cols {
		head = append(head, c.Label)
	}
	g.addRow(head...)
	for _, r := range cells.T4Spec.Rows {
		v, ok := values[r.Key]
		if !ok {
			continue
		}
		g.addRow(append([]string{r.Group, rowLabels[r.Key]}, v...)...)
	}
	return g.table()
}
