// Package jurisdiction owns China's administrative divisions (GB/T 2260 codes of
// provinces, prefectures and county-level units, with validity for codes that
// changed) and the mapping of a government agency's name (XX市XX区人民政府,
// XX区教育和体育局, XX街道办事处, XX管委会 …) to the jurisdiction it belongs to.
//
// The divisions are embedded from jurisdictions.csv, a copy of
// data/jurisdictions.csv written by data/build_jurisdictions.sh; the township
// index townships.csv (镇/乡/街道 names and their county) is written by the same
// script. See README.md for sources and how current they are.
package jurisdiction

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed jurisdictions.csv
var jurisdictionsCSV string

//go:embed townships.csv
var townshipsCSV string

// Level is the level of a division.
type Level string

// The levels of divisions in jurisdictions.csv.
const (
	LevelProvince   Level = "province"
	LevelPrefecture Level = "prefecture"
	LevelCounty     Level = "county"
)

// CentralCode is the code this project gives the central government (国务院 and its
// departments). It is not a GB/T 2260 code and has no Division.
const CentralCode = "000000"

// Division is one row of jurisdictions.csv.
type Division struct {
	Code       string // 6-digit GB/T 2260 code
	Name       string // official name, e.g. 牟平区
	Level      Level
	ParentCode string // "" for provinces
	ValidFrom  string // YYYY, YYYY-MM or YYYY-MM-DD; "" = before the data's horizon
	ValidTo    string // same forms; "" = current
	Source     string // package@version or the source of a hand-added change
}

// Current reports whether the division still exists.
func (d Division) Current() bool { return d.ValidTo == "" }

// ValidIn reports whether the division existed during some part of year.
func (d Division) ValidIn(year int) bool {
	if d.ValidFrom != "" && yearOf(d.ValidFrom) > year {
		return false
	}
	if d.ValidTo != "" && yearOf(d.ValidTo) < year {
		return false
	}
	return true
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// nameRef is a division reachable under one name; full is false for a short
// alias (烟台 for 烟台市).
type nameRef struct {
	code string
	full bool
}

// Registry holds divisions and the name indexes used by ParseAgency. The zero
// value is empty; use Load or Default.
type Registry struct {
	divs     map[string]Division
	children map[string][]string
	names    map[string][]nameRef // full names and aliases → divisions
	maxName  int                  // longest key of names, in runes
	towns    map[string][]string  // township name → county codes
	maxTown  int
}

// Load reads a registry from a jurisdictions CSV (columns code,name,level,
// parent_code,valid_from,valid_to,source) and an optional township CSV (columns
// county_code,name; may be nil).
func Load(divisions, townships io.Reader) (*Registry, error) {
	r := &Registry{
		divs:     map[string]Division{},
		children: map[string][]string{},
		names:    map[string][]nameRef{},
		towns:    map[string][]string{},
	}
	recs, err := readAll(divisions, 7)
	if err != nil {
		return nil, fmt.Errorf("load divisions: %w", err)
	}
	for _, rec := range recs {
		d := Division{Code: rec[0], Name: rec[1], Level: Level(rec[2]), ParentCode: rec[3],
			ValidFrom: rec[4], ValidTo: rec[5], Source: rec[6]}
		if len(d.Code) != 6 || d.Name == "" {
			return nil, fmt.Errorf("load divisions: bad row %q", rec)
		}
		if _, dup := r.divs[d.Code]; dup {
			return nil, fmt.Errorf("load divisions: duplicate code %s", d.Code)
		}
		r.divs[d.Code] = d
	}
	for code, d := range r.divs {
		if d.ParentCode != "" {
			if _, ok := r.divs[d.ParentCode]; !ok {
				return nil, fmt.Errorf("load divisions: %s: unknown parent %s", code, d.ParentCode)
			}
			r.children[d.ParentCode] = append(r.children[d.ParentCode], code)
		}
		r.addName(d.Name, nameRef{code: code, full: true})
		if s := ShortName(d.Name); s != d.Name {
			r.addName(s, nameRef{code: code})
			// Autonomous units are often called by the short name and the last
			// character of their type: 石柱县, 延边州, 鄂伦春旗.
			for _, suf := range []string{"自治县", "自治州", "自治旗"} {
				if strings.HasSuffix(d.Name, suf) {
					r.addName(s+suf[len(suf)-3:], nameRef{code: code})
				}
			}
		}
	}
	for _, c := range r.children {
		sort.Strings(c)
	}
	for k := range r.names {
		sort.Slice(r.names[k], func(i, j int) bool { return r.names[k][i].code < r.names[k][j].code })
	}
	if townships != nil {
		trecs, err := readAll(townships, 2)
		if err != nil {
			return nil, fmt.Errorf("load townships: %w", err)
		}
		for _, rec := range trecs {
			if _, ok := r.divs[rec[0]]; !ok {
				return nil, fmt.Errorf("load townships: %s: unknown county %s", rec[1], rec[0])
			}
			r.towns[rec[1]] = append(r.towns[rec[1]], rec[0])
			if n := len([]rune(rec[1])); n > r.maxTown {
				r.maxTown = n
			}
		}
	}
	return r, nil
}

func (r *Registry) addName(name string, ref nameRef) {
	r.names[name] = append(r.names[name], ref)
	if n := len([]rune(name)); n > r.maxName {
		r.maxName = n
	}
}

func readAll(rd io.Reader, fields int) ([][]string, error) {
	if rd == nil {
		return nil, errors.New("nil reader")
	}
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = fields
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("empty csv")
	}
	return recs[1:], nil
}

var (
	defaultOnce sync.Once
	defaultReg  *Registry
	defaultErr  error
)

// Default returns the registry built from the embedded data. The embedded data
// is checked by the package's tests, so an error here means a broken build.
func Default() *Registry {
	defaultOnce.Do(func() {
		defaultReg, defaultErr = Load(strings.NewReader(jurisdictionsCSV), strings.NewReader(townshipsCSV))
	})
	if defaultErr != nil {
		panic(fmt.Sprintf("jurisdiction: embedded data: %v", defaultErr))
	}
	return defaultReg
}

// Lookup returns the division with the 6-digit code.
func (r *Registry) Lookup(code string) (Division, bool) {
	d, ok := r.divs[code]
	return d, ok
}

// Children returns the divisions whose parent is code (current and abolished
// ones), sorted by code.
func (r *Registry) Children(code string) []Division {
	out := make([]Division, 0, len(r.children[code]))
	for _, c := range r.children[code] {
		out = append(out, r.divs[c])
	}
	return out
}

// FullName returns the names of the division and its ancestors joined from the
// top, e.g. 山东省烟台市牟平区; "" for an unknown code.
func (r *Registry) FullName(code string) string {
	var parts []string
	for c := code; c != ""; {
		d, ok := r.divs[c]
		if !ok {
			break
		}
		parts = append(parts, d.Name)
		c = d.ParentCode
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
	}
	return b.String()
}

// All returns every division, sorted by code.
func (r *Registry) All() []Division {
	out := make([]Division, 0, len(r.divs))
	for _, d := range r.divs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// isWithin reports whether code equals anc or lies below it.
func (r *Registry) isWithin(code, anc string) bool {
	for c := code; c != ""; c = r.divs[c].ParentCode {
		if c == anc {
			return true
		}
	}
	return false
}

// related reports whether one of the codes lies within the other.
func (r *Registry) related(a, b string) bool { return r.isWithin(a, b) || r.isWithin(b, a) }

// Lookup returns the division with the code from the embedded data.
func Lookup(code string) (Division, bool) { return Default().Lookup(code) }

// Children returns the children of code from the embedded data.
func Children(code string) []Division { return Default().Children(code) }

// FullName returns the full name of code from the embedded data.
func FullName(code string) string { return Default().FullName(code) }

// ethnicGroups are the 56 ethnic groups' names without 族, longest first, used
// to shorten the names of autonomous divisions.
var ethnicGroups = func() []string {
	g := strings.Fields(`蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒
乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺`)
	sort.Slice(g, func(i, j int) bool { return len(g[i]) > len(g[j]) })
	return g
}()

var nameSuffixes = []string{"特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "省", "市", "区", "县", "旗", "盟"}

// ShortName strips a division name's type suffix and, for autonomous units, the
// ethnic qualifiers (延边朝鲜族自治州 → 延边, 烟台市 → 烟台). A result shorter than two
// characters is not a usable name, and the name is returned unchanged.
func ShortName(name string) string {
	s := name
	for _, suf := range []string{"自治区", "自治州", "自治县", "自治旗"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSuffix(s, suf)
			for stripped := true; stripped; {
				stripped = false
				for _, g := range ethnicGroups {
					forms := []string{g + "族"}
					if len([]rune(g)) >= 2 {
						forms = append(forms, g) // 新疆维吾尔自治区
					}
					for _, f := range forms {
						if strings.HasSuffix(s, f) && len([]rune(s))-len([]rune(f)) >= 2 {
							s = strings.TrimSuffix(s, f)
							stripped = true
							break
						}
					}
					if stripped {
						break
					}
				}
			}
			break
		}
	}
	if s == name {
		for _, suf := range nameSuffixes {
			if strings.HasSuffix(s, suf) {
				s = strings.TrimSuffix(s, suf)
				break
			}
		}
	}
	if len([]rune(s)) < 2 {
		return name
	}
	return s
}
