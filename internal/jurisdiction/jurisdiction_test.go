package jurisdiction

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

func TestEmbeddedCopyInSync(t *testing.T) {
	b, err := os.ReadFile("../../data/jurisdictions.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, []byte(jurisdictionsCSV)) {
		t.Fatal("internal/jurisdiction/jurisdictions.csv differs from data/jurisdictions.csv: run data/build_jurisdictions.sh")
	}
}

func TestDataShape(t *testing.T) {
	levels := map[Level]int{}
	for _, d := range Default().All() {
		levels[d.Level]++
		if d.Source == "" {
			t.Errorf("%s has no source", d.Code)
		}
		if d.Level != LevelProvince {
			p, ok := Lookup(d.ParentCode)
			if !ok {
				t.Errorf("%s: parent %q missing", d.Code, d.ParentCode)
			} else if d.Code[:2] != p.Code[:2] {
				t.Errorf("%s under %s of another province", d.Code, p.Code)
			}
		}
	}
	if levels[LevelProvince] != 31 {
		t.Errorf("%d provinces, want 31", levels[LevelProvince])
	}
	if levels[LevelPrefecture] < 333 || levels[LevelCounty] < 2840 {
		t.Errorf("levels %v: too few prefectures or counties", levels)
	}
}

func TestLookupChildrenFullName(t *testing.T) {
	tests := []struct {
		code, name, full, parent string
		level                    Level
	}{
		{"370612", "牟平区", "山东省烟台市牟平区", "370600", LevelCounty},
		{"370600", "烟台市", "山东省烟台市", "370000", LevelPrefecture},
		{"370000", "山东省", "山东省", "", LevelProvince},
		{"110105", "朝阳区", "北京市朝阳区", "110000", LevelCounty},
		{"429004", "仙桃市", "湖北省仙桃市", "420000", LevelCounty},
		{"371203", "钢城区", "山东省莱芜市钢城区", "371200", LevelCounty},
		{"320813", "洪泽区", "江苏省淮安市洪泽区", "320800", LevelCounty},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if !ok || d.Name != tt.name || d.ParentCode != tt.parent || d.Level != tt.level {
			t.Errorf("Lookup(%s) = %+v, %v", tt.code, d, ok)
		}
		if got := FullName(tt.code); got != tt.full {
			t.Errorf("FullName(%s) = %q, want %q", tt.code, got, tt.full)
		}
	}
	if _, ok := Lookup("999999"); ok {
		t.Error("Lookup(999999) found something")
	}
	if FullName("999999") != "" {
		t.Error("FullName of an unknown code is not empty")
	}
	var names []string
	for _, c := range Children("370600") {
		names = append(names, c.Name)
	}
	got := strings.Join(names, ",")
	for _, want := range []string{"芝罘区", "牟平区", "蓬莱区", "长岛县", "蓬莱市", "海阳市"} {
		if !strings.Contains(got, want) {
			t.Errorf("Children(370600) = %s, lacks %s", got, want)
		}
	}
	if len(Children("370612")) != 0 {
		t.Error("a county has children")
	}
}

func TestValidity(t *testing.T) {
	tests := []struct {
		code    string
		year    int
		want    bool
		current bool
	}{
		{"370684", 2019, true, false},
		{"370684", 2020, true, false},
		{"370684", 2021, false, false},
		{"370614", 2019, false, true},
		{"370614", 2024, true, true},
		{"370612", 2008, true, true},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if !ok {
			t.Fatalf("%s missing", tt.code)
		}
		if d.ValidIn(tt.year) != tt.want || d.Current() != tt.current {
			t.Errorf("%s in %d: valid %v current %v, want %v %v", tt.code, tt.year, d.ValidIn(tt.year), d.Current(), tt.want, tt.current)
		}
	}
}

func TestShortName(t *testing.T) {
	tests := map[string]string{
		"烟台市": "烟台", "牟平区": "牟平", "莒县": "莒县", "延边朝鲜族自治州": "延边",
		"黔东南苗族侗族自治州": "黔东南", "广西壮族自治区": "广西", "新疆维吾尔自治区": "新疆",
		"西藏自治区": "西藏", "内蒙古自治区": "内蒙古", "鄂伦春自治旗": "鄂伦春", "阿里地区": "阿里",
		"长阳土家族自治县": "长阳", "山东省": "山东", "锡林郭勒盟": "锡林郭勒", "神农架林区": "神农架",
	}
	for in, want := range tests {
		if got := ShortName(in); got != want {
			t.Errorf("ShortName(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	head := "code,name,level,parent_code,valid_from,valid_to,source\n"
	tests := map[string]string{
		"empty":          "",
		"short code":     head + "3706,烟台市,prefecture,,,,x\n",
		"unknown parent": head + "370612,牟平区,county,370600,,,x\n",
		"duplicate":      head + "370000,山东省,province,,,,x\n370000,山东省,province,,,,x\n",
		"fields":         head + "370000,山东省\n",
	}
	for name, in := range tests {
		if _, err := Load(strings.NewReader(in), nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	r, err := Load(strings.NewReader(head+"370000,山东省,province,,,,x\n"), strings.NewReader("county_code,name\n370000,某镇\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Lookup("370000"); !ok {
		t.Error("loaded registry lacks its row")
	}
	if _, err := Load(strings.NewReader(head+"370000,山东省,province,,,,x\n"), strings.NewReader("county_code,name\n999999,某镇\n")); err == nil {
		t.Error("township of an unknown county: no error")
	}
}

type site struct{ code, name, url, level, parent, checked string }

func readSites(t *testing.T) []site {
	t.Helper()
	f, err := os.Open("../../data/sites.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "code,name,url,level,parent_code,checked" {
		t.Fatalf("sites.csv header %v", recs[0])
	}
	var out []site
	for _, r := range recs[1:] {
		out = append(out, site{r[0], r[1], r[2], r[3], r[4], r[5]})
	}
	return out
}

// TestSitesRegistry checks data/sites.csv against the divisions: real codes and
// names, every province and prefecture, every county of 山东 and 江苏.
func TestSitesRegistry(t *testing.T) {
	sites := readSites(t)
	seen := map[string]bool{}
	hosts := map[string]string{}
	for _, s := range sites {
		d, ok := Lookup(s.code)
		if !ok || d.Name != s.name || string(d.Level) != s.level || d.ParentCode != s.parent || !d.Current() {
			t.Errorf("site %v does not match division %+v", s, d)
		}
		if s.checked != "no" {
			t.Errorf("site %s checked=%q, but nothing was checked online", s.code, s.checked)
		}
		if !strings.HasPrefix(s.url, "https://") || !strings.HasSuffix(s.url, ".gov.cn/") {
			t.Errorf("site %s url %q", s.code, s.url)
		}
		if prev, dup := hosts[s.url]; dup {
			t.Errorf("url %s shared by %s and %s", s.url, prev, s.code)
		}
		hosts[s.url] = s.code
		seen[s.code] = true
	}
	for _, d := range Default().All() {
		if !d.Current() {
			continue
		}
		want := d.Level != LevelCounty || d.Code[:2] == "37" || d.Code[:2] == "32"
		if want && !seen[d.Code] {
			t.Errorf("sites.csv lacks %s %s", d.Code, d.Name)
		}
	}
}
