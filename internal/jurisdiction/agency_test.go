package jurisdiction

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestParseAgencyRealNames runs the agency list in testdata/agencies.csv (name,
// prior, site_id_code, expected_code, expected_type, expected_ambiguous, year).
func TestParseAgencyRealNames(t *testing.T) {
	f, err := os.Open("testdata/agencies.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	recs = recs[1:]
	if len(recs) < 200 {
		t.Fatalf("testdata has %d names, want at least 200", len(recs))
	}
	types := map[string]int{}
	for i, rec := range recs {
		name, prior, site, wantCode, wantType := rec[0], rec[1], rec[2], rec[3], rec[4]
		wantAmb, err := strconv.ParseBool(rec[5])
		if err != nil {
			t.Fatalf("line %d: %v", i+2, err)
		}
		year := 0
		if rec[6] != "" {
			if year, err = strconv.Atoi(rec[6]); err != nil {
				t.Fatalf("line %d: %v", i+2, err)
			}
		}
		types[wantType]++
		t.Run(strconv.Itoa(i+2)+"_"+name, func(t *testing.T) {
			a := ParseAgencyAt(name, prior, site, year)
			if a.Code != wantCode || a.Type != wantType || a.Ambiguous != wantAmb {
				t.Errorf("ParseAgencyAt(%q, %q, %q, %d) = code %q type %q ambiguous %v (%s); want %q %q %v",
					name, prior, site, year, a.Code, a.Type, a.Ambiguous, a.Reason, wantCode, wantType, wantAmb)
			}
			if a.Ambiguous && len(a.Candidates) < 2 {
				t.Errorf("ambiguous with candidates %v", a.Candidates)
			}
			if a.Code == "" && a.Reason == "" {
				t.Errorf("unresolved without a reason")
			}
			if a.Code != "" && (a.Confidence <= 0 || a.Confidence > 1) {
				t.Errorf("confidence %v out of (0,1]", a.Confidence)
			}
		})
	}
	for _, ty := range []string{TypeGovernment, TypeDepartment, TypeTownship, TypeDevelopmentZone, TypeOther} {
		if types[ty] == 0 {
			t.Errorf("testdata covers no %s", ty)
		}
	}
}

// TestAgencyNamesCoverSites checks that the agency list names every province of
// data/sites.csv.
func TestAgencyNamesCoverSites(t *testing.T) {
	sites := readSites(t)
	b, err := os.ReadFile("testdata/agencies.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, rec := range recs[1:] {
		if c := rec[3]; len(c) == 6 && c != CentralCode {
			covered[c[:2]] = true
		}
	}
	for _, s := range sites {
		if s.level == "province" && !covered[s.code[:2]] {
			t.Errorf("no agency of %s %s in testdata", s.code, s.name)
		}
	}
}

func TestParseAgencyConfidenceAndReason(t *testing.T) {
	base := ParseAgency("烟台市牟平区人民政府", "", "")
	tests := []struct {
		name, prior, site string
		higher            bool   // confidence higher than base
		reason            string // substring of Reason
	}{
		{"烟台市牟平区人民政府", "", "3706120001", true, "SiteIDCode 370612 agrees"},
		{"烟台市牟平区人民政府", "370612", "", true, "agrees with prior 370612"},
		{"烟台市牟平区人民政府", "", "3202010001", false, "SiteIDCode 320201 conflicts with 370612"},
		{"烟台市牟平区人民政府", "320100", "", false, "conflicts with prior 320100"},
		{"牟平区人民政府", "", "", false, "place 牟平区"},
	}
	for _, tt := range tests {
		t.Run(tt.name+tt.prior+tt.site, func(t *testing.T) {
			a := ParseAgency(tt.name, tt.prior, tt.site)
			if a.Code != "370612" {
				t.Fatalf("code %q, want 370612 (%s)", a.Code, a.Reason)
			}
			if tt.higher && a.Confidence <= base.Confidence || !tt.higher && a.Confidence >= base.Confidence {
				t.Errorf("confidence %v vs base %v, want higher=%v", a.Confidence, base.Confidence, tt.higher)
			}
			if !strings.Contains(a.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", a.Reason, tt.reason)
			}
		})
	}
}

func TestParseAgencyAmbiguous(t *testing.T) {
	a := ParseAgency("鼓楼区人民政府", "", "3203020001")
	want := []string{"320106", "320302", "350102", "410204"}
	if !a.Ambiguous || a.Code != "" || strings.Join(a.Candidates, ",") != strings.Join(want, ",") {
		t.Fatalf("got %+v, want ambiguous among %v", a, want)
	}
	if !strings.Contains(a.Reason, "SiteIDCode 320302 points to 320302") {
		t.Errorf("reason %q does not report the site id hint", a.Reason)
	}
	if a.Confidence > 0.3 {
		t.Errorf("confidence %v for an ambiguous name", a.Confidence)
	}
}

func TestParseAgencyValidity(t *testing.T) {
	tests := []struct {
		name   string
		year   int
		want   string
		reason string
	}{
		{"钢城区人民政府", 0, "370117", "abolished 371203 set aside"},
		{"钢城区人民政府", 2018, "371203", "year 2018 chose 371203"},
		{"蓬莱市人民政府", 0, "370684", "370684 蓬莱市 abolished 2020"},
		{"蓬莱市人民政府", 2019, "370684", ""},
		{"崇川区人民政府", 2021, "320613", "year 2021 chose 320613"},
	}
	for _, tt := range tests {
		t.Run(tt.name+strconv.Itoa(tt.year), func(t *testing.T) {
			a := ParseAgencyAt(tt.name, "", "", tt.year)
			if a.Code != tt.want || !strings.Contains(a.Reason, tt.reason) {
				t.Errorf("got %q (%s), want %q with %q", a.Code, a.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 烟台市牟平区人民政府 ", "烟台市牟平区人民政府"},
		{"2023年淮安市洪泽区人民政府政府信息公开工作年度报告", "淮安市洪泽区人民政府"},
		{"烟台市牟平区人民政府（本级）", "烟台市牟平区人民政府"},
		{"淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府"},
		{"关于2022年度山东省教育厅政府信息公开年报", "山东省教育厅"},
		{"烟台市　牟平区 教育和体育局", "烟台市牟平区教育和体育局"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseAgency(f *testing.F) {
	for _, s := range []string{"烟台市牟平区人民政府", "鼓楼区", "城关镇", "（", "2023年", ""} {
		f.Add(s, "", "")
	}
	f.Fuzz(func(t *testing.T, name, prior, site string) {
		a := ParseAgency(name, prior, site)
		if a.Ambiguous && a.Code != "" {
			t.Fatalf("ambiguous with code %q", a.Code)
		}
		if a.Confidence < 0 || a.Confidence > 1 {
			t.Fatalf("confidence %v", a.Confidence)
		}
		if a.Code != "" && a.Code != CentralCode {
			if _, ok := Lookup(a.Code); !ok {
				t.Fatalf("unknown code %q", a.Code)
			}
		}
	})
}

func TestParseAgencyForms(t *testing.T) {
	tests := []struct{ name, code, typ string }{
		{"石柱县人民政府", "500240", TypeGovernment},
		{"延边州人民政府", "222400", TypeGovernment},
		{"中国（山东）自由贸易试验区烟台片区管理委员会", "370600", TypeDevelopmentZone},
		{"山东省烟台市牟平区人民政府", "370612", TypeGovernment},
		{"烟台市牟平区人民代表大会常务委员会", "370612", TypeOther},
		{"中共烟台市牟平区委员会", "370612", TypeOther},
		{"东营市东营区人民政府", "370502", TypeGovernment},
		{"公安部", CentralCode, TypeDepartment},
		{"淮安市洪泽区人民政府办公室", "320813", TypeDepartment},
		{"烟台市自然资源和规划局牟平分局", "370612", TypeDepartment},
		{"烟台市生态环境局牟平分局", "370612", TypeDepartment},
		{"烟台市公安局交通警察支队", "370600", TypeDepartment},
	}
	for _, tt := range tests {
		a := ParseAgency(tt.name, "", "")
		if a.Code != tt.code || a.Type != tt.typ {
			t.Errorf("ParseAgency(%q) = %q %q (%s), want %q %q", tt.name, a.Code, a.Type, a.Reason, tt.code, tt.typ)
		}
	}
}

func TestParseAgencyUnknownPrior(t *testing.T) {
	a := ParseAgency("财政局", "999999", "")
	if a.Code != "" || !strings.Contains(a.Reason, `prior "999999" is no known division`) {
		t.Errorf("got %q (%s)", a.Code, a.Reason)
	}
}
