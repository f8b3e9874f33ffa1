package normalize

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"（一）予以公开", "(一)予以公开"},
		{"商业\n企业", "商业企业"},
		{"规\u3000章 ", "规章"},
		{"本年收费金额（单位：万元）", "本年收费金额(单位:万元)"},
		{"危及“三安全一稳定”", `危及"三安全一稳定"`},
		{"１２３ＡＢｃ", "123abc"},
		{"1．属于国家秘密", "1.属于国家秘密"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitItemMarks(t *testing.T) {
	tests := []struct {
		in    string
		marks []ItemMark
		rest  string
	}{
		{"一、本年新收政府信息公开申请数量", []ItemMark{{"cn", 1}}, "本年新收政府信息公开申请数量"},
		{"（三）1.属于国家秘密", []ItemMark{{"pcn", 3}, {"num", 1}}, "属于国家秘密"},
		{"2、重复申请", []ItemMark{{"num", 2}}, "重复申请"},
		{"(4)保护第三方合法权益", []ItemMark{{"num", 4}}, "保护第三方合法权益"},
		{"（十二）其他", []ItemMark{{"pcn", 12}}, "其他"},
		{"三类内部事务信息", nil, "三类内部事务信息"},
		{"2022年", nil, "2022年"},
	}
	for _, tt := range tests {
		marks, rest := SplitItemMarks(Fold(tt.in))
		if !slices.Equal(marks, tt.marks) || rest != tt.rest {
			t.Errorf("SplitItemMarks(%q) = %v %q, want %v %q", tt.in, marks, rest, tt.marks, tt.rest)
		}
	}
}

func TestClassifyT3Label(t *testing.T) {
	tests := []struct {
		label   string
		group   int
		key     string
		isGroup bool
	}{
		{"一、本年新收政府信息公开申请数量", 0, "new_received", false},
		{"一、本年新收政府信息 公开申请数量", 0, "new_received", false},
		{"二、上年结转政府信息公开申请数量", 0, "carried_over", false},
		{"（二）部分公开", 0, "partly_granted", false},
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0, "partly_granted", false},
		{"2.其他法律行政止公开", 3, "denied_law_prohibited", false},     // known typo
		{"2．其他法律、行政法规禁止公开", 3, "denied_law_prohibited", false}, // variant
		{"3.危及\"三安全一稳定\"", 0, "denied_three_safeties", false},
		{"4.保护第三方的合法权益", 0, "denied_third_party", false}, // unseen variant
		{"1、本机关不掌握相关的政府信息", 0, "unable_not_held", false},
		{"3.补正后申请内容仍然不明确", 0, "unable_unclear", false},
		{"5.要求行政机关确认或重新出具已获取的信息", 0, "rejected_confirmation", false},
		{"3.其他", 6, "other_other", false},
		{"（七）总计", 0, "total_processed", false},
		{"四、结转下年度继续办理", 0, "carried_forward", false},
		{"五、结转下年度继续办理", 0, "carried_forward", false}, // misnumbered
		{"（三）不予公开", 0, "g3", true},
		{"（六）其他处理", 0, "g6", true},
		{"三、本年度办理结果", 0, groupResults, true},
		{"申请人情况", 0, "", false},
		{"行政许可", 0, "", false},
	}
	for _, tt := range tests {
		k, g := classifyT3Label(tt.label, tt.group)
		if k != tt.key || g != tt.isGroup {
			t.Errorf("classifyT3Label(%q, %d) = %q %v, want %q %v", tt.label, tt.group, k, g, tt.key, tt.isGroup)
		}
	}
}

// Sub-rows numbered alike in different groups are told apart by the group context.
func TestT3GroupContext(t *testing.T) {
	tests := []struct {
		label string
		group int
		key   string
	}{
		{"（三）1.属于国家秘密", 0, "denied_state_secret"},
		{"（四）1.本机关不掌握相关政府信息", 0, "unable_not_held"},
		{"1.属于国家秘密", 4, "denied_state_secret"}, // the text outweighs a wrong context
	}
	for _, tt := range tests {
		k, _ := classifyT3Label(tt.label, tt.group)
		if k != tt.key {
			t.Errorf("classifyT3Label(%q, %d) = %q, want %q", tt.label, tt.group, k, tt.key)
		}
	}
	// A short label that only the group tells apart.
	cands := []labelMatch{
		newLabelMatch("a", "1.其他", nil, "（三）不予公开"),
		newLabelMatch("b", "1.其他", nil, "（四）无法提供"),
	}
	for g, want := range map[int]string{3: "a", 4: "b"} {
		if k, _ := bestMatch(cands, "1.其他", g); k != want {
			t.Errorf("group %d: %q, want %q", g, k, want)
		}
	}
}

func TestT3ColumnKey(t *testing.T) {
	tests := []struct{ path, want string }{
		{"申请人情况", ""},
		{"自然人", "natural_person"},
		{"法人或其他组织商业企业", "commercial"},
		{"法人或其他组织商业企\n业", "commercial"},
		{"法人或其他组织科研\n机构", "research"},
		{"法人或其他组织社会公益组织", "social_welfare"},
		{"法人或其他组织法律服务机构", "legal_service"},
		{"法人或其他组织其他", "other_org"},
		{"法人或其他组织小计", colSubtotal},
		{"总计", "total"},
		{"法人或其他组织", ""},
	}
	for _, tt := range tests {
		if got := t3ColumnKey(tt.path); got != tt.want {
			t.Errorf("t3ColumnKey(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestT4Words(t *testing.T) {
	tests := []struct{ ctx, who, res string }{
		{"行政复议结果维持", "review", "upheld"},
		{"行政诉讼未经复议直接起诉结果纠正", "litigation_direct", "corrected"},
		{"行政诉讼未经复议直接诉讼其他结果", "litigation_direct", "other"},
		{"行政诉讼复议后起诉尚未审结", "litigation_after_review", "pending"},
		{"复议后起诉|总计", "litigation_after_review", "total"},
	}
	for _, tt := range tests {
		if w, r := t4Who(Fold(tt.ctx)), t4Result(Fold(tt.ctx)); w != tt.who || r != tt.res {
			t.Errorf("%q → %q %q, want %q %q", tt.ctx, w, r, tt.who, tt.res)
		}
	}
}

func TestSimilarity(t *testing.T) {
	if s := Similarity("属于国家秘密", "属于国家秘密"); s != 1 {
		t.Errorf("identical: %g", s)
	}
	if s := Similarity("保护第三方的合法权益", "保护第三方合法权益"); s < matchThreshold {
		t.Errorf("near variant: %g", s)
	}
	if s := Similarity("重复申请", "信访举报投诉类申请"); s >= matchThreshold {
		t.Errorf("different rows: %g", s)
	}
	if s := Similarity("", "x"); s != 0 {
		t.Errorf("empty: %g", s)
	}
}
