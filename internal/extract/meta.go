package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MetaLabels are the labels of the visible metadata fields of a report page (the 信息公开
// block above the body) that HTML and Text copy into Document.Meta, keyed by the label with
// its spaces removed. Longer labels come first so that 信息来源 wins over 来源.
var MetaLabels = []string{
	"索引号", "发布机构", "发文机关", "信息来源", "文章来源", "来源", "成文日期", "发布日期",
	"发文日期", "发布时间", "生成日期", "主题分类", "组配分类", "分类", "发文字号", "文号",
	"有效性", "公开方式", "公开时限", "公开范围",
}

// maxMetaValueRunes bounds a metadata value read from running text.
const maxMetaValueRunes = 120

var (
	reMetaField *regexp.Regexp
	// reNextLabel finds where the next "label：" of a metadata line starts.
	reNextLabel = regexp.MustCompile(`[\p{Han}]{2,8}\s*[：:]`)
	metaLabel   = map[string]bool{}
)

func init() {
	alts := make([]string, 0, len(MetaLabels))
	for _, l := range MetaLabels {
		metaLabel[l] = true
		var parts []string
		for _, r := range l {
			parts = append(parts, regexp.QuoteMeta(string(r)))
		}
		alts = append(alts, strings.Join(parts, `\s*`))
	}
	reMetaField = regexp.MustCompile(`(` + strings.Join(alts, "|") + `)\s*[：:]\s*`)
}

// labelKey returns the metadata key of a cell or span that holds only a label ("索 引 号："),
// or "".
func labelKey(s string) string {
	k := strings.TrimRight(removeSpaces(s), "：:")
	if metaLabel[k] {
		return k
	}
	return ""
}

// setMeta stores a metadata value unless the key already has one (the first occurrence, the
// page's metadata block, wins over later mentions in the body).
func setMeta(meta map[string]string, key, value string) {
	value = strings.TrimSpace(value)
	if key == "" || value == "" || labelKey(value) != "" {
		return
	}
	if _, ok := meta[key]; !ok {
		meta[key] = value
	}
}

// scanMetaText reads "label：value" fields from one line of text, such as
// "发布日期：2023-01-17 来源：区政府办". A value runs to the next "label：" or the end.
func scanMetaText(meta map[string]string, line string) {
	if !strings.ContainsAny(line, "：:") {
		return
	}
	locs := reMetaField.FindAllStringSubmatchIndex(line, -1)
	for _, loc := range locs {
		key := removeSpaces(line[loc[2]:loc[3]])
		rest := line[loc[1]:]
		if next := reNextLabel.FindStringIndex(rest); next != nil {
			rest = rest[:next[0]]
		}
		rest = strings.TrimRight(strings.TrimSpace(rest), "|｜【[（(,，;；")
		rest = strings.TrimSpace(rest)
		if utf8.RuneCountInString(rest) > maxMetaValueRunes {
			continue
		}
		setMeta(meta, key, rest)
	}
}

// scanMetaTable reads label/value pairs from a table: a cell holding only a label gives its
// value in the next cell of the row (that is not a copy of the label cell), and a cell holding
// "label：value" is read as text.
func scanMetaTable(meta map[string]string, t *Table) {
	for _, row := range t.Rows {
		for j := 0; j < len(row); j++ {
			c := row[j]
			if c.Spanned {
				continue
			}
			if k := labelKey(c.Text); k != "" {
				for n := j + 1; n < len(row); n++ {
					v := row[n]
					if v.OriginRow == c.OriginRow && v.OriginCol == c.OriginCol {
						continue
					}
					setMeta(meta, k, strings.ReplaceAll(v.Text, "\n", " "))
					break
				}
				continue
			}
			if len(c.Text) < 4*maxMetaValueRunes {
				scanMetaText(meta, strings.ReplaceAll(c.Text, "\n", " "))
			}
		}
	}
}

// scanMetaBlocks reads the metadata fields of a document's blocks: "label：value" text, a
// block holding only a label followed by a text block holding its value (label and value
// printed as separate elements or lines), and label/value table cells.
func scanMetaBlocks(meta map[string]string, blocks []Block) {
	for i, b := range blocks {
		switch b.Kind {
		case TextBlock:
			if k := labelKey(b.Text); k != "" {
				if i+1 < len(blocks) && blocks[i+1].Kind == TextBlock {
					setMeta(meta, k, blocks[i+1].Text)
				}
				continue
			}
			if len(b.Text) < 16*maxMetaValueRunes {
				scanMetaText(meta, b.Text)
			}
		case TableBlock:
			scanMetaTable(meta, b.Table)
		}
	}
}
