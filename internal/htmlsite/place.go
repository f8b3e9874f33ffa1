package htmlsite

import (
	"regexp"
	"strings"

	"github.com/ogireports/ogireports/internal/jurisdiction"
)

// LocateAgency places an agency with internal/jurisdiction: the division its name (and the
// site's SiteIDCode) resolves to, then LocateCode. A name that resolves ambiguously falls back to
// ParsePlace.
func LocateAgency(agency, siteIDCode string) Place {
	a := jurisdiction.ParseAgency(agency, "", siteIDCode)
	if a.Ambiguous {
		return ParsePlace(agency)
	}
	return LocateCode(agency, a.Code, a.Type)
}

// LocateCode places an agency whose jurisdiction code and type (jurisdiction.Type*) are known,
// e.g. a logical report's of internal/reconcile: the names of its province, prefecture-level
// city and county-level unit (jurisdiction.NamesOf); a municipality (北京市 …) is its own city.
// An empty or unknown code falls back to ParsePlace on the name.
func LocateCode(agency, code, agencyTyp string) Place {
	name := ParsePlace(agency)
	if code == jurisdiction.CentralCode {
		return Place{Level: LevelCentral, Type: agencyType(agencyTyp)}
	}
	n := jurisdiction.NamesOf(code)
	if n.Level == "" {
		return name
	}
	p := Place{Type: agencyType(agencyTyp), Province: n.Province, City: n.Prefecture, County: n.County}
	if p.City == "" && municipalities[p.Province] {
		p.City = p.Province
	}
	switch {
	case p.Type == TypeTownship:
		p.Level, p.Township = LevelTownship, name.Township
	case p.County != "":
		p.Level = LevelCounty
	case p.City != "" && !municipalities[p.City]:
		p.Level = LevelCity
	default:
		p.Level = LevelProvince
	}
	return p
}

// agencyType maps a jurisdiction.Type* to an AgencyType.
func agencyType(t string) AgencyType {
	switch t {
	case jurisdiction.TypeGovernment:
		return TypeGovernment
	case jurisdiction.TypeDepartment:
		return TypeDepartment
	case jurisdiction.TypeTownship:
		return TypeTownship
	case jurisdiction.TypeDevelopmentZone:
		return TypeDevelopmentZone
	}
	return TypeOther
}

// Level is the administrative level of an agency's jurisdiction.
type Level string

// Levels, from the name of the agency (see ParsePlace).
const (
	LevelProvince Level = "province"
	LevelCity     Level = "city"
	LevelCounty   Level = "county"
	LevelTownship Level = "township"
	// LevelCentral is 国务院 and its departments.
	LevelCentral Level = "central"
	LevelOther   Level = "other"
)

// AgencyType is the kind of agency that published a report.
type AgencyType string

// Agency types, from the name of the agency (see ParsePlace).
const (
	// TypeGovernment is a 人民政府 of a province, city or county.
	TypeGovernment AgencyType = "government"
	// TypeTownship is a 乡镇人民政府 or a 街道办事处.
	TypeTownship AgencyType = "township"
	// TypeDepartment is a department (局, 委员会, 办公室 …) of a government.
	TypeDepartment AgencyType = "department"
	// TypeDevelopmentZone is the 管委会 of a development zone.
	TypeDevelopmentZone AgencyType = "development_zone"
	// TypeOther is anything else.
	TypeOther AgencyType = "other"
)

// Place locates an agency: the names of its province, prefecture-level city, county-level unit
// and township (each "" when unknown), its level and its type.
type Place struct {
	Province, City, County, Township string
	Level                            Level
	Type                             AgencyType
}

// provinces are the provincial-level divisions (GB/T 2260), recognised at the start of a name.
var provinces = []string{
	"北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
	"江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
	"广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
	"青海省", "宁夏回族自治区", "新疆维吾尔自治区",
}

// municipalities are the provincial-level cities: they are their own city as well.
var municipalities = map[string]bool{"北京市": true, "天津市": true, "上海市": true, "重庆市": true}

var (
	// A city ending in 市 is tried first: 苏州市 is not 苏州 + 市.
	reCity      = regexp.MustCompile(`^[^市区县]{1,7}?市`)
	reCityOther = regexp.MustCompile(`^[^市区县]{1,9}?(?:自治州|地区|盟|州)`)
	// Two characters at least before the suffix (城市管理局 is no county), or 市 first (市南区).
	reCounty   = regexp.MustCompile(`^(?:市[^区县旗市]{1,6}?|[^区县旗市]{2,7}?)(?:自治县|区|县|旗|市)`)
	reTownship = regexp.MustCompile(`^[^镇乡]{1,8}?(?:街道|镇|乡)`)
)

// ParsePlace locates an agency from its name alone: a leading province (山东省…), a
// prefecture-level city (烟台市, …自治州, …盟), a county-level unit (牟平区, …县, …旗, a county-level
// 市) and a township (…街道, …镇, …乡), then the level is the deepest unit found and the type
// comes from the name's ending (人民政府, 街道办事处, a department otherwise).
//
// Names rarely print their province, so Province is often "": LocateAgency, backed by the
// GB/T 2260 table of internal/jurisdiction, is the default and uses ParsePlace only as a
// fallback (and for the township, which has no code).
func ParsePlace(agency string) Place {
	var p Place
	rest := strings.TrimSpace(agency)
	for _, prov := range provinces {
		if strings.HasPrefix(rest, prov) {
			p.Province = prov
			rest = rest[len(prov):]
			if municipalities[prov] {
				p.City = prov
			}
			break
		}
	}
	if p.City == "" {
		m := reCity.FindString(rest)
		if m == "" {
			m = reCityOther.FindString(rest)
		}
		if m != "" {
			p.City = m
			rest = rest[len(m):]
		}
	}
	if m := reCounty.FindString(rest); m != "" {
		p.County = m
		rest = rest[len(m):]
	}
	if m := reTownship.FindString(rest); m != "" && p.County != "" {
		after := rest[len(m):]
		if strings.HasPrefix(after, "人民政府") || strings.HasPrefix(after, "办事处") {
			p.Township = m
			rest = after
		}
	}
	switch {
	case p.Township != "":
		p.Level = LevelTownship
	case p.County != "":
		p.Level = LevelCounty
	case p.City != "" && !municipalities[p.City]:
		p.Level = LevelCity
	case p.Province != "":
		p.Level = LevelProvince
	default:
		p.Level = LevelOther
	}
	switch {
	case p.Township != "":
		p.Type = TypeTownship
	case rest == "人民政府" || rest == "政府":
		p.Type = TypeGovernment
	case p.Level == LevelOther:
		p.Type = TypeOther
	default:
		p.Type = TypeDepartment
	}
	return p
}
