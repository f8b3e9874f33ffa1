package normalize

import (
	"strings"
	"testing"
)

func TestClassifyTitle(t *testing.T) {
	tests := []struct {
		title string
		want  TitleClass
		// reason, when set, must occur in the returned reason.
		reason string
	}{
		// Reports.
		{"烟台市牟平区人民政府2022年政府信息公开工作年度报告", TitleReport, "信息公开"},
		{"XX区2022年政府信息公开工作年度报告", TitleReport, ""},
		{"2022年度政府信息公开年报", TitleReport, "年报"},
		{"XX局关于2022年政府信息公开工作的年度报告", TitleReport, ""},
		{"南京市公安局2023年政府信息公开工作年度报告", TitleReport, ""},
		{"政府信息公开工作年度报告", TitleReport, ""},
		{"淮安市洪泽区人民政府2024年度政府信息公开工作年度报告", TitleReport, ""},
		{"XX镇人民政府二〇二二年政府信息公开工作年度报告", TitleReport, ""},
		{"【2021年】XX街道办事处政府信息公开工作年度报告", TitleReport, ""},
		{"XX市财政局2019年政府信息公开年度报告", TitleReport, ""},
		{"XX县2020年政务公开工作年度报告", TitleReport, "政务公开"},
		{"XX市人力资源和社会保障局 2022 年政府信息公开工作年度报告", TitleReport, ""},
		{"ＸＸ区２０２２年政府信息公开工作年度报告", TitleReport, ""},
		{"XX委员会政府信息公开年报（2018年）", TitleReport, ""},
		{"2017年XX区政府信息公开工作年度报告", TitleReport, ""},
		{"XX市教育局2023年度信息公开年报", TitleReport, ""},
		{"XX区人民政府办公室2021年政府信息公开工作年度报告（更正版）", TitleReport, ""},
		{"XX县卫生健康局关于2023年度政府信息公开工作年度报告", TitleReport, ""},
		{"XX供电公司2022年信息公开工作年度报告", TitleReport, ""},
		{"2012年度XX市政府信息公开工作年度报告", TitleReport, ""},
		{"XX区政府信息公开和政务公开工作年度报告（2022）", TitleReport, ""},
		// Not reports.
		{"中华人民共和国政府信息公开工作年度报告格式", TitleNotReport, "格式"},
		{"国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知", TitleNotReport, "格式"},
		{"关于做好2022年政府信息公开工作年度报告编制和发布工作的通知", TitleNotReport, "通知"},
		{"关于报送2023年度政府信息公开工作年度报告的通知", TitleNotReport, "通知"},
		{"关于XX区2022年政府信息公开工作年度报告的说明", TitleNotReport, "说明"},
		{"XX区2023年政务公开工作要点", TitleNotReport, "要点"},
		{"XX市2022年法治政府建设年度报告", TitleNotReport, "法治政府建设"},
		{"XX区2022年国民经济和社会发展统计公报", TitleNotReport, "统计公报"},
		{"图解：XX区2022年政府信息公开工作年度报告", TitleNotReport, "图解"},
		{"一图读懂XX区2022年政府信息公开工作年度报告解读", TitleNotReport, "解读"},
		{"关于2022年度政府信息公开工作年度报告情况的通报", TitleNotReport, "通报"},
		{"XX市2022年度政府网站工作年度报表", TitleUnknown, ""},
		{"XX公司2022年度企业年度报告", TitleNotReport, "企业"},
		{"XX区2022年统计年报", TitleNotReport, "统计"},
		{"XX区2022年度安全生产年度报告", TitleNotReport, "安全生产"},
		{"XX区2022年度社会组织年度报告公示", TitleNotReport, ""},
		{"XX区2022年度部门决算年度报告", TitleNotReport, "决算"},
		{"XX区2022年度环境状况年度报告", TitleNotReport, ""},
		{"XX市政府信息公开指南", TitleNotReport, "指南"},
		{"XX区2023年政务公开工作计划", TitleNotReport, "计划"},
		{"XX市人民政府2023年政府工作报告", TitleNotReport, "政府工作报告"},
		{"XX局2022年工作总结", TitleNotReport, "总结"},
		// Unknown.
		{"", TitleUnknown, "empty"},
		{"XX区人民政府", TitleUnknown, ""},
		{"XX区2022年度报告", TitleUnknown, ""},
		{"政府信息公开", TitleUnknown, "信息公开"},
		{"关于开展政府开放日活动的安排", TitleUnknown, ""},
	}
	reports, nots := 0, 0
	for _, tt := range tests {
		got, reason := ClassifyTitle(tt.title)
		if got != tt.want {
			t.Errorf("ClassifyTitle(%q) = %v (%s), want %v", tt.title, got, reason, tt.want)
			continue
		}
		if reason == "" {
			t.Errorf("ClassifyTitle(%q) gave no reason", tt.title)
		}
		if tt.reason != "" && !strings.Contains(reason, tt.reason) {
			t.Errorf("ClassifyTitle(%q) reason %q, want it to mention %q", tt.title, reason, tt.reason)
		}
		switch tt.want {
		case TitleReport:
			reports++
		case TitleNotReport:
			nots++
		}
	}
	if reports < 20 || nots < 20 {
		t.Errorf("want at least 20 titles each way, have %d reports and %d not reports", reports, nots)
	}
}

func TestTitleClassString(t *testing.T) {
	for c, want := range map[TitleClass]string{TitleReport: "report", TitleNotReport: "not_report", TitleUnknown: "unknown"} {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", c, got, want)
		}
	}
}

func TestYearFromTitle(t *testing.T) {
	tests := []struct {
		title string
		want  int
		ok    bool
	}{
		{"烟台市牟平区人民政府2022年政府信息公开工作年度报告", 2022, true},
		{"2022年度政府信息公开年报", 2022, true},
		{"XX局关于2019年政府信息公开工作的年度报告", 2019, true},
		{"XX镇人民政府二〇二二年政府信息公开工作年度报告", 2022, true},
		{"XX镇人民政府二零二一年度政府信息公开工作年度报告", 2021, true},
		{"ＸＸ区２０２３年政府信息公开工作年度报告", 2023, true},
		{"XX区 2024 年政府信息公开工作年度报告", 2024, true},
		{"XX委员会政府信息公开年报（2018）", 2018, true},
		{"XX区政府信息公开工作年度报告", 0, false},
		{"国办公开办函〔2021〕30号", 0, false},
		{"XX区1998年工作报告", 0, false},
		{"XX区人民政府2012年政府信息公开工作年度报告（2013年3月发布）", 2012, true},
	}
	for _, tt := range tests {
		got, ok := YearFromTitle(tt.title)
		if got != tt.want || ok != tt.ok {
			t.Errorf("YearFromTitle(%q) = %d, %v; want %d, %v", tt.title, got, ok, tt.want, tt.ok)
		}
	}
}
