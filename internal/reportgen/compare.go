package reportgen

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
)

// Compare judges an extraction of v against its truth, by the acceptance rule every format's
// round-trip test applies: every truth key present with the same value (blank as blank, numbers
// exact), the agency and the year right; a deliberately broken variant reports each broken
// identity as a failed check and has no cell realigned; a consistent variant fails no identity
// of cells.md. It returns one line per problem (sorted), and how many truth cells were exact out
// of how many.
func Compare(v Variant, rep *normalize.Report) (problems []string, exact, total int) {
	got := rep.Values()
	for _, k := range v.Keys() {
		total++
		want := v.Truth[k]
		g, present := got[k]
		switch {
		case !present:
			problems = append(problems, fmt.Sprintf("%s: missing (want %s, printed %q)", k, fmtValue(want), v.Printed[k]))
		case (want == nil) != (g == nil), want != nil && math.Abs(*want-*g) > 1e-9:
			problems = append(problems, fmt.Sprintf("%s: got %s, want %s (printed %q)", k, fmtValue(g), fmtValue(want), v.Printed[k]))
		default:
			exact++
		}
	}
	if rep.Agency != v.Agency {
		problems = append(problems, fmt.Sprintf("agency: got %q (from %s), want %q", rep.Agency, rep.AgencySource, v.Agency))
	}
	if rep.Year != v.Year {
		problems = append(problems, fmt.Sprintf("year: got %d (from %s), want %d", rep.Year, rep.YearSource, v.Year))
	}
	failed := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status == cells.Fail {
			failed[c.ID] = true
		}
	}
	if len(v.Broken) > 0 {
		for _, id := range v.Broken {
			if !failed[id] {
				problems = append(problems, fmt.Sprintf("broken identity %s: no failed check reported", id))
			}
		}
		for _, c := range rep.Cells {
			if slices.Contains(c.Flags, normalize.FlagRealigned) {
				problems = append(problems, fmt.Sprintf("%s: flagged realigned on a broken variant", c.Key))
			}
		}
	} else {
		for _, c := range rep.Checks {
			if c.Status == cells.Fail && strings.HasPrefix(c.ID, "t") && c.ID != cells.IDT3CarryContinuity {
				problems = append(problems, fmt.Sprintf("check %s/%s failed on a consistent variant: %s", c.ID, c.Column, c.Detail))
			}
		}
	}
	sort.Strings(problems)
	return problems, exact, total
}

func fmtValue(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%g", *p)
}
