package normalize

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/extract"
)

// Prose keys: the numbers a report states in its text, keyed by the cells.md key they restate.
// ProseLitigationTotal is not a cells.md key: it is the sum t4.litigation_direct.total +
// t4.litigation_after_review.total (prose reports lawsuits as one number).
const (
	ProseNewReceived     = "t3.new_received.total"
	ProseCarriedOver     = "t3.carried_over.total"
	ProseTotalProcessed  = "t3.total_processed.total"
	ProseGranted         = "t3.granted.total"
	ProsePartlyGranted   = "t3.partly_granted.total"
	ProseReviewTotal     = "t4.review.total"
	ProseLitigationTotal = "t4.litigation.total"
)

// prosePattern finds one number in a sentence that mentions all of need.
type prosePattern struct {
	key  string
	need string
	re   *regexp.Regexp
	// zero is true for a pattern stating "none" (未收到…申请): the value is 0.
	zero bool
}

const proseNum = `([0-9]+)`

var prosePatterns = []prosePattern{
	{key: ProseNewReceived, need: "申请", re: regexp.MustCompile(`(?:共|累计)?(?:收到|受理|新收|接收)(?:各类|公民、法人(?:和|或)其他组织(?:提出的)?)?(?:政府信息公开|依申请公开)申请(?:共计|共)?` + proseNum + `(?:件|个|份)`)},
	{key: ProseNewReceived, need: "申请", zero: true, re: regexp.MustCompile(`未(?:收到|受理|接到)(?:任何)?(?:政府信息公开|依申请公开)申请`)},
	{key: ProseCarriedOver, need: "结转", re: regexp.MustCompile(`上年(?:度)?结转(?:政府信息公开申请|申请)?` + proseNum + `件`)},
	{key: ProseTotalProcessed, need: "申请", re: regexp.MustCompile(`(?:办结|办理完成|答复)(?:申请)?` + proseNum + `件`)},
	{key: ProseGranted, need: "申请", re: regexp.MustCompile(`(?:^|[，,；;：:其中])予以公开` + proseNum + `件`)},
	{key: ProsePartlyGranted, need: "申请", re: regexp.MustCompile(`部分公开` + proseNum + `件`)},
	{key: ProseReviewTotal, need: "行政复议", re: regexp.MustCompile(`行政复议(?:申请|案件)?(?:共)?` + proseNum + `(?:件|起)`)},
	{key: ProseLitigationTotal, need: "行政诉讼", re: regexp.MustCompile(`行政诉讼(?:案件)?(?:共)?` + proseNum + `(?:件|起)`)},
}

var proseDigits = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4",
	"５", "5", "６", "6", "７", "7", "８", "8", "９", "9", ",", "", "，", "，", " ", "", "\u00a0", "", "\u3000", "")

// Prose returns the numbers the report's text states about its tables (共收到政府信息公开申请97件,
// 办结…件, 予以公开60件, 行政复议7件, 行政诉讼10件), keyed by the Prose* keys. Only text blocks are
// read, sentence by sentence; the first statement of each key wins. A key the text does not
// state is absent. The numbers are for cross-checking (check prose.agree), never cell values.
func Prose(doc *extract.Document) map[string]float64 {
	out := map[string]float64{}
	if doc == nil {
		return out
	}
	for _, b := range doc.Blocks {
		if b.Kind != extract.TextBlock {
			continue
		}
		text := proseDigits.Replace(b.Text)
		for _, sent := range strings.FieldsFunc(text, func(r rune) bool { return r == '。' || r == '\n' }) {
			for _, p := range prosePatterns {
				if _, done := out[p.key]; done || !strings.Contains(sent, p.need) {
					continue
				}
				m := p.re.FindStringSubmatch(sent)
				if m == nil {
					continue
				}
				if p.zero {
					out[p.key] = 0
					continue
				}
				if n, err := strconv.ParseFloat(m[1], 64); err == nil {
					out[p.key] = n
				}
			}
		}
	}
	return out
}
