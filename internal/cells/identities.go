package cells

import (
	"fmt"
	"math"
	"strings"
)

// Status is the outcome of one identity check.
type Status string

// Check statuses.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	NotAssessable Status = "not_assessable"
)

// Identity ids of cells.md.
const (
	IDT3Balance         = "t3.balance"
	IDT3ResultsSum      = "t3.results_sum"
	IDT3RowTotal        = "t3.row_total"
	IDT4RowTotal        = "t4.row_total"
	IDT3CarryContinuity = "t3.carry_continuity"
)

// Check is one identity evaluated on one column (t3.balance, t3.results_sum) or one row
// (t3.row_total, t4.row_total).
type Check struct {
	ID string
	// Column is the column key for column identities and the row key for row identities.
	Column string
	Status Status
	// Left and Right are the two sides of the identity (valid when Status != NotAssessable).
	Left, Right float64
	// Detail spells the identity with its numbers, or names the blank keys.
	Detail string
}

// Values maps full cell keys to parsed values; a missing key or a nil pointer is blank.
type Values map[string]*float64

// Get returns the value of key and whether it is present and non-blank.
func (v Values) Get(key string) (float64, bool) {
	p, ok := v[key]
	if !ok || p == nil {
		return 0, false
	}
	return *p, true
}

// T3ResultRows returns the result row keys summed by t3.results_sum for a t3 layout.
func T3ResultRows(l Layout) []string {
	s, ok := SpecFor(T3, l)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range s.Rows {
		switch r.Key {
		case "new_received", "carried_over", "total_processed", "carried_forward":
			continue
		}
		out = append(out, r.Key)
	}
	return out
}

// sumCheck evaluates left-sum == right-sum over keys, not assessable if any key is blank.
func sumCheck(v Values, id, column string, left, right []string) Check {
	var blanks []string
	sum := func(keys []string) float64 {
		var s float64
		for _, k := range keys {
			x, ok := v.Get(k)
			if !ok {
				blanks = append(blanks, k)
			}
			s += x
		}
		return s
	}
	l, r := sum(left), sum(right)
	c := Check{ID: id, Column: column}
	if len(blanks) > 0 {
		c.Status = NotAssessable
		c.Detail = "blank: " + strings.Join(blanks, ", ")
		return c
	}
	c.Left, c.Right = l, r
	if math.Abs(l-r) < 1e-6 {
		c.Status = Pass
	} else {
		c.Status = Fail
	}
	c.Detail = fmt.Sprintf("%s = %s; %s = %s", strings.Join(left, " + "), fmtNum(l), strings.Join(right, " + "), fmtNum(r))
	return c
}

func fmtNum(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}

// CheckT3 evaluates t3.balance, t3.results_sum (per column) and t3.row_total (per row) for a t3
// laid out as l. It returns nothing when l has no t3 spec.
func CheckT3(v Values, l Layout) []Check {
	spec, ok := SpecFor(T3, l)
	if !ok {
		return nil
	}
	k := func(row, col string) string { return Key(T3, row, col) }
	var out []Check
	results := T3ResultRows(l)
	for _, c := range T3Cols {
		out = append(out, sumCheck(v, IDT3Balance, c.Key,
			[]string{k("new_received", c.Key), k("carried_over", c.Key)},
			[]string{k("total_processed", c.Key), k("carried_forward", c.Key)}))
	}
	for _, c := range T3Cols {
		var parts []string
		for _, r := range results {
			parts = append(parts, k(r, c.Key))
		}
		out = append(out, sumCheck(v, IDT3ResultsSum, c.Key, []string{k("total_processed", c.Key)}, parts))
	}
	for _, r := range spec.Rows {
		var parts []string
		for _, c := range T3Cols[:6] {
			parts = append(parts, k(r.Key, c.Key))
		}
		out = append(out, sumCheck(v, IDT3RowTotal, r.Key, []string{k(r.Key, "total")}, parts))
	}
	return out
}

// CheckT4 evaluates t4.row_total for each of the three rows.
func CheckT4(v Values) []Check {
	var out []Check
	for _, r := range T4Spec.Rows {
		var parts []string
		for _, c := range T4Cols[:4] {
			parts = append(parts, Key(T4, r.Key, c.Key))
		}
		out = append(out, sumCheck(v, IDT4RowTotal, r.Key, []string{Key(T4, r.Key, "total")}, parts))
	}
	return out
}

// CheckContinuity evaluates t3.carry_continuity between the report of year Y (prev) and the
// report of year Y+1 (next) of the same agency, per column.
func CheckContinuity(prev, next Values) []Check {
	var out []Check
	for _, c := range T3Cols {
		a, okA := prev.Get(Key(T3, "carried_forward", c.Key))
		b, okB := next.Get(Key(T3, "carried_over", c.Key))
		ch := Check{ID: IDT3CarryContinuity, Column: c.Key}
		switch {
		case !okA || !okB:
			ch.Status = NotAssessable
			ch.Detail = "blank carried_forward (year Y) or carried_over (year Y+1)"
		default:
			ch.Left, ch.Right = a, b
			ch.Status = Pass
			if math.Abs(a-b) > 1e-6 {
				ch.Status = Fail
			}
			ch.Detail = fmt.Sprintf("carried_forward(Y) = %s; carried_over(Y+1) = %s", fmtNum(a), fmtNum(b))
		}
		out = append(out, ch)
	}
	return out
}

// Involves reports whether the identity evaluated by c reads the cell key: for a column
// identity of table 三 (balance, results sum), any t3 cell of that column; for a row total
// (t3.row_total, t4.row_total), any cell of that row of its table. Other identities involve
// no single cell here.
func (c Check) Involves(key string) bool {
	tb, row, col, ok := SplitKey(key)
	if !ok {
		return false
	}
	switch c.ID {
	case IDT3Balance, IDT3ResultsSum:
		return tb == T3 && col == c.Column
	case IDT3RowTotal:
		return tb == T3 && row == c.Column
	case IDT4RowTotal:
		return tb == T4 && row == c.Column
	}
	return false
}
