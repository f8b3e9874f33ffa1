package indicators

import (
	"github.com/ogireports/ogireports/internal/cells"
)

// Mapping says how one harmonised key is read under each layout.
type Mapping struct {
	// Key is the harmonised key (a cells.md key).
	Key string
	// Table is the table the key belongs to.
	Table cells.Table
	// Gov2019 and Gov2021 list the keys whose sum gives Key under each layout; empty when the
	// layout has no counterpart.
	Gov2019, Gov2021 []string
	// Comparable is true when Key means the same under both layouts and may form one series.
	// Layout-specific keys (every t2 key, the three gov2021 （六） rows) are listed with
	// Comparable false: they stay in their own layout's series.
	Comparable bool
	// Note explains a non-trivial mapping.
	Note string
}

var harmonised = buildHarmonised()

// Harmonised returns the documented harmonised view (a copy): every t3 and t4 key, comparable
// across gov2019 and gov2021, with t3.other.<col> the sum of the three gov2021 other_* rows, and
// every t2 key as layout-specific (never one series: e.g. t2.fees counts fee items in gov2019 and
// money in gov2021).
func Harmonised() []Mapping {
	out := make([]Mapping, len(harmonised))
	for i, m := range harmonised {
		m.Gov2019 = append([]string(nil), m.Gov2019...)
		m.Gov2021 = append([]string(nil), m.Gov2021...)
		out[i] = m
	}
	return out
}

var otherRows2021 = []string{"other_no_correction", "other_unpaid_fee", "other_other"}

func buildHarmonised() []Mapping {
	var out []Mapping
	s19, _ := cells.SpecFor(cells.T3, cells.Gov2019)
	s21, _ := cells.SpecFor(cells.T3, cells.Gov2021)
	in21 := map[string]bool{}
	for _, r := range s21.Rows {
		in21[r.Key] = true
	}
	for _, r := range s19.Rows {
		for _, c := range cells.T3Cols {
			k := cells.Key(cells.T3, r.Key, c.Key)
			m := Mapping{Key: k, Table: cells.T3, Gov2019: []string{k}, Comparable: true}
			if in21[r.Key] {
				m.Gov2021 = []string{k}
			} else {
				for _, o := range otherRows2021 {
					m.Gov2021 = append(m.Gov2021, cells.Key(cells.T3, o, c.Key))
				}
				m.Note = "gov2021 splits （六）其他处理 in three rows; harmonised = their sum"
			}
			out = append(out, m)
		}
	}
	for _, r := range s21.Rows {
		if s19Has(s19, r.Key) {
			continue
		}
		for _, c := range cells.T3Cols {
			k := cells.Key(cells.T3, r.Key, c.Key)
			out = append(out, Mapping{Key: k, Table: cells.T3, Gov2021: []string{k},
				Note: "gov2021 only; comparable only through t3.other"})
		}
	}
	for _, k := range cells.T4Spec.Keys() {
		out = append(out, Mapping{Key: k, Table: cells.T4, Gov2019: []string{k}, Gov2021: []string{k}, Comparable: true})
	}
	for _, l := range []cells.Layout{cells.Gov2019, cells.Gov2021} {
		s, _ := cells.SpecFor(cells.T2, l)
		for _, k := range s.Keys() {
			m := Mapping{Key: k, Table: cells.T2, Note: "t2 columns differ between layouts: layout-specific series"}
			if l == cells.Gov2019 {
				m.Gov2019 = []string{k}
			} else {
				m.Gov2021 = []string{k}
			}
			out = append(out, m)
		}
	}
	return out
}

func s19Has(s cells.Spec, row string) bool {
	_, ok := s.Row(row)
	return ok
}

// HarmonisedValues returns the comparable harmonised keys of a report with cells v and per-table
// layouts: each value is the sum of the layout's source keys, nil when any of them is blank or
// missing, and absent when the table's layout is neither gov2019 nor gov2021. Layout-specific
// keys are not included.
func HarmonisedValues(v cells.Values, layouts map[cells.Table]cells.Layout) cells.Values {
	out := cells.Values{}
	for _, m := range harmonised {
		if !m.Comparable {
			continue
		}
		var src []string
		switch layouts[m.Table] {
		case cells.Gov2019:
			src = m.Gov2019
		case cells.Gov2021:
			src = m.Gov2021
		default:
			if m.Table == cells.T4 {
				src = m.Gov2021 // t4 keys do not depend on the layout
			} else {
				continue
			}
		}
		var s float64
		ok := len(src) > 0
		for _, k := range src {
			x, present := v.Get(k)
			if !present {
				ok = false
				break
			}
			s += x
		}
		if ok {
			x := s
			out[m.Key] = &x
		} else {
			out[m.Key] = nil
		}
	}
	return out
}
