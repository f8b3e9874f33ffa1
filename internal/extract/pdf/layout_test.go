package pdf

import (
	"reflect"
	"strings"
	"testing"
)

// glyphs lays out s as characters of height h starting at (x, baseline y), advancing w per
// character; the characters listed in thin get a 1-point box at mid-height (一, quotes).
func glyphs(s string, x, y, w, h float64, thin string) []rawChar {
	var out []rawChar
	for _, r := range s {
		c := rawChar{R: r, X0: x, X1: x + w*0.9, Y0: y - h, Y1: y, Size: h}
		if strings.ContainsRune(thin, r) {
			c.Y0, c.Y1, c.Size = y-h/2-0.5, y-h/2+0.5, 1
		}
		out = append(out, c)
		x += w
	}
	return out
}

func TestCluster(t *testing.T) {
	tests := []struct {
		in   []float64
		tol  float64
		want []float64
	}{
		{nil, 2, nil},
		{[]float64{10, 10.5, 11}, 2, []float64{10.5}},
		{[]float64{30, 10, 11, 50}, 2, []float64{10.5, 30, 50}},
	}
	for _, tc := range tests {
		if got := cluster(tc.in, tc.tol); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("cluster(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		name  string
		chars []rawChar
		want  []string
	}{
		{"thin glyphs stay on their line", append(glyphs("第二十条第（一）项", 10, 100, 10, 9, "一"),
			glyphs("信息内容", 10, 130, 10, 9, "")...), []string{"第二十条第（一）项", "信息内容"}},
		{"raised quotes", glyphs("3.危及“三安全一稳定”", 10, 100, 10, 9, "“”一"), []string{"3.危及“三安全一稳定”"}},
		{"narrow digits are one number", glyphs("11", 10, 100, 8, 8, ""), []string{"11"}},
		{"vertical label one character per line", append(glyphs("三", 10, 100, 10, 9, ""),
			append(glyphs("本", 10, 115, 10, 9, ""), glyphs("年", 10, 130, 10, 9, "")...)...), []string{"三", "本", "年"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range lines(tc.chars) {
				got = append(got, l.text())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("lines = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPageNumberRe(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"- 5 -", true}, {"— 5 —", true}, {"12", true}, {"第3页", true}, {"3/12", true},
		{"2024年", false}, {"一、总体情况", false}, {"3001 53", false},
	}
	for _, tc := range tests {
		if got := pageNumberRe.MatchString(tc.s); got != tc.want {
			t.Errorf("pageNumberRe(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestGridSpans builds a grid from rules alone: a missing inner rule merges cells, a rule
// drawn in pieces counts as one, and hairline double rules collapse.
func TestGridSpans(t *testing.T) {
	edges := []edge{
		// Frame 0..300 x 0..90, rows at 30 and 60 (the row rule at 30 drawn in two pieces,
		// the one at 60 doubled 0.5 pt apart), columns at 100 and 200.
		{0, 0, 300, 0}, {0, 90, 300, 90}, {0, 0, 0, 90}, {300, 0, 300, 90},
		{0, 30, 150, 30}, {150, 30, 300, 30}, {0, 60, 300, 60}, {0, 60.5, 300, 60.5},
		// Column rule at 100 only below row 0 (row 0's first two cells merge).
		{100, 30, 100, 90}, {200, 0, 200, 90},
	}
	gs := findGrids(edges)
	if len(gs) != 1 {
		t.Fatalf("%d grids, want 1", len(gs))
	}
	g := gs[0]
	if len(g.xs) != 4 || len(g.ys) != 4 {
		t.Fatalf("xs %v ys %v, want 4 boundaries each", g.xs, g.ys)
	}
	tb := g.table(glyphs("A", 10, 20, 8, 8, ""), 1)
	if c := tb.Rows[0][1]; !c.Spanned || c.OriginCol != 0 || c.Text != "A" {
		t.Errorf("cell (0,1) = %+v, want a span of (0,0) with text A", c)
	}
	if c := tb.Rows[1][1]; c.Spanned {
		t.Errorf("cell (1,1) spanned, want its own cell")
	}
}

func TestBoxEdges(t *testing.T) {
	tests := []struct {
		name           string
		x0, y0, x1, y1 float64
		want           int
	}{
		{"dot", 0, 0, 1, 1, 0},
		{"horizontal rule", 0, 10, 100, 10.5, 1},
		{"vertical rule", 10, 0, 10.5, 100, 1},
		{"cell background", 0, 0, 100, 20, 4},
	}
	for _, tc := range tests {
		if got := len(boxEdges(tc.x0, tc.y0, tc.x1, tc.y1)); got != tc.want {
			t.Errorf("%s: %d edges, want %d", tc.name, got, tc.want)
		}
	}
}
