package normalize

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// Units a header or a cell can state for money.
const (
	Unit10kYuan = "万元"
	UnitYuan    = "元"
)

// numberRe matches a printed number after Fold: sign, digits with optional thousands
// separators, decimals, then the rest (unit, annotation).
var numberRe = regexp.MustCompile(`^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(.*)$`)

// countUnits are count words that may follow a number without changing it.
var countUnits = []string{"件次", "件", "项", "个", "条", "次", "宗", "起", "人次", "人", "家", "份"}

// UnitFromHeader returns the money unit a header (or caption) states: Unit10kYuan, UnitYuan or "".
func UnitFromHeader(text string) string {
	f := Fold(text)
	switch {
	case strings.Contains(f, "万元"):
		return Unit10kYuan
	case strings.Contains(f, "元"):
		return UnitYuan
	}
	return ""
}

// ParseValue parses one printed cell. Blank markers give a nil value and no flags. A number may
// carry full-width digits, thousands separators, a sign, decimals, a count word (件, 项) and a
// trailing annotation in brackets (flag annotated). For a money column (moneyCol) the unit is
// the cell's own (元 → divided by 10,000 with flag unit_yuan; 万元 as is), else headerUnit (as
// returned by UnitFromHeader), else the value is taken as 万元 with flag unit_assumed. Text that
// is not a number gives nil with flag unparsed.
func ParseValue(text string, moneyCol bool, headerUnit string) (*float64, []string) {
	t := strings.TrimSpace(text)
	if cells.IsBlankText(t) {
		return nil, nil
	}
	f := Fold(t)
	f = strings.ReplaceAll(f, "，", ",")
	if f == "" || cells.IsBlankText(f) {
		return nil, nil
	}
	// Dashes used as minus signs before a number.
	for _, d := range []string{"—", "−", "–"} {
		if strings.HasPrefix(f, d) && len(f) > len(d) && f[len(d)] >= '0' && f[len(d)] <= '9' {
			f = "-" + f[len(d):]
		}
	}
	m := numberRe.FindStringSubmatch(f)
	if m == nil {
		return nil, []string{FlagUnparsed}
	}
	num, err := strconv.ParseFloat(m[1]+strings.ReplaceAll(m[2], ",", "")+m[3], 64)
	if err != nil {
		return nil, []string{FlagUnparsed}
	}
	rest := m[4]
	var flags []string
	cellUnit := ""
	switch {
	case strings.HasPrefix(rest, "万元"):
		cellUnit, rest = Unit10kYuan, rest[len("万元"):]
	case strings.HasPrefix(rest, "元"):
		cellUnit, rest = UnitYuan, rest[len("元"):]
	case strings.HasPrefix(rest, "万"):
		if moneyCol {
			cellUnit, rest = Unit10kYuan, rest[len("万"):]
		}
	default:
		for _, u := range countUnits {
			if strings.HasPrefix(rest, u) {
				rest = rest[len(u):]
				break
			}
		}
	}
	if rest != "" {
		if !strings.HasPrefix(rest, "(") && !strings.HasPrefix(rest, "[") && !strings.HasPrefix(rest, "<") {
			return nil, []string{FlagUnparsed}
		}
		flags = append(flags, FlagAnnotated)
	}
	if moneyCol {
		unit := cellUnit
		if unit == "" {
			unit = headerUnit
		}
		switch unit {
		case UnitYuan:
			num /= 10000
			flags = append(flags, FlagUnitYuan)
		case Unit10kYuan:
		default:
			flags = append(flags, FlagUnitAssumed)
		}
	}
	return &num, flags
}

// isNumeric reports whether printed text parses as a number (not blank, not unparsed).
func isNumeric(text string) bool {
	v, _ := ParseValue(text, false, "")
	return v != nil
}

// isValueText reports whether printed text can sit in a value cell: a number or a blank marker.
func isValueText(text string) bool {
	if cells.IsBlankText(text) {
		return true
	}
	return isNumeric(text)
}

// isLabelText reports whether printed text is a label: not a value and carrying letters.
func isLabelText(text string) bool {
	if isValueText(text) {
		return false
	}
	for _, r := range text {
		if r > 0x2E80 || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return true
		}
	}
	return false
}
