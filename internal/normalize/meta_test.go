package normalize

import (
	"os"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/testutil"
)

// textDoc builds a Document the way extract.Text does: each non-empty trimmed line is a
// TextBlock.
func textDoc(title string, meta map[string]string, text string) *extract.Document {
	doc := &extract.Document{MediaType: "text/plain", Title: title, Meta: meta}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			doc.Blocks = append(doc.Blocks, extract.Block{Kind: extract.TextBlock, Text: l})
		}
	}
	return doc
}

func TestReadMeta(t *testing.T) {
	tests := []struct {
		name  string
		doc   *extract.Document
		want  Meta
		notOK string // substring of NotReportReason, "" when it must be empty
	}{
		{
			name: "html title with site suffix",
			doc: textDoc("XX区2022年政府信息公开工作年度报告_政府信息公开年报_XX区人民政府", nil,
				"XX区2022年政府信息公开工作年度报告\n一、总体情况\n2022年，XX区…"),
			want: Meta{Title: "XX区2022年政府信息公开工作年度报告", Agency: "XX区", AgencySource: "title", Year: 2022, YearSource: "title"},
		},
		{
			name: "column name in <title>, report name in the first heading",
			doc: textDoc("XX县人民政府-政府信息公开年报", nil,
				"XX县林业局2023年政府信息公开工作年度报告\n来源：XX县林业局\n一、总体情况"),
			want: Meta{Title: "XX县林业局2023年政府信息公开工作年度报告", Agency: "XX县林业局", AgencySource: "title", Year: 2023, YearSource: "title"},
		},
		{
			name: "title over two lines, agency above (a scan or a PDF)",
			doc: textDoc("淮安市人民政府", nil,
				"淮安市人民政府\n2024年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据《条例》规定编制。"),
			want: Meta{Title: "淮安市人民政府2024年政府信息公开工作年度报告", Agency: "淮安市人民政府", AgencySource: "title", Year: 2024, YearSource: "title"},
		},
		{
			name: "关于 title in ArticleTitle, PubDate and SiteIDCode",
			doc: textDoc("首页", map[string]string{"ArticleTitle": "XX市交通运输局关于2022年政府信息公开工作的年度报告",
				"PubDate": "2023-01-30 16:20", "SiteIDCode": "3706000012"}, "正文"),
			want: Meta{Title: "XX市交通运输局关于2022年政府信息公开工作的年度报告", Agency: "XX市交通运输局", AgencySource: "title",
				Year: 2022, YearSource: "title", Published: "2023-01-30", SiteIDCode: "3706000012"},
		},
		{
			name: "no agency in title: publisher field with spaced key",
			doc: textDoc("2022年度政府信息公开年报", map[string]string{"发 布 机 构：": "XX市生态环境局", "发布日期": "2023年01月31日"},
				"2022年度政府信息公开年报\n正文"),
			want: Meta{Title: "2022年度政府信息公开年报", Agency: "XX市生态环境局", AgencySource: "publisher",
				Year: 2022, YearSource: "title", Published: "2023-01-31"},
		},
		{
			name: "ContentSource and statistical period",
			doc: textDoc("政府信息公开工作年度报告", map[string]string{"ContentSource": "【XX县人民政府办公室】"},
				"政府信息公开工作年度报告\n本年度报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n发布时间：2022-01-20 09:00:00"),
			want: Meta{Title: "政府信息公开工作年度报告", Agency: "XX县人民政府办公室", AgencySource: "meta",
				Year: 2021, YearSource: "body", Published: "2022-01-20"},
		},
		{
			name: "发布日期 preferred to 成文日期",
			doc: textDoc("XX市民政局2022年政府信息公开工作年度报告", nil,
				"索引号：11370600MB0000000X/2023-00012\n成文日期：2023-01-10\n发布日期：2023-01-17\n正文"),
			want: Meta{Title: "XX市民政局2022年政府信息公开工作年度报告", Agency: "XX市民政局", AgencySource: "title",
				Year: 2022, YearSource: "title", Published: "2023-01-17"},
		},
		{
			name: "signature and year opening the overview",
			doc: textDoc("政府信息公开年报", nil,
				"政府信息公开年报\n一、总体情况\n2022年，全县各级各部门认真贯彻…\n二、主动公开政府信息情况\n…\n六、其他需要报告的事项\n无。\nXX县自然资源局\n2023年1月17日\n政府信息公开年报"),
			want: Meta{Title: "政府信息公开年报", Agency: "XX县自然资源局", AgencySource: "signature",
				Year: 2022, YearSource: "body", Published: "2023-01-17"},
		},
		{
			name: "signature on one line, Chinese-numeral title year",
			doc: textDoc("二〇二二年度政府信息公开工作年度报告", nil,
				"正文\nXX镇人民政府 2023年2月3日"),
			want: Meta{Title: "二〇二二年度政府信息公开工作年度报告", Agency: "XX镇人民政府", AgencySource: "signature",
				Year: 2022, YearSource: "title", Published: "2023-02-03"},
		},
		{
			name: "Chinese-numeral signature date",
			doc: textDoc("2021年度政府信息公开年报", nil,
				"正文\nXX市水利局\n二〇二二年一月二十七日"),
			want: Meta{Title: "2021年度政府信息公开年报", Agency: "XX市水利局", AgencySource: "signature",
				Year: 2021, YearSource: "title", Published: "2022-01-27"},
		},
		{
			name: "agency from the body phrase",
			doc: textDoc("政府信息公开工作年度报告", nil,
				"根据《中华人民共和国政府信息公开条例》要求，编制并向社会公布XX镇人民政府2022年政府信息公开工作年度报告。\n正文"),
			want: Meta{Title: "政府信息公开工作年度报告", Agency: "XX镇人民政府", AgencySource: "body",
				Year: 2022, YearSource: "body"},
		},
		{
			name: "year never from the publication date",
			doc:  textDoc("XX局政府信息公开工作年度报告", map[string]string{"PubDate": "2023-01-10"}, "正文没有年份"),
			want: Meta{Title: "XX局政府信息公开工作年度报告", Agency: "XX局", AgencySource: "title", Published: "2023-01-10"},
		},
		{
			name: "agency after the year",
			doc:  textDoc("2017年XX区政府信息公开工作年度报告", nil, ""),
			want: Meta{Title: "2017年XX区政府信息公开工作年度报告", Agency: "XX区", AgencySource: "title", Year: 2017, YearSource: "title"},
		},
		{
			name: "agency in trailing brackets",
			doc:  textDoc("2022年政府信息公开工作年度报告（XX市审计局）", nil, ""),
			want: Meta{Title: "2022年政府信息公开工作年度报告（XX市审计局）", Agency: "XX市审计局", AgencySource: "title", Year: 2022, YearSource: "title"},
		},
		{
			name: "人民政府信息公开 keeps 政府",
			doc:  textDoc("XX区人民政府信息公开工作年度报告（2019年）", nil, ""),
			want: Meta{Title: "XX区人民政府信息公开工作年度报告（2019年）", Agency: "XX区人民政府", AgencySource: "title", Year: 2019, YearSource: "title"},
		},
		{
			name:  "explanatory note is not a report",
			doc:   textDoc("关于XX区2022年政府信息公开工作年度报告的说明", nil, "正文"),
			want:  Meta{Title: "关于XX区2022年政府信息公开工作年度报告的说明", Agency: "XX区", AgencySource: "title", Year: 2022, YearSource: "title"},
			notOK: "说明",
		},
		{
			name:  "format notice is not a report",
			doc:   textDoc("中华人民共和国政府信息公开工作年度报告格式", nil, "正文"),
			want:  Meta{Title: "中华人民共和国政府信息公开工作年度报告格式", Agency: "中华人民共和国", AgencySource: "title"},
			notOK: "格式",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadMeta(tt.doc)
			reason := got.NotReportReason
			got.NotReportReason = ""
			if got != tt.want {
				t.Errorf("ReadMeta:\n got %+v\nwant %+v", got, tt.want)
			}
			switch {
			case tt.notOK == "" && reason != "":
				t.Errorf("NotReportReason = %q, want none", reason)
			case tt.notOK != "" && !strings.Contains(reason, tt.notOK):
				t.Errorf("NotReportReason = %q, want it to mention %q", reason, tt.notOK)
			}
		})
	}
}

func TestReadMetaNil(t *testing.T) {
	if got := ReadMeta(nil); got != (Meta{}) {
		t.Errorf("ReadMeta(nil) = %+v, want zero", got)
	}
}

func TestCleanAgency(t *testing.T) {
	tests := []struct{ in, want string }{
		{"【烟台市牟平区人民政府】", "烟台市牟平区人民政府"},
		{" XX局关于 ", "XX局"},
		{"XX区人民政府办公室：", "XX区人民政府办公室"},
		{"（XX市财政局）", "XX市财政局"},
		{"2022年", ""},
		{"二〇二二", ""},
		{"X", ""},
		{"XX区2022年政府信息公开工作年度报告", ""},
	}
	for _, tt := range tests {
		if got := cleanAgency(tt.in); got != tt.want {
			t.Errorf("cleanAgency(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2023-01-17 10:40:09", "2023-01-17"},
		{"2023/1/7", "2023-01-07"},
		{"2023年3月31日", "2023-03-31"},
		{"２０２３年１月１７日", "2023-01-17"},
		{"二〇二三年十二月三十一日", "2023-12-31"},
		{"二〇二三年一月十日", "2023-01-10"},
		{"2023-13-01", ""},
		{"无日期", ""},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// TestReadMetaMuping reads the seed report, a flattened web page.
func TestReadMetaMuping(t *testing.T) {
	b, err := os.ReadFile(testutil.RealData(t, "muping_2022.txt"))
	if err != nil {
		t.Fatalf("read muping: %v", err)
	}
	got := ReadMeta(textDoc("", nil, string(b)))
	want := Meta{Title: "烟台市牟平区人民政府2022年政府信息公开工作年度报告", Agency: "烟台市牟平区人民政府", AgencySource: "title",
		Year: 2022, YearSource: "title", Published: "2023-01-17"}
	if got != want {
		t.Errorf("ReadMeta(muping):\n got %+v\nwant %+v", got, want)
	}
}
