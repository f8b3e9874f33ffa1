package extract

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ogireports/ogireports/internal/testutil"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		want      []string // shape(d)
		wantEnc   string
		wantFlags []string
	}{
		{
			name:    "line endings and trimming",
			data:    []byte("  标题 \r\n\r\n一、总体情况\r（一）主动公开\n\n\t92\u3000\n"),
			want:    []string{"标题", "一、总体情况", "（一）主动公开", "92"},
			wantEnc: "utf-8",
		},
		{
			name:    "one value per line kept apart, inner spaces kept",
			data:    []byte("自然人\n商业企业\n0\n0\n索 引 号\n"),
			want:    []string{"自然人", "商业企业", "0", "0", "索 引 号"},
			wantEnc: "utf-8",
		},
		{
			name:      "undeclared GBK",
			data:      gb(t, "年度报告\r\n一、总体情况\r\n"),
			want:      []string{"年度报告", "一、总体情况"},
			wantEnc:   "gb18030",
			wantFlags: []string{FlagEncodingDetected},
		},
		{
			name:    "UTF-8 BOM",
			data:    append([]byte{0xEF, 0xBB, 0xBF}, "报告\n92"...),
			want:    []string{"报告", "92"},
			wantEnc: "utf-8",
		},
		{
			name:    "UTF-16LE BOM",
			data:    []byte{0xFF, 0xFE, 0x3F, 0x65, 0x9C, 0x5E, '\n', 0, '9', 0, '2', 0},
			want:    []string{"政府", "92"},
			wantEnc: "utf-16le",
		},
		{
			name:      "UTF-16LE without BOM",
			data:      []byte{'a', 0, 'b', 0, '\r', 0, '\n', 0, '9', 0, '2', 0},
			want:      []string{"ab", "92"},
			wantEnc:   "utf-16le",
			wantFlags: []string{FlagEncodingDetected},
		},
		{
			name: "markdown table",
			data: []byte("三、申请情况\n| 项目 | 自然人 | 总计 |\n|---|:---:|---:|\n| 一、本年新收 | 92 | 97 |\n| 二、上年结转 |  | 3 |\n四、复议\n"),
			want: []string{"三、申请情况", "T3x3", "四、复议"},
		},
		{
			name: "pipe lines without a separator stay lines",
			data: []byte("| a | b |\n| c | d |\n"),
			want: []string{"| a | b |", "| c | d |"},
		},
		{
			name:    "a line of only U+00A0 or U+3000 is a blank position, a leading one is dropped",
			data:    []byte("\u00a0\n标题\n规章\n\u00a0\n\u3000\u3000\n\n3\n  \n"),
			want:    []string{"标题", "规章", "", "", "3"},
			wantEnc: "utf-8",
		},
		{
			name: "tab-separated row keeps the tabs delimiting empty cells",
			data: []byte("标题\n  一、本年新收\t3\t\t0\t \n\t92\n"),
			want: []string{"标题", "一、本年新收\t3\t\t0\t", "92"},
		},
		{
			name: "double-spaced: 2k+1 empty lines between two lines are k blanks",
			data: []byte("标题\n\n" + strings.Repeat("a\n\n", 10) + "规章\n\n\n\n1\n\n\n\n\n\n2\n\n\n3\n\n\u00a0\n\n4\n\n\n\n"),
			want: append(append([]string{"标题"}, strings.Split(strings.Repeat("a", 10), "")...),
				"规章", "", "1", "", "", "2", "3", "", "4"),
		},
		{
			name: "single-spaced: empty lines give no block",
			data: []byte("标题\n" + strings.Repeat("a\n", 12) + "规章\n\n\n\n1\n"),
			want: append(append([]string{"标题"}, strings.Split(strings.Repeat("a", 12), "")...), "规章", "1"),
		},
		{
			name: "two markdown tables split by a line",
			data: []byte("|a|b|\n|---|---|\n|1|2|\n（续表）\n|a|b|\n|---|---|\n|3|4|\n"),
			want: []string{"T2x2", "（续表）", "T2x2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Text(tc.data)
			if err != nil {
				t.Fatalf("Text: %v", err)
			}
			if got := shape(d); !slices.Equal(got, tc.want) {
				t.Errorf("blocks %q\nwant   %q", got, tc.want)
			}
			if d.Title != strings.TrimSpace(d.Blocks[0].Text) && d.Blocks[0].Kind == TextBlock {
				t.Errorf("title %q, want the first line %q", d.Title, d.Blocks[0].Text)
			}
			if tc.wantEnc != "" && d.Encoding != tc.wantEnc {
				t.Errorf("encoding %q, want %q", d.Encoding, tc.wantEnc)
			}
			if !slices.Equal(d.Flags, tc.wantFlags) {
				t.Errorf("flags %v, want %v", d.Flags, tc.wantFlags)
			}
			if d.MediaType != MediaText {
				t.Errorf("media type %q", d.MediaType)
			}
		})
	}
}

func TestTextMarkdownGrid(t *testing.T) {
	d, err := Text([]byte("| 项目 | 本年新<br>制作数量 | 总计 |\n| --- | --- | --- |\n| 规章 | 0 |\n| a \\| b | 1 | 2 |\n"))
	if err != nil {
		t.Fatal(err)
	}
	ts := tables(d)
	if len(ts) != 1 {
		t.Fatalf("blocks %q", shape(d))
	}
	if got, want := gridString(ts[0]), "项目|本年新/制作数量|总计\n规章|0|\na | b|1|2"; got != want {
		t.Errorf("grid\n%s\nwant\n%s", got, want)
	}
}

func TestTextMeta(t *testing.T) {
	d, err := Text([]byte("某区2022年政府信息公开工作年度报告\n发布时间:2023-01-17 10:40:09\n来源：区政府办\n发布机构\n某区人民政府\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta["发布时间"] != "2023-01-17 10:40:09" || d.Meta["来源"] != "区政府办" || d.Meta["发布机构"] != "某区人民政府" {
		t.Errorf("meta %v", d.Meta)
	}
}

// TestTextMetaAcrossBlank reads a label and its value printed with a blank line between them in
// double-spaced text.
func TestTextMetaAcrossBlank(t *testing.T) {
	d, err := Text([]byte("某区2022年政府信息公开工作年度报告\n\n发布机构\n\n\u00a0\n\n某区人民政府\n\n" + strings.Repeat("正文\n\n", 10)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta["发布机构"] != "某区人民政府" {
		t.Errorf("meta %v", d.Meta)
	}
	if d.Blocks[2].Text != "" {
		t.Errorf("block 2 %q, want the blank", d.Blocks[2].Text)
	}
}

func TestTextErrors(t *testing.T) {
	for _, data := range [][]byte{nil, []byte(" \r\n\u3000\n")} {
		if _, err := Text(data); !errors.Is(err, ErrEmpty) {
			t.Errorf("Text(%q) error %v, want ErrEmpty", data, err)
		}
	}
	defer func(n int) { MaxTextBytes = n }(MaxTextBytes)
	MaxTextBytes = 10
	if _, err := Text([]byte("一二三四五六七八")); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over limit: %v, want ErrTooLarge", err)
	}
}

// TestTextMuping checks the flattened text of the seed report: one block per non-empty line,
// plus the blank positions of the double-spaced text.
func TestTextMuping(t *testing.T) {
	path := testutil.RealData(t, "muping_2022.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	d, err := Text(data)
	if err != nil {
		t.Fatal(err)
	}
	nonEmpty := 0
	for l := range strings.SplitSeq(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			nonEmpty++
		}
	}
	texts, blanks, firstBlank := 0, 0, -1
	for i, b := range d.Blocks {
		switch {
		case b.Kind != TextBlock:
		case b.Text == "":
			blanks++
			if firstBlank < 0 {
				firstBlank = i
			}
		default:
			texts++
		}
	}
	// 346 lines hold something, 9 of them only &nbsp; (U+00A0) between prose paragraphs: blank
	// positions. The text is double-spaced, and one run of 3 empty lines (before the signature)
	// is one more blank; a run of 2 is none.
	if nonEmpty != 337 || texts != nonEmpty || blanks != 10 {
		t.Errorf("%d text blocks for %d non-empty lines and %d blanks, want 337, 337, 10", texts, nonEmpty, blanks)
	}
	// All blanks are in the prose after the tables (五、存在的主要问题…).
	five := slices.IndexFunc(d.Blocks, func(b Block) bool { return strings.HasPrefix(b.Text, "五、") })
	if five < 0 || firstBlank < five {
		t.Errorf("first blank block %d before section 五 at %d", firstBlank, five)
	}
	if d.Title != "烟台市牟平区人民政府2022年政府信息公开工作年度报告" {
		t.Errorf("title %q", d.Title)
	}
	i := slices.IndexFunc(d.Blocks, func(b Block) bool { return b.Text == "一、本年新收政府信息公开申请数量" })
	if i < 0 || i+1 >= len(d.Blocks) {
		t.Fatalf("line 一、本年新收政府信息公开申请数量 not found as a block")
	}
	if d.Blocks[i+1].Text != "92" {
		t.Errorf("block after 一、本年新收 is %q, want 92", d.Blocks[i+1].Text)
	}
	if d.Meta["发布时间"] != "2023-01-17 10:40:09" {
		t.Errorf("meta %v", d.Meta)
	}
}
