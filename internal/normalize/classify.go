package normalize

// classify.go: deciding from a title alone whether a page is an annual OGI report
// (政府信息公开工作年度报告 / 年报) and which year it reports on. The crawler uses ClassifyTitle on
// list items; ReadMeta uses it for Meta.NotReportReason.
//
// Rules, in order:
//  1. A title naming a document type that is never a report (通知, 格式, 说明, 工作要点, 统计公报,
//     解读, 通报, 法治政府建设 ...) is TitleNotReport, whatever else it says.
//  2. A title with 年度报告 / 年报 / 年度工作报告 and 信息公开 or 政务公开 is TitleReport.
//  3. A title with 年度报告 / 年报 about another subject (a qualifier between the year and
//     年度报告, or a known other subject such as 统计, 企业, 预算) is TitleNotReport.
//  4. Everything else is TitleUnknown (e.g. "XX区2022年度报告", a bare unit name).

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TitleClass is the verdict of ClassifyTitle.
type TitleClass int

// Title classes.
const (
	// TitleUnknown: the title alone does not tell (no 年报/年度报告, or an annual report of
	// unstated subject).
	TitleUnknown TitleClass = iota
	// TitleReport: the title names an annual OGI report.
	TitleReport
	// TitleNotReport: the title names something else (a notice, a format, a work plan, an
	// annual report on another subject ...).
	TitleNotReport
)

// String returns "report", "not_report" or "unknown".
func (c TitleClass) String() string {
	switch c {
	case TitleReport:
		return "report"
	case TitleNotReport:
		return "not_report"
	default:
		return "unknown"
	}
}

// titleNegatives are document types that are never an annual report itself, with the reason
// reported. Checked on the folded title (full-width folded, spaces removed), in order.
var titleNegatives = []struct{ word, reason string }{
	{"年度报告格式", "format notice (年度报告格式)"},
	{"报告格式", "format notice (报告格式)"},
	{"通知", "notice (通知)"},
	{"工作要点", "work plan (工作要点)"},
	{"要点", "work plan (要点)"},
	{"工作计划", "work plan (工作计划)"},
	{"说明", "explanatory note (说明)"},
	{"法治政府建设", "rule-of-law report (法治政府建设)"},
	{"统计公报", "statistical bulletin (统计公报)"},
	{"解读", "interpretation (解读)"},
	{"图解", "interpretation (图解)"},
	{"通报", "circular (通报)"},
	{"评估报告", "evaluation report (评估报告)"},
	{"测评", "evaluation (测评)"},
	{"考核", "assessment (考核)"},
	{"征求意见", "consultation (征求意见)"},
	{"公示", "public notice (公示)"},
	{"公告", "announcement (公告)"},
	{"办法", "regulation (办法)"},
	{"制度", "rules (制度)"},
	{"指南", "guide (指南)"},
	{"目录", "catalogue (目录)"},
	{"政府工作报告", "government work report (政府工作报告)"},
	{"工作总结", "work summary (工作总结)"},
	{"工作方案", "work plan (工作方案)"},
	{"模板", "template (模板)"},
	{"意见", "opinion (意见)"},
	{"规定", "regulation (规定)"},
	{"答记者问", "press Q&A (答记者问)"},
	{"法治建设", "rule-of-law report (法治建设)"},
	{"预算报告", "budget report (预算报告)"},
	{"决算报告", "final accounts report (决算报告)"},
	{"审计报告", "audit report (审计报告)"},
	{"审计工作报告", "audit report (审计工作报告)"},
	{"发展报告", "development report (发展报告)"},
}

// NotReportWord returns the first word of a title (or link text) that names a document type
// which is never an annual OGI report (格式, 通知, 要点, 说明, 法治政府建设, 统计公报, 指南, …),
// and whether there is one. The crawler uses it on link texts too.
func NotReportWord(title string) (string, bool) {
	t := titleFold(title)
	for _, n := range titleNegatives {
		if strings.Contains(t, n.word) {
			return n.word, true
		}
	}
	return "", false
}

// titleOtherSubjects mark an annual report on another subject than information disclosure.
var titleOtherSubjects = []string{
	"统计年报", "统计", "企业", "财务", "审计", "预算", "决算", "社会组织", "质量", "环境",
	"信用", "社会责任", "人权", "国民经济", "年鉴", "安全生产", "公益", "慈善", "基金",
}

// titleReportWords are the words naming an annual report.
var titleReportWords = []string{"年度报告", "年报", "年度工作报告", "年度情况报告"}

// titleTopicWords name the subject of an OGI report.
var titleTopicWords = []string{"信息公开", "政务公开"}

// ClassifyTitle tells from a title whether it names an annual OGI report, with a short reason
// (English, with the deciding Chinese word in brackets).
func ClassifyTitle(title string) (TitleClass, string) {
	t := titleFold(title)
	if t == "" {
		return TitleUnknown, "empty title"
	}
	for _, n := range titleNegatives {
		if strings.Contains(t, n.word) {
			return TitleNotReport, n.reason
		}
	}
	reportWord := ""
	for _, w := range titleReportWords {
		if strings.Contains(t, w) {
			reportWord = w
			break
		}
	}
	topic := ""
	for _, w := range titleTopicWords {
		if strings.Contains(t, w) {
			topic = w
			break
		}
	}
	switch {
	case reportWord != "" && topic != "":
		return TitleReport, "annual report on " + topic + " (" + reportWord + ")"
	case reportWord == "" && topic != "":
		return TitleUnknown, "mentions " + topic + " but no 年度报告/年报"
	case reportWord == "":
		return TitleUnknown, "no 年度报告/年报 in title"
	}
	for _, w := range titleOtherSubjects {
		if strings.Contains(t, w) {
			return TitleNotReport, "annual report not about 政府信息公开 (" + w + ")"
		}
	}
	// A qualifier between the year and the report word names another subject:
	// "XX区2022年度安全生产年度报告" (qualifier 安全生产), unlike "XX区2022年度报告".
	if loc := titleYearRe.FindStringSubmatchIndex(t); loc != nil {
		rest := t[loc[1]:]
		if i := strings.Index(rest, reportWord); i > 0 {
			q := strings.Trim(rest[:i], "度的工作关于()")
			if utf8.RuneCountInString(q) >= 2 {
				return TitleNotReport, "annual report not about 政府信息公开 (" + q + ")"
			}
		}
	}
	return TitleUnknown, "annual report of unstated subject (" + reportWord + ")"
}

// titleYearRe finds a year written in Arabic digits or Chinese numerals followed by 年.
var titleYearRe = regexp.MustCompile(`((?:19|20)[0-9]{2}|[一二][〇零○O0九][〇零○O0一二三四五六七八九]{2})\s*年`)

// titleBareYearRe finds a 4-digit year not followed by 年 and not part of a longer number.
var titleBareYearRe = regexp.MustCompile(`(^|[^0-9])((?:19|20)[0-9]{2})($|[^0-9])`)

// docNumberTailRe matches what follows the year of a document number: 〔2021〕30号, (2021)30号.
var docNumberTailRe = regexp.MustCompile(`^[)\]〕】]?\s*[0-9]*号`)

// bareYear returns the first bare year of a folded title that is not part of a document number,
// with its byte offset.
func bareYear(t string) (int, int, bool) {
	for _, loc := range titleBareYearRe.FindAllStringSubmatchIndex(t, -1) {
		if docNumberTailRe.MatchString(t[loc[5]:]) {
			continue
		}
		if y, ok := parseYearDigits(t[loc[4]:loc[5]]); ok {
			return y, loc[4], true
		}
	}
	return 0, 0, false
}

// YearFromTitle returns the year a title reports on: the first year written as 2022年 /
// 2022年度 / 二〇二二年, else a bare 4-digit year (not a document number such as 〔2021〕30号).
// ok is false when the title names no year in 2000..2099.
func YearFromTitle(title string) (int, bool) {
	t := titleFold(title)
	for _, m := range titleYearRe.FindAllStringSubmatch(t, -1) {
		if y, ok := parseYearDigits(m[1]); ok {
			return y, true
		}
	}
	if y, _, ok := bareYear(t); ok {
		return y, true
	}
	return 0, false
}

// chineseDigits maps Chinese numerals (and look-alikes of zero) to their value.
var chineseDigits = map[rune]int{
	'〇': 0, '零': 0, '○': 0, 'O': 0, '0': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9,
}

// parseYearDigits reads a 4-character year in Arabic or Chinese digits, accepting 2000..2099.
func parseYearDigits(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	if err != nil {
		y = 0
		n := 0
		for _, r := range s {
			d, ok := chineseDigits[r]
			if !ok {
				return 0, false
			}
			y = y*10 + d
			n++
		}
		if n != 4 {
			return 0, false
		}
	}
	if y < 2000 || y > 2099 {
		return 0, false
	}
	return y, true
}

// titleFold folds full-width ASCII forms to half-width and removes all white space, for
// matching words in titles and labels.
func titleFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = foldRune(r)
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldRune maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their
// half-width forms, and curly quotes to straight ones.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == '\u3000':
		return ' '
	case r == '“' || r == '”' || r == '„' || r == '〝' || r == '〞':
		return '"'
	case r == '‘' || r == '’':
		return '\''
	}
	return r
}
