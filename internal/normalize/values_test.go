package normalize

import (
	"slices"
	"testing"
)

func TestParseValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		text  string
		money bool
		unit  string
		want  *float64
		flags []string
	}{
		{"", false, "", nil, nil},
		{"/", false, "", nil, nil},
		{"—", false, "", nil, nil},
		{"——", false, "", nil, nil},
		{"无", false, "", nil, nil},
		{"\u00a0", false, "", nil, nil},
		{"0", false, "", f(0), nil},
		{" 97 ", false, "", f(97), nil},
		{"９７", false, "", f(97), nil},
		{"1,234", false, "", f(1234), nil},
		{"1，234", false, "", f(1234), nil},
		{"+3", false, "", f(3), nil},
		{"-18", false, "", f(-18), nil},
		{"－18", false, "", f(-18), nil},
		{"+1036", false, "", f(1036), nil},
		{"22（其中修订16件）", false, "", f(22), []string{FlagAnnotated}},
		{"12件", false, "", f(12), nil},
		{"96171.6", true, Unit10kYuan, f(96171.6), nil},
		{"251000元", true, "", f(25.1), []string{FlagUnitYuan}},
		{"251000", true, UnitYuan, f(25.1), []string{FlagUnitYuan}},
		{"4722", true, "", f(4722), []string{FlagUnitAssumed}},
		{"4722万元", true, "", f(4722), nil},
		{"12.5万", true, "", f(12.5), nil},
		{"见附件", false, "", nil, []string{FlagUnparsed}},
		{"约30", false, "", nil, []string{FlagUnparsed}},
		{"1,2", false, "", nil, []string{FlagUnparsed}},
		{"30%", false, "", nil, []string{FlagUnparsed}},
	}
	for _, tt := range tests {
		got, flags := ParseValue(tt.text, tt.money, tt.unit)
		switch {
		case (got == nil) != (tt.want == nil):
			t.Errorf("ParseValue(%q) = %v, want %v", tt.text, got, tt.want)
		case got != nil && (*got-*tt.want > 1e-9 || *tt.want-*got > 1e-9):
			t.Errorf("ParseValue(%q) = %g, want %g", tt.text, *got, *tt.want)
		}
		if !slices.Equal(flags, tt.flags) {
			t.Errorf("ParseValue(%q) flags %v, want %v", tt.text, flags, tt.flags)
		}
	}
}

func TestUnitFromHeader(t *testing.T) {
	tests := map[string]string{
		"本年收费金额（单位：万元）": Unit10kYuan,
		"采购总金额（万元）":     Unit10kYuan,
		"采购总金额（元）":      UnitYuan,
		"采购总金额":         "",
	}
	for in, want := range tests {
		if got := UnitFromHeader(in); got != want {
			t.Errorf("UnitFromHeader(%q) = %q, want %q", in, got, want)
		}
	}
}
