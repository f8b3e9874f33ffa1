package simweb

import (
	"fmt"
	"strings"
	"testing"
)

func TestReplaceTables(t *testing.T) {
	img := func(n int) string { return fmt.Sprintf("i%d.png", n) }
	tests := []struct{ name, in, want string }{
		{"none", "<p>x</p>", "<p>x</p>"},
		{"two tables", "<p>a</p><table><tr><td>1</td></tr></table><p>b</p><TABLE border=1><tr><td>2</td></tr></TABLE>",
			`<p>a</p><p style="text-align:center"><img src="i1.png" border="0" alt=""></p><p>b</p><p style="text-align:center"><img src="i2.png" border="0" alt=""></p>`},
		{"layout table kept", `<table class="layout"><tr><td><p>t</p><table><tr><td>1</td></tr></table></td></tr></table>`,
			`<table class="layout"><tr><td><p>t</p><p style="text-align:center"><img src="i1.png" border="0" alt=""></p></td></tr></table>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := replaceTables(tc.in, img); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestPlaceholderPDF(t *testing.T) {
	b := string(placeholderPDF("x(y)"))
	if !strings.HasPrefix(b, "%PDF-1.4") || !strings.HasSuffix(b, "%%EOF\n") {
		t.Fatalf("not a PDF: %.40q", b)
	}
	// The xref offset points at the xref table.
	i := strings.LastIndex(b, "startxref\n")
	var off int
	fmt.Sscanf(b[i+len("startxref\n"):], "%d", &off)
	if !strings.HasPrefix(b[off:], "xref\n") {
		t.Errorf("startxref %d does not point at xref", off)
	}
	if len(tablePNG()) < 50 || string(tablePNG()[1:4]) != "PNG" {
		t.Errorf("table PNG invalid")
	}
}
