package normalize

// meta.go: reading a report's metadata (title, agency, report year, publication date, site code,
// and whether the title says it is not a report at all) from an extract.Document.
//
// Sources, in order of trust:
//   - agency: the title ("烟台市牟平区人民政府2022年政府信息公开工作年度报告", "XX局关于2022年…的
//     年度报告"), then 发布机构/发文机关 fields ("publisher"), then ContentSource/信息来源
//     ("meta"), then the signature near the end (an agency line beside a date), then a body
//     phrase such as "编制并向社会公布XX2022年政府信息公开工作年度报告" ("body");
//   - year: the title (Arabic or Chinese numerals), else the body's statistical period
//     (统计期限自2022年1月1日起…) or a paragraph opening "2022年，…"; never a URL or the
//     publication date;
//   - published: PubDate meta, 发布日期/发布时间/发文日期/成文日期 fields, a "发布时间:" line at the
//     top, else the signature date.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ogireports/ogireports/internal/extract"
)

// Meta is the metadata of one report read by ReadMeta.
type Meta struct {
	// Title is the report title.
	Title string
	// Agency is the reporting agency as printed; AgencySource says where it was read: "title",
	// "publisher", "meta", "signature" or "body".
	Agency, AgencySource string
	// Year is the year reported on (0 if unknown); YearSource is "title" or "body".
	Year       int
	YearSource string
	// Published is the publication date as YYYY-MM-DD ("" if unknown); SiteIDCode is the page's
	// SiteIDCode meta.
	Published, SiteIDCode string
	// NotReportReason is set when the title shows the document is not an annual OGI report.
	NotReportReason string
}

// ReadMeta reads the metadata of a document. It never fails: what it cannot find is left empty.
func ReadMeta(doc *extract.Document) Meta {
	var m Meta
	if doc == nil {
		return m
	}
	lines := docLines(doc)
	m.Title = pickTitle(doc, lines)
	m.SiteIDCode = strings.TrimSpace(metaField(doc, "SiteIDCode", "网站标识码"))
	if m.Title != "" {
		if c, reason := ClassifyTitle(m.Title); c == TitleNotReport {
			m.NotReportReason = reason
		}
	}

	if y, ok := YearFromTitle(m.Title); ok {
		m.Year, m.YearSource = y, "title"
	} else if y, ok := yearFromBody(lines); ok {
		m.Year, m.YearSource = y, "body"
	}

	sigAgency, sigDate := signature(lines)
	switch {
	case agencyFromTitle(m.Title) != "":
		m.Agency, m.AgencySource = agencyFromTitle(m.Title), "title"
	case cleanAgency(metaField(doc, "发布机构", "发文机关", "发布单位", "发文单位", "发布部门")) != "":
		m.Agency = cleanAgency(metaField(doc, "发布机构", "发文机关", "发布单位", "发文单位", "发布部门"))
		m.AgencySource = "publisher"
	case cleanAgency(metaField(doc, "ContentSource", "信息来源", "来源", "所属机构")) != "":
		m.Agency = cleanAgency(metaField(doc, "ContentSource", "信息来源", "来源", "所属机构"))
		m.AgencySource = "meta"
	case sigAgency != "":
		m.Agency, m.AgencySource = sigAgency, "signature"
	default:
		if a := agencyFromBody(lines); a != "" {
			m.Agency, m.AgencySource = a, "body"
		}
	}

	m.Published = publishedDate(doc, lines)
	if m.Published == "" {
		m.Published = sigDate
	}
	return m
}

// docLines returns the trimmed non-empty lines of the document's text blocks, in order.
func docLines(doc *extract.Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind != extract.TextBlock {
			continue
		}
		for _, l := range strings.Split(b.Text, "\n") {
			l = strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", " "))
			l = strings.Trim(l, "\u3000 ")
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// metaField returns the first non-empty value among the named fields of doc.Meta, matching
// keys after folding (spaces, full-width forms and a trailing colon are ignored).
func metaField(doc *extract.Document, names ...string) string {
	if len(doc.Meta) == 0 {
		return ""
	}
	folded := make(map[string]string, len(doc.Meta))
	for k, v := range doc.Meta {
		fk := strings.ToLower(strings.TrimRight(titleFold(k), ":"))
		if _, ok := folded[fk]; !ok || strings.TrimSpace(folded[fk]) == "" {
			folded[fk] = v
		}
	}
	for _, n := range names {
		if v := strings.TrimSpace(folded[strings.ToLower(titleFold(n))]); v != "" {
			return v
		}
	}
	return ""
}

// titleSeps split an HTML <title> into its parts ("报告标题_栏目_站点").
var titleSeps = regexp.MustCompile(`\s*(?:_|\||｜|--|——|-\s|\s-)\s*`)

// pickTitle chooses the report title: ArticleTitle, the document title (its part naming a
// report when the site appended its name), or the first short line naming a 年度报告/年报.
func pickTitle(doc *extract.Document, lines []string) string {
	var cands []string
	if v := metaField(doc, "ArticleTitle"); v != "" {
		cands = append(cands, v)
	}
	if t := strings.TrimSpace(doc.Title); t != "" {
		parts := titleSeps.Split(t, -1)
		best := t
		for _, p := range parts {
			if hasReportWord(p) {
				best = p
				break
			}
		}
		cands = append(cands, best)
	}
	headings := 0
	for i, l := range lines {
		if i >= 30 || headings == 3 {
			break
		}
		if utf8.RuneCountInString(l) <= 60 && hasReportWord(l) && !strings.ContainsAny(l, "。，,；") {
			// A title printed over two lines, the agency above the rest
			// (淮安市人民政府 / 2024年政府信息公开工作年度报告), is one title. Not in a web page,
			// where the line above is as likely the site's name in its header.
			if i > 0 && doc.MediaType != extract.MediaHTML && agencyFromTitle(l) == "" && utf8.RuneCountInString(lines[i-1]) <= 30 &&
				looksLikeAgency(lines[i-1]) && !hasReportWord(lines[i-1]) {
				l = lines[i-1] + l
			}
			cands = append(cands, l)
			headings++
		}
	}
	// The best candidate names a report and a year; ties go to the earlier source.
	best, bestScore := "", -1
	for _, c := range cands {
		score := 0
		if hasReportWord(c) {
			score += 2
		}
		if _, ok := YearFromTitle(c); ok {
			score++
		}
		if score > bestScore {
			best, bestScore = strings.TrimSpace(c), score
		}
	}
	return best
}

// hasReportWord reports whether s names an annual report.
func hasReportWord(s string) bool {
	for _, w := range titleReportWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// agencyStops mark where the agency part of a title ends when no year precedes them.
var agencyStops = []string{"关于", "政府信息公开", "信息公开", "政务公开", "年度报告", "年报"}

// agencyFromTitle returns the agency named at the head of a report title, or in trailing
// brackets ("2022年政府信息公开工作年度报告（XX局）"), "" when the title names none.
func agencyFromTitle(title string) string {
	t := strings.TrimSpace(title)
	if t == "" {
		return ""
	}
	// Strip a leading bracketed tag such as 【2022年】 or [转载].
	t = leadingTagRe.ReplaceAllString(t, "")
	t = titleFold(t)
	t = strings.TrimPrefix(t, "关于")
	// The agency ends at the year or at the first word of the report's name.
	yearAt, yearEnd := -1, -1
	if loc := titleYearRe.FindStringIndex(t); loc != nil {
		yearAt, yearEnd = loc[0], loc[1]
	} else if y, at, ok := bareYear(t); ok {
		yearAt, yearEnd = at, at+len(strconv.Itoa(y))
	}
	cutAt := func(s string) string {
		cut := len(s)
		for _, w := range agencyStops {
			if i := strings.Index(s, w); i >= 0 && i < cut {
				cut = i
			}
		}
		head := s[:cut]
		// "XX区人民政府信息公开…" was cut inside "人民政府".
		if strings.HasSuffix(head, "人民") && strings.HasPrefix(s[cut:], "政府") {
			head += "政府"
		}
		return head
	}
	head := t
	if yearAt >= 0 {
		head = t[:yearAt]
	}
	head = cutAt(head)
	if cleanAgency(head) == "" && yearAt == 0 {
		// "2017年XX区政府信息公开工作年度报告": the agency follows the year.
		head = cutAt(strings.TrimPrefix(t[yearEnd:], "度"))
	}
	if a := cleanAgency(head); a != "" {
		return a
	}
	if m := trailingAgencyRe.FindStringSubmatch(t); m != nil {
		return cleanAgency(m[1])
	}
	return ""
}

var (
	leadingTagRe     = regexp.MustCompile(`^\s*[【\[［][^】\]］]*[】\]］]\s*`)
	trailingAgencyRe = regexp.MustCompile(`[（(【\[]([^（()）【】\[\]]{2,40})[)）】\]]\s*$`)
)

// agencyTrimWords are removed from the ends of an agency candidate.
var agencyTrimSuffixes = []string{"关于", "的", "编制", "发布", "公布"}

// cleanAgency strips brackets, white space, a trailing 关于/的 and punctuation from an agency
// candidate, and returns "" when what is left cannot be an agency (too short or too long,
// holding digits, a year or a report word).
func cleanAgency(s string) string {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("【", "", "】", "", "《", "", "》", "", "“", "", "”", "", "\"", "",
		"[", "", "]", "", "〔", "", "〕", "").Replace(s)
	s = titleFold(s)
	s = strings.NewReplacer("(", "（", ")", "）").Replace(s)
	for changed := true; changed; {
		changed = false
		s = strings.Trim(s, ":：,，.。;；、!！?？-—_·|/ ")
		for _, w := range agencyTrimSuffixes {
			if strings.HasSuffix(s, w) {
				s = strings.TrimSuffix(s, w)
				changed = true
			}
		}
		if strings.HasPrefix(s, "（") && strings.HasSuffix(s, "）") && strings.Count(s, "（") == 1 {
			s = strings.TrimSuffix(strings.TrimPrefix(s, "（"), "）")
			changed = true
		}
	}
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 40 {
		return ""
	}
	if strings.ContainsAny(s, "0123456789") || hasReportWord(s) || strings.Contains(s, "信息公开") {
		return ""
	}
	if _, ok := YearFromTitle(s + "年"); ok {
		return ""
	}
	return s
}

// agencySuffixes are the endings of agency names, used to recognise a signature line.
var agencySuffixes = []string{
	"政府", "办公室", "办公厅", "委员会", "管委会", "管理委员会", "局", "厅", "委", "办", "院", "署", "部",
	"中心", "办事处", "街道", "镇", "乡", "区", "县", "市", "省", "会", "所", "队", "站", "处", "公司",
	"集团", "馆", "社", "室", "司", "旗", "盟", "州", "科", "庭", "台", "校", "监狱", "公安",
}

// looksLikeAgency reports whether a short line is plausibly an agency name.
func looksLikeAgency(s string) bool {
	if cleanAgency(s) == "" || strings.ContainsAny(s, "。，,；;：:！？") {
		return false
	}
	for _, suf := range agencySuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// dateRe matches a date written 2023-01-17, 2023/1/17, 2023.1.17 or 2023年1月17日.
var dateRe = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?`)

// cnDateRe matches a date in Chinese numerals: 二〇二三年一月十七日.
var cnDateRe = regexp.MustCompile(`([一二][〇零○O0九][〇零○O0一二三四五六七八九]{2})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`)

// parseDate finds the first valid date in s and returns it as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	s = titleFold(s)
	for _, m := range dateRe.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if v, ok := validDate(y, mo, d); ok {
			return v, true
		}
	}
	for _, m := range cnDateRe.FindAllStringSubmatch(s, -1) {
		y, ok := parseYearDigits(m[1])
		if !ok {
			continue
		}
		if v, ok := validDate(y, cnSmallNumber(m[2]), cnSmallNumber(m[3])); ok {
			return v, true
		}
	}
	return "", false
}

// validDate formats a date when its parts are in range.
func validDate(y, m, d int) (string, bool) {
	if y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

// cnSmallNumber reads 1..39 written in Chinese numerals (一, 十, 十七, 二十, 三十一); 0 if not.
func cnSmallNumber(s string) int {
	rs := []rune(s)
	val := func(r rune) int {
		if d, ok := chineseDigits[r]; ok && d > 0 {
			return d
		}
		return -1
	}
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return max(val(rs[0]), 0)
	case len(rs) == 2 && rs[0] == '十':
		return max(10+val(rs[1]), 0)
	case len(rs) == 2 && rs[1] == '十':
		return max(val(rs[0])*10, 0)
	case len(rs) == 3 && rs[1] == '十':
		a, b := val(rs[0]), val(rs[2])
		if a < 0 || b < 0 {
			return 0
		}
		return a*10 + b
	}
	return 0
}

// pubLineRe matches a visible publication line: "发布时间:2023-01-17 10:40:09".
// A 发布 date is preferred to 成文日期 and other dates printed near the top.
var (
	pubLineRe       = regexp.MustCompile(`(?:发布时间|发布日期|发表时间|公开日期|发文日期)\s*[:：]?\s*(.{6,24})`)
	otherDateLineRe = regexp.MustCompile(`(?:成文日期|生成日期|时间|日期)\s*[:：]\s*(.{6,24})`)
)

// publishedDate reads the publication date from the page metadata or a "发布时间" line near the
// top of the text.
func publishedDate(doc *extract.Document, lines []string) string {
	if v := metaField(doc, "PubDate", "pubdate", "发布日期", "发布时间", "发文日期", "成文日期", "生成日期",
		"publishdate", "firstpublishedtime"); v != "" {
		if d, ok := parseDate(v); ok {
			return d
		}
	}
	for _, re := range []*regexp.Regexp{pubLineRe, otherDateLineRe} {
		for i, l := range lines {
			if i >= 15 {
				break
			}
			if m := re.FindStringSubmatch(l); m != nil {
				if d, ok := parseDate(m[1]); ok {
					return d
				}
			}
		}
	}
	return ""
}

// signatureDateRe matches a line that is only a date (the signature date of a report).
var signatureDateRe = regexp.MustCompile(`^(?:(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|[一二][〇零○O0九][〇零○O0一二三四五六七八九]{2}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$`)

// signature finds the signature near the end of the text: an agency line directly before or
// after a date line, or "agency date" on one line. It returns the agency and the date
// (YYYY-MM-DD); either may be "".
func signature(lines []string) (agency, date string) {
	start := max(len(lines)-25, 0)
	for i := len(lines) - 1; i >= start; i-- {
		l := titleFold(lines[i])
		if signatureDateRe.MatchString(l) {
			d, _ := parseDate(l)
			for _, j := range []int{i - 1, i - 2, i + 1} {
				if j >= 0 && j < len(lines) && j != i && looksLikeAgency(strings.TrimSpace(lines[j])) {
					return cleanAgency(lines[j]), d
				}
			}
			if date == "" {
				date = d
			}
			continue
		}
		// "XX局 2023年1月17日" on one line.
		if loc := dateRe.FindStringIndex(l); loc != nil && loc[1] == len(l) && loc[0] > 0 {
			if looksLikeAgency(l[:loc[0]]) {
				d, _ := parseDate(l[loc[0]:])
				return cleanAgency(l[:loc[0]]), d
			}
		}
	}
	return "", date
}

// bodyAgencyRe finds "编制并向社会公布XX2022年政府信息公开工作年度报告" and similar phrases.
var bodyAgencyRe = regexp.MustCompile(`(?:公布|发布|编制|编写|形成|制作|撰写)(?:了|本)?[《“"]?([^，。,；《》“”"]{2,40}?)(?:(?:19|20)[0-9]{2}|[一二][〇零○O0九][〇零○O0一二三四五六七八九]{2})\s*年度?(?:政府)?(?:信息公开|政务公开)`)

// bodyVerbRe matches the verbs that introduce the report's name in a body phrase.
var bodyVerbRe = regexp.MustCompile(`公布|发布|编制|编写|形成|制作|撰写`)

// agencyFromBody reads the agency from an introductory body phrase.
func agencyFromBody(lines []string) string {
	for i, l := range lines {
		if i >= 40 {
			break
		}
		for _, m := range bodyAgencyRe.FindAllStringSubmatch(titleFold(l), -1) {
			cand := m[1]
			// "编制并向社会公布XX": keep what follows the last verb.
			if locs := bodyVerbRe.FindAllStringIndex(cand, -1); len(locs) > 0 {
				cand = cand[locs[len(locs)-1][1]:]
			}
			if a := cleanAgency(cand); a != "" && !strings.ContainsAny(a, "，,。") {
				return a
			}
		}
	}
	return ""
}

// periodRe finds the statistical period "自2022年1月1日起至2022年12月31日止" (characters lost in
// copies such as "自202211日起" still give the year), or "2022年1月1日至2022年12月31日".
var (
	periodRe     = regexp.MustCompile(`统计(?:期限|时限|时间|期间|区间|范围)?[^。；;]{0,12}?自?\s*((?:19|20)[0-9]{2})`)
	periodSpanRe = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|～|~)`)
	leadYearRe   = regexp.MustCompile(`^((?:19|20)[0-9]{2})\s*年度?\s*(?:[，,、]|以来|全|我|本|共|[^0-9月])`)
)

// bodyReportYearRe finds the report's own name in the body: "…公布XX2022年政府信息公开工作年度报告".
var bodyReportYearRe = regexp.MustCompile(`((?:19|20)[0-9]{2})\s*年度?(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度报告|年报)`)

// yearFromBody reads the report year from the body: the statistical period first, then the
// report's name in the first paragraphs, then a paragraph opening with the year in the 总体情况
// section (or the first paragraphs).
func yearFromBody(lines []string) (int, bool) {
	for _, l := range lines {
		f := titleFold(l)
		if m := periodSpanRe.FindStringSubmatch(f); m != nil {
			if y, ok := parseYearDigits(m[1]); ok {
				return y, true
			}
		}
		if m := periodRe.FindStringSubmatch(f); m != nil {
			if y, ok := parseYearDigits(m[1]); ok {
				return y, true
			}
		}
	}
	for i, l := range lines {
		if i >= 40 {
			break
		}
		if m := bodyReportYearRe.FindStringSubmatch(titleFold(l)); m != nil {
			if y, ok := parseYearDigits(m[1]); ok {
				return y, true
			}
		}
	}
	inOverview := false
	for i, l := range lines {
		f := titleFold(l)
		if strings.Contains(f, "总体情况") && utf8.RuneCountInString(f) <= 20 {
			inOverview = true
			continue
		}
		if !inOverview && i >= 12 {
			continue
		}
		if strings.HasPrefix(f, "二、") && inOverview {
			break
		}
		if m := leadYearRe.FindStringSubmatch(f); m != nil && !dateRe.MatchString(f[:min(len(f), 20)]) {
			if y, ok := parseYearDigits(m[1]); ok {
				return y, true
			}
		}
	}
	return 0, false
}
