package reportgen

import (
	"fmt"
	"sort"
)

// Representative returns, in ascending order, the indices of a subset of vs that covers every
// quirk, every layout combination, both encodings and every deliberately broken identity
// (chosen greedily), padded with every step-th variant up to at least min. Round-trip tests of
// slow formats (DOC and PDF through LibreOffice) run this subset by default and all variants on
// request.
func Representative(vs []Variant, min, step int) []int {
	return RepresentativeBy(vs, min, step, func(v Variant) []string {
		f := Features(v)
		for _, b := range v.Broken {
			f = append(f, "break:"+b)
		}
		return f
	})
}

// Features are the coverage features of a variant: its layouts, encoding, whether it is
// broken, and its quirks.
func Features(v Variant) []string {
	f := []string{"t2:" + string(v.LayoutT2), "t3:" + string(v.LayoutT3), "enc:" + v.Encoding,
		fmt.Sprint("broken:", len(v.Broken) > 0)}
	for _, q := range v.Quirks {
		f = append(f, "q:"+q)
	}
	return f
}

// RepresentativeBy is Representative over the coverage features that features names.
func RepresentativeBy(vs []Variant, min, step int, features func(Variant) []string) []int {
	covered := map[string]bool{}
	picked := map[int]bool{}
	var out []int
	for {
		best, bestN := -1, 0
		for i, v := range vs {
			n := 0
			for _, f := range features(v) {
				if !covered[f] {
					n++
				}
			}
			if !picked[i] && n > bestN {
				best, bestN = i, n
			}
		}
		if best < 0 {
			break
		}
		picked[best] = true
		out = append(out, best)
		for _, f := range features(vs[best]) {
			covered[f] = true
		}
	}
	if step < 1 {
		step = 1
	}
	for i := 0; len(out) < min && i < len(vs); i += step {
		if !picked[i] {
			picked[i] = true
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}
