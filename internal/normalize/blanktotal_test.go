package normalize_test

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// TestBlankTotalBesideSubtotalNotRealigned: a t3 with a 小计 column and its 总计 printed blank
// passes every assessable check as printed, so no realignment may move the 小计 numbers into the
// blank 总计 (found by the crawler's end-to-end test on an all-zero table, where any shift
// "passes"). Totals stay blank, nothing is flagged realigned.
func TestBlankTotalBesideSubtotalNotRealigned(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewSource(seed))
		v := reportgen.New(rng, "烟台市牟平区人民政府", 2022, reportgen.Options{
			Layout: cells.Gov2021,
			Quirks: []string{reportgen.QuirkSubtotalCol, reportgen.QuirkTotalBlank},
		})
		doc, err := extract.HTML(v.HTML(), "")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := normalize.Normalize(doc)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Values()
		for _, c := range rep.Cells {
			if slices.Contains(c.Flags, normalize.FlagRealigned) {
				t.Fatalf("seed %d: %s flagged realigned (notes %v)", seed, c.Key, rep.Notes)
			}
		}
		for k, want := range v.Truth {
			g := got[k]
			if (g == nil) != (want == nil) || (g != nil && *g != *want) {
				t.Errorf("seed %d: %s = %v, want %v", seed, k, g, want)
			}
		}
	}
}
