package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/cells"
)

// Fold returns s with full-width forms folded to half-width (（）→(), ：→:, １→1, Ａ→a), curly
// quotes folded to straight ones, letters lower-cased and every kind of white space (including
// \u3000, non-breaking spaces and inner line breaks) removed. Labels are compared after Fold.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == '\u3000' || r == '\u00a0' || r == '\u200b' || r == '\ufeff':
			continue
		case r == '“' || r == '”' || r == '„' || r == '〝' || r == '〞':
			r = '"'
		case r == '‘' || r == '’':
			r = '\''
		case r == '〔' || r == '【':
			r = '['
		case r == '〕' || r == '】':
			r = ']'
		case r == '﹙':
			r = '('
		case r == '﹚':
			r = ')'
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// ItemMark is one leading item mark of a label: 一、 (Kind "cn"), （三） (Kind "pcn"), 1. 1、 (1)
// (Kind "num"), with its number.
type ItemMark struct {
	Kind string
	N    int
}

var cnDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}

// cnNumber parses a Chinese numeral of up to 二十九 at the start of s.
func cnNumber(s string) (n, size int) {
	for i, r := range s {
		d, ok := cnDigits[r]
		if !ok {
			return n, i
		}
		switch {
		case d == 10 && n == 0:
			n = 10
		case d == 10:
			n *= 10
		case n >= 10 && n%10 == 0:
			n += d
		default:
			n = n*10 + d
		}
		size = i + utf8.RuneLen(r)
	}
	return n, size
}

func asciiNumber(s string) (n, size int) {
	for size < len(s) && s[size] >= '0' && s[size] <= '9' && size < 3 {
		n = n*10 + int(s[size]-'0')
		size++
	}
	return n, size
}

// SplitItemMarks removes the leading item marks of a folded label and returns them with the
// rest: "(三)1.属于国家秘密" → [{pcn 3} {num 1}], "属于国家秘密".
func SplitItemMarks(folded string) ([]ItemMark, string) {
	var marks []ItemMark
	s := folded
	for len(s) > 0 {
		if s[0] == '(' {
			inner := s[1:]
			if n, k := cnNumber(inner); k > 0 && strings.HasPrefix(inner[k:], ")") {
				marks = append(marks, ItemMark{"pcn", n})
				s = inner[k+1:]
				continue
			}
			if n, k := asciiNumber(inner); k > 0 && strings.HasPrefix(inner[k:], ")") {
				marks = append(marks, ItemMark{"num", n})
				s = inner[k+1:]
				continue
			}
			break
		}
		if n, k := cnNumber(s); k > 0 {
			rest := s[k:]
			if sep := markSep(rest); sep > 0 {
				marks = append(marks, ItemMark{"cn", n})
				s = rest[sep:]
				continue
			}
			break
		}
		if n, k := asciiNumber(s); k > 0 {
			rest := s[k:]
			if sep := markSep(rest); sep > 0 {
				marks = append(marks, ItemMark{"num", n})
				s = rest[sep:]
				continue
			}
			if strings.HasPrefix(rest, ")") {
				marks = append(marks, ItemMark{"num", n})
				s = rest[1:]
				continue
			}
		}
		break
	}
	return marks, s
}

// markSep returns the byte length of an item-mark separator at the start of s (、 . ， ,), 0 if none.
func markSep(s string) int {
	for _, p := range []string{"、", ".", "，", ",", "·"} {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	return 0
}

// coreText is the distinctive part of a label: folded, item marks removed, punctuation removed.
func coreText(label string) string {
	_, rest := SplitItemMarks(Fold(label))
	return stripPunct(rest)
}

func stripPunct(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
}

// lcs returns the length of the longest common subsequence of a and b (in runes).
func lcs(a, b []rune) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Similarity scores two core texts in [0,1]: the longest common subsequence over the longer
// length, or, when the shorter text has at least four characters and is (nearly) contained in
// the longer one, a containment score slightly below 1.
func Similarity(a, b string) float64 {
	if a == b {
		if a == "" {
			return 0
		}
		return 1
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	l := float64(lcs(ra, rb))
	long, short := len(ra), len(rb)
	if short > long {
		long, short = short, long
	}
	s := l / float64(long)
	if short >= 4 {
		if c := 0.92 * l / float64(short); c > s && l/float64(short) >= 0.85 {
			s = c
		}
	}
	return s
}

// labelMatch is a spec row candidate with the marks and core text it is compared by.
type labelMatch struct {
	key   string
	marks []ItemMark
	cores []string // label and variants
	group int      // the （N） group number of a sub-row, 0 for top-level rows
}

func newLabelMatch(key, label string, variants []string, groupLabel string) labelMatch {
	m := labelMatch{key: key}
	m.marks, _ = SplitItemMarks(Fold(label))
	m.cores = append(m.cores, coreText(label))
	for _, v := range variants {
		m.cores = append(m.cores, coreText(v))
	}
	if groupLabel != "" {
		if gm, _ := SplitItemMarks(Fold(groupLabel)); len(gm) > 0 && gm[0].Kind == "pcn" {
			m.group = gm[0].N
		}
	}
	return m
}

// score compares a printed label (its marks, core and group context) with a candidate.
func (m labelMatch) score(marks []ItemMark, core string, group int) float64 {
	best := 0.0
	for _, c := range m.cores {
		if s := Similarity(core, c); s > best {
			best = s
		}
	}
	if best == 0 {
		return 0
	}
	// Item marks break ties between rows with similar text.
	if len(marks) > 0 && len(m.marks) > 0 {
		pm, cm := marks[len(marks)-1], m.marks[len(m.marks)-1]
		if pm.Kind == cm.Kind || (pm.Kind != "num" && cm.Kind != "num") {
			if pm.N == cm.N {
				best += 0.1
			} else {
				best -= 0.1
			}
		} else {
			best -= 0.05
		}
		if len(marks) > 1 && marks[0].Kind == "pcn" && m.group > 0 {
			if marks[0].N == m.group {
				best += 0.1
			} else {
				best -= 0.3
			}
		}
	}
	if group > 0 && m.group > 0 {
		if group == m.group {
			best += 0.1
		} else {
			best -= 0.3
		}
	}
	return best
}

// matchThreshold is the lowest score accepted as a label match.
const matchThreshold = 0.6

// maxLabelRunes bounds the labels compared: the longest spec label has under 50 characters, and
// a paragraph is never a row label (this also bounds the quadratic LCS).
const maxLabelRunes = 120

// bestMatch returns the best candidate key for a printed label, "" below the threshold.
func bestMatch(cands []labelMatch, label string, group int) (string, float64) {
	marks, rest := SplitItemMarks(Fold(label))
	core := stripPunct(rest)
	if core == "" || utf8.RuneCountInString(core) > maxLabelRunes {
		return "", 0
	}
	bestKey, best := "", 0.0
	for _, c := range cands {
		if s := c.score(marks, core, group); s > best {
			bestKey, best = c.key, s
		}
	}
	if best < matchThreshold {
		return "", best
	}
	return bestKey, best
}

// t3 groups: the rowspan label cells carrying no keys.
const (
	groupResults = "results" // 三、本年度办理结果
)

var t3GroupCands = []labelMatch{
	newLabelMatch(groupResults, "三、本年度办理结果", []string{"本年度办理结果", "办理结果"}, ""),
	newLabelMatch("g3", "（三）不予公开", nil, ""),
	newLabelMatch("g4", "（四）无法提供", nil, ""),
	newLabelMatch("g5", "（五）不予处理", nil, ""),
	newLabelMatch("g6", "（六）其他处理", nil, ""),
}

// groupNumber returns the （N） number of a group key g3..g6, 0 otherwise.
func groupNumber(g string) int {
	if len(g) == 2 && g[0] == 'g' {
		return int(g[1] - '0')
	}
	return 0
}

// t3RowCands holds every t3 row of both layouts (the gov2019 single （六） row included).
var t3RowCands = func() []labelMatch {
	var out []labelMatch
	for _, r := range cells.T3Gov2021.Rows {
		out = append(out, newLabelMatch(r.Key, r.Label, r.Variants, r.Group))
	}
	r, _ := cells.T3Gov2019.Row("other")
	out = append(out, newLabelMatch(r.Key, r.Label, r.Variants, ""))
	return out
}()

// t3SubGroup returns the （N） group number of a numbered t3 sub-row key, 0 for other rows.
func t3SubGroup(key string) int {
	for _, c := range t3RowCands {
		if c.key == key {
			return c.group
		}
	}
	return 0
}

// classifyT3Label matches one printed t3 label: a row key, or a group key ("results", "g3".."g6"),
// or "" if it matches neither.
func classifyT3Label(label string, group int) (key string, isGroup bool) {
	rk, rs := bestMatch(t3RowCands, label, group)
	gk, gs := bestMatch(t3GroupCands, label, 0)
	if gk != "" && gs >= rs {
		return gk, true
	}
	return rk, false
}

// t3 column keys found in headers; "subtotal" is the non-standard 小计 column.
const colSubtotal = "subtotal"

var t3HeaderWrappers = []string{"申请人情况", "法人或其他组织", "法人或者其他组织", "法人及其他组织", "法人和其他组织", "法人或其它组织"}

// t3ColumnKey maps the folded, joined header path of one column to a t3 column key.
func t3ColumnKey(path string) string {
	p := Fold(path)
	for _, w := range t3HeaderWrappers {
		p = strings.ReplaceAll(p, w, "")
	}
	p = stripPunct(p)
	switch {
	case p == "":
		return ""
	case strings.Contains(p, "自然人"):
		return "natural_person"
	case strings.Contains(p, "企业"):
		return "commercial"
	case strings.Contains(p, "科研"):
		return "research"
	case strings.Contains(p, "公益"):
		return "social_welfare"
	case strings.Contains(p, "法律服务"):
		return "legal_service"
	case strings.Contains(p, "小计"):
		return colSubtotal
	case strings.Contains(p, "总计"), strings.Contains(p, "合计"):
		return "total"
	case strings.Contains(p, "其他"), strings.Contains(p, "其它"):
		return "other_org"
	}
	return ""
}

// t4Who returns the t4 row key named in a folded context string, "" if none.
func t4Who(ctx string) string {
	switch {
	case strings.Contains(ctx, "复议后"):
		return "litigation_after_review"
	case strings.Contains(ctx, "未经复议"), strings.Contains(ctx, "直接起诉"), strings.Contains(ctx, "直接诉讼"):
		return "litigation_direct"
	case strings.Contains(ctx, "行政复议"):
		return "review"
	}
	return ""
}

// t4Result returns the t4 column key named in a folded context string, "" if none.
func t4Result(ctx string) string {
	switch {
	case strings.Contains(ctx, "维持"):
		return "upheld"
	case strings.Contains(ctx, "纠正"):
		return "corrected"
	case strings.Contains(ctx, "审结"):
		return "pending"
	case strings.Contains(ctx, "总计"), strings.Contains(ctx, "合计"), strings.Contains(ctx, "小计"):
		return "total"
	case strings.Contains(ctx, "其他"), strings.Contains(ctx, "其它"):
		return "other"
	}
	return ""
}

// t2 label candidates per layout.
func t2RowCands(l cells.Layout) []labelMatch {
	spec, _ := cells.SpecFor(cells.T2, l)
	var out []labelMatch
	for _, r := range spec.Rows {
		out = append(out, newLabelMatch(r.Key, r.Label, r.Variants, ""))
	}
	return out
}

// t2ColumnKey matches a printed t2 column header against the columns of one row.
func t2ColumnKey(header string, cols []cells.Col) string {
	core := coreText(header)
	if core == "" {
		return ""
	}
	// Units in parentheses are not part of the meaning.
	for _, u := range []string{"单位万元", "单位元", "万元", "单位"} {
		core = strings.ReplaceAll(core, u, "")
	}
	best, bestKey := 0.0, ""
	for _, c := range cols {
		cc := coreText(c.Label)
		for _, u := range []string{"单位万元", "万元", "单位"} {
			cc = strings.ReplaceAll(cc, u, "")
		}
		if s := Similarity(core, cc); s > best {
			best, bestKey = s, c.Key
		}
	}
	if best < 0.5 {
		return ""
	}
	return bestKey
}

// Section heading detection for the text blocks before a table (a hint only).
func sectionOf(text string) cells.Table {
	f := Fold(text)
	if len([]rune(f)) > 40 {
		return ""
	}
	switch {
	case strings.Contains(f, "主动公开政府信息情况") || strings.Contains(f, "主动公开政府信息"):
		return cells.T2
	case strings.Contains(f, "收到和处理政府信息公开申请"):
		return cells.T3
	case strings.Contains(f, "行政复议") && (strings.Contains(f, "行政诉讼") || strings.Contains(f, "提起")):
		return cells.T4
	}
	return ""
}
