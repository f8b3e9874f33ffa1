package reportgen

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// specs returns the three specs of the variant in printed order.
func (v *Variant) specs() []cells.Spec {
	t2, _ := cells.SpecFor(cells.T2, v.LayoutT2)
	t3, _ := cells.SpecFor(cells.T3, v.LayoutT3)
	return []cells.Spec{t2, t3, cells.T4Spec}
}

// Keys returns every key of the variant's specs (t2, t3, t4) in printed order.
func (v Variant) Keys() []string {
	var out []string
	for _, s := range v.specs() {
		out = append(out, s.Keys()...)
	}
	return out
}

// blankMarkers returns the printed blank markers the variant uses, in a fixed order.
func (v *Variant) blankMarkers() []string {
	var out []string
	for _, q := range []struct{ q, m string }{
		{QuirkBlankNbsp, ""}, {QuirkBlankSlash, "/"}, {QuirkBlankDash, "—"}, {QuirkBlankWu, "无"},
	} {
		if v.has(q.q) {
			out = append(out, q.m)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

func (v *Variant) hasBlankQuirk() bool {
	return v.has(QuirkBlankNbsp) || v.has(QuirkBlankSlash) || v.has(QuirkBlankDash) || v.has(QuirkBlankWu)
}

// applyBlanks turns the truth of some cells blank, as the blank quirks ask.
func (v *Variant) applyBlanks(r *rand.Rand) {
	t2 := func(row, col string) string { return cells.Key(cells.T2, row, col) }
	if v.hasBlankQuirk() {
		// a district without rule-making power leaves the 规章 row blank
		spec, _ := cells.SpecFor(cells.T2, v.LayoutT2)
		row, _ := spec.Row("regulations")
		for _, c := range row.Cols {
			v.Truth[t2("regulations", c.Key)] = nil
		}
		// and a few zero t3 cells of the small organisation columns
		spec3, _ := cells.SpecFor(cells.T3, v.LayoutT3)
		n := 2 + r.Intn(4)
		for _, row := range spec3.Rows[2 : len(spec3.Rows)-2] {
			if n == 0 {
				break
			}
			if r.Intn(3) != 0 {
				continue
			}
			for _, c := range []string{"research", "social_welfare", "legal_service"} {
				k := cells.Key(cells.T3, row.Key, c)
				if p := v.Truth[k]; p != nil && *p == 0 && n > 0 {
					v.Truth[k] = nil
					n--
				}
			}
		}
	}
	if v.has(QuirkTotalBlank) {
		for _, row := range cells.T4Spec.Rows {
			v.Truth[cells.Key(cells.T4, row.Key, "total")] = nil
		}
		spec3, _ := cells.SpecFor(cells.T3, v.LayoutT3)
		for _, row := range spec3.Rows {
			k := cells.Key(cells.T3, row.Key, "total")
			if p := v.Truth[k]; p != nil && *p == 0 {
				v.Truth[k] = nil
			}
		}
	}
}

// applyBreak changes values so that exactly the identity id fails (on one or two columns),
// with a difference that no column shift explains.
func (v *Variant) applyBreak(r *rand.Rand, id string) {
	add := func(k string, d float64) { *v.Truth[k] += d }
	d := float64(3 + r.Intn(7))
	k3 := func(row, col string) string { return cells.Key(cells.T3, row, col) }
	switch id {
	case cells.IDT3Balance:
		add(k3("new_received", "natural_person"), d)
		add(k3("new_received", "total"), d)
	case cells.IDT3ResultsSum:
		add(k3("granted", "natural_person"), d)
		add(k3("granted", "total"), d)
	case cells.IDT4RowTotal:
		add(cells.Key(cells.T4, "review", "upheld"), d)
	default:
		return
	}
	v.Broken = []string{id}
}

// fullWidth converts ASCII digits to full-width digits.
func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r = r - '0' + '０'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// thousands inserts thousands separators in the integer part of a number.
func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	var b []byte
	for i := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, ip[i])
	}
	out := string(b)
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// fillPrinted derives the printed text of every key from the truth and the quirks.
func (v *Variant) fillPrinted() {
	markers := v.blankMarkers()
	annotated := ""
	if v.has(QuirkAnnotation) {
		if v.LayoutT2 == cells.Gov2021 {
			annotated = cells.Key(cells.T2, "normative_documents", "in_force")
		} else {
			annotated = cells.Key(cells.T2, "normative_documents", "total_public")
		}
	}
	nb := 0
	v.Printed = map[string]string{}
	for i, key := range v.Keys() {
		p := v.Truth[key]
		if p == nil {
			v.Printed[key] = markers[nb%len(markers)]
			nb++
			continue
		}
		x := *p
		_, _, col, _ := cells.SplitKey(key)
		s := num(x)
		switch {
		case col == "amount_10k_yuan" && v.has(QuirkMoneyYuan) && v.LayoutT2 == cells.Gov2019:
			s = fmt.Sprintf("%.0f元", math.Round(x*10000))
		case col == "change" && v.has(QuirkSignedChange) && x > 0:
			s = "+" + s
		}
		if v.has(QuirkThousands) && math.Abs(x) >= 1000 && !strings.HasSuffix(s, "元") {
			s = thousands(s)
		}
		if key == annotated {
			s = v.paren(fmt.Sprintf("%s（其中修订%d件）", s, 1+int(x)/3))
		}
		if v.has(QuirkFullwidthDigits) && (strings.HasPrefix(key, "t2.") || strings.HasPrefix(key, "t3.new_received.")) && i%2 == 0 {
			s = fullWidth(s)
		}
		v.Printed[key] = s
	}
}
