package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// Caps of flattenDeep: how many nested elements of each kind stay open. Implied-end elements
// (p, li, td, tr, ...) are not counted: they add at most three levels under each counted
// block (table › tbody › tr › td), so 32 + 4×100 plus the document's own levels stay under the
// HTML parser's hard limit of 512 open elements.
const (
	flattenMaxInline = 32
	flattenMaxBlock  = 100
)

// impliedEnd are elements the HTML parser closes by itself (a new <td> closes the last one);
// they are not counted by flattenDeep.
var impliedEnd = map[string]bool{
	"p": true, "li": true, "td": true, "th": true, "tr": true, "dt": true, "dd": true,
	"option": true, "optgroup": true, "thead": true, "tbody": true, "tfoot": true,
	"colgroup": true, "caption": true, "rb": true, "rt": true, "rp": true, "rtc": true,
	"html": true, "head": true, "body": true,
}

// voidElements have no end tag and no content.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
	"param": true, "keygen": true,
}

// blockElements are the counted elements that structure a page; any other non-void element is
// inline (font, span, b, a, o:p, ...).
var blockElements = map[string]bool{
	"div": true, "table": true, "ul": true, "ol": true, "dl": true, "section": true,
	"article": true, "header": true, "footer": true, "main": true, "nav": true, "aside": true,
	"blockquote": true, "pre": true, "center": true, "form": true, "fieldset": true,
	"figure": true, "details": true, "menu": true, "address": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "select": true, "svg": true, "math": true,
	"object": true, "template": true, "frameset": true, "figcaption": true, "summary": true,
	"legend": true, "hgroup": true, "search": true, "dialog": true,
}

// tableParts are dropped along with a dropped <table>.
var tableParts = map[string]bool{
	"tbody": true, "thead": true, "tfoot": true, "tr": true, "td": true, "th": true,
	"caption": true, "colgroup": true, "col": true,
}

// flattenDeep rewrites a page whose elements nest deeper than the HTML parser accepts (pages
// with hundreds of unclosed <font> or <span> tags): inline start tags beyond flattenMaxInline
// open ones, and block start tags beyond flattenMaxBlock, are dropped so that their text joins
// the enclosing element. The parts of a dropped table go with it (a dropped cell leaves a
// space, a dropped row a line break). Everything else is kept byte for byte.
func flattenDeep(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	type open struct {
		name  string
		block bool
	}
	var stack []open
	inline, block, droppedTables := 0, 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := z.Raw()
			name, _ := z.TagName()
			n := string(name)
			switch {
			case droppedTables > 0 && n == "table":
				droppedTables++
				continue
			case droppedTables > 0 && tableParts[n]:
				switch n {
				case "td", "th":
					b.WriteByte(' ')
				case "tr":
					b.WriteString("<br>")
				}
				continue
			case tt == html.SelfClosingTagToken || voidElements[n] || impliedEnd[n]:
				b.Write(raw)
				continue
			}
			isBlock := blockElements[n]
			if (isBlock && block >= flattenMaxBlock) || (!isBlock && inline >= flattenMaxInline) {
				if n == "table" {
					droppedTables++
				}
				continue
			}
			if isBlock {
				block++
			} else {
				inline++
			}
			stack = append(stack, open{n, isBlock})
			b.Write(raw)
		case html.EndTagToken:
			raw := z.Raw()
			name, _ := z.TagName()
			n := string(name)
			if droppedTables > 0 && (n == "table" || tableParts[n]) {
				if n == "table" {
					droppedTables--
				}
				continue
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name != n {
					continue
				}
				for _, o := range stack[i:] {
					if o.block {
						block--
					} else {
						inline--
					}
				}
				stack = stack[:i]
				break
			}
			b.Write(raw)
		default:
			b.Write(z.Raw())
		}
	}
}
