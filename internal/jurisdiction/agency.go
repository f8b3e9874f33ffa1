package jurisdiction

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// Agency types returned in Agency.Type.
const (
	TypeGovernment      = "government"       // XX市人民政府, XX地区行政公署, 国务院
	TypeDepartment      = "department"       // XX区教育和体育局, XX市人民政府办公室, 教育部
	TypeTownship        = "township"         // XX街道办事处, XX镇人民政府, XX乡
	TypeDevelopmentZone = "development_zone" // XX管委会, XX经济开发区, XX高新区
	TypeOther           = "other"            // courts, party organs, schools, companies …
)

// Agency is the result of parsing an agency's name.
type Agency struct {
	Name       string   // the name as given
	Normalized string   // cleaned name: no spaces, brackets, year or report words
	Code       string   // 6-digit division code, CentralCode, or "" when unresolved
	Type       string   // one of the Type* constants
	Confidence float64  // 0..1
	Ambiguous  bool     // several divisions fit equally and nothing decided
	Candidates []string // the division codes considered when more than one fitted
	Reason     string   // how the code was found, or why not
}

// ParseAgency parses an agency name with the embedded data; see
// Registry.ParseAgencyAt.
func ParseAgency(name, prior, siteIDCode string) Agency {
	return Default().ParseAgencyAt(name, prior, siteIDCode, 0)
}

// ParseAgencyAt is ParseAgency for a report year (0 = unknown).
func ParseAgencyAt(name, prior, siteIDCode string, year int) Agency {
	return Default().ParseAgencyAt(name, prior, siteIDCode, year)
}

// ParseAgency is ParseAgencyAt without a year.
func (r *Registry) ParseAgency(name, prior, siteIDCode string) Agency {
	return r.ParseAgencyAt(name, prior, siteIDCode, 0)
}

var (
	spaceRe   = regexp.MustCompile(`[\s\x{3000}]+`)
	bracketRe = regexp.MustCompile(`[(（【\[〔][^)）】\]〕]*[)）】\]〕]`)
	yearRe    = regexp.MustCompile(`^(关于)?\d{4}年度?`)
	reportRe  = regexp.MustCompile(`(\d{4}年度?)?(的)?(政府)?信息公开(工作)?(年度报告|年报|工作报告)$|(\d{4}年度?)?年度报告$`)

	governmentRe = regexp.MustCompile(`^(人民政府|政府|行政公署|行署|公署)?$`)
	zoneRe       = regexp.MustCompile(`开发区|高新区|高新技术产业|新区|园区|产业园|工业园|科技园|保税区|保税港|试验区|实验区|示范区|管理区|度假区|风景名胜区|风景区|合作区|自由贸易|自贸|综保区|管委会|新城`)
	townRe       = regexp.MustCompile(`^\p{Han}{1,12}?(街道|镇|乡|苏木)(办事处|人民政府|政府|党工委)?`)
	otherRe      = regexp.MustCompile(`^(中共|中国共产党)|法院|检察院|人大常委会|人民代表大会|政协|大学|学院|学校|中学|小学|幼儿园|医院|卫生院|公司|集团|村民委员会|居民委员会|村委会|居委会|委员会党校|党校|纪委|纪律检查委员会|党委|党组|工会|共青团|团委|妇联|妇女联合会`)
	townSuffixRe = regexp.MustCompile(`^(街道|镇|乡|苏木)`)
	centralRe    = regexp.MustCompile(`^(国务院|中华人民共和国|国家|中国)|^\p{Han}{1,8}(部|署|总局)$`)
)

// normalize cleans an agency name for parsing.
func normalize(name string) string {
	s := strings.Map(func(c rune) rune {
		switch {
		case c >= '！' && c <= '～' && c != '（' && c != '）':
			return c - '！' + '!'
		}
		return c
	}, name)
	s = spaceRe.ReplaceAllString(s, "")
	s = bracketRe.ReplaceAllString(s, "")
	s = yearRe.ReplaceAllString(s, "")
	s = reportRe.ReplaceAllString(s, "")
	s = strings.TrimSuffix(s, "本级")
	return s
}

// step is one place name found in the agency name.
type step struct {
	text  string
	codes []string
	full  bool
}

// ParseAgencyAt resolves an agency name to a jurisdiction code and agency type.
//
// Place names at the start of the name are matched against division names, with
// and without their type suffix (烟台市牟平区, 烟台牟平区, 牟平区), each one required
// to lie within the previous one; a township name (XX街道, XX镇, XX乡) then narrows to
// its county, and township agencies take their county's code. When several
// divisions fit, prior (the site registry's code, may be "") keeps those related to
// it; year (0 = unknown) keeps those valid in that year; otherwise current divisions
// are preferred over abolished ones. What still fits more than once is Ambiguous
// with Candidates and no Code. siteIDCode (网站标识码, may be "") is only a check:
// agreement of its first six digits raises Confidence, conflict lowers it and is
// written into Reason. A name with no place name falls back to prior with low
// confidence, or to CentralCode for 国务院 and its departments; otherwise Code is ""
// and Reason says why: nothing is guessed.
func (r *Registry) ParseAgencyAt(name, prior, siteIDCode string, year int) (a Agency) {
	a = Agency{Name: name, Normalized: normalize(name)}
	rs := []rune(a.Normalized)
	var reasons []string
	note := func(format string, args ...any) { reasons = append(reasons, fmt.Sprintf(format, args...)) }
	defer func() {
		a.Confidence = math.Round(math.Max(0, math.Min(1, a.Confidence))*100) / 100
		a.Reason = strings.Join(reasons, "; ")
	}()
	if prior != "" && !r.knownPrior(prior) {
		note("prior %q is no known division, ignored", prior)
	}
	if len(rs) == 0 {
		a.Type = TypeOther
		note("empty name")
		return a
	}

	chain, pos := r.placeChain(rs, 0)
	offset, start := false, 0
	if len(chain) == 0 {
		// A vertically managed branch or a party/court body: 国家税务总局烟台市税务局,
		// 中共烟台市委. Look for a full place name further in.
		for i := 1; i < len(rs)-1 && len(chain) == 0; i++ {
			if c, p := r.placeChain(rs, i); len(c) > 0 && (c[0].full && len([]rune(c[0].text)) >= 3 || r.highLevel(c[0].codes)) {
				chain, pos, offset, start = c, p, true, i
			}
		}
	}
	var cands []string
	if len(chain) > 0 {
		cands = chain[len(chain)-1].codes
	}
	rest := string(rs[pos:])

	// Township part.
	townText, townCounties := r.townAt(rs[pos:], cands)
	if townText == "" && strings.HasPrefix(rest, "人民政府") {
		t, c := r.townAt([]rune(strings.TrimPrefix(rest, "人民政府")), cands)
		if t != "" {
			townText, townCounties = t, c
			rest = strings.TrimPrefix(rest, "人民政府")
		}
	}
	isTown := false
	switch {
	case townText != "":
		isTown = true
		cands = townCounties
		rest = strings.TrimPrefix(rest, townText)
	case townRe.MatchString(rest) && !zoneRe.MatchString(rest):
		isTown = true
		if len(cands) > 0 {
			note("township %s not in the township index", townRe.FindString(rest))
		}
	}

	// Type.
	switch {
	case otherRe.MatchString(a.Normalized):
		a.Type = TypeOther
	case isTown:
		a.Type = TypeTownship
	case zoneRe.MatchString(rest) || zoneRe.MatchString(string(rs[:start])):
		a.Type = TypeDevelopmentZone
	case len(chain) > 0 && !offset && governmentRe.MatchString(rest):
		a.Type = TypeGovernment
	case len(chain) == 0 && (a.Normalized == "国务院" || a.Normalized == "中华人民共和国国务院"):
		a.Type = TypeGovernment
	default:
		a.Type = TypeDepartment
	}

	if len(cands) == 0 {
		switch {
		case len(chain) == 0 && a.Type != TypeTownship && centralRe.MatchString(a.Normalized):
			a.Code = CentralCode
			a.Confidence = 0.8
			note("central government body (国务院 or its department)")
		case prior != "" && r.knownPrior(prior):
			a.Code = prior
			a.Confidence = 0.4
			note("no place name in the agency name; site registry code used")
		case townText != "":
			note("township %s is not in the place named before it", townText)
		default:
			note("no division name matched")
		}
		r.checkSiteID(&a, siteIDCode, note)
		return a
	}

	if len(chain) > 0 {
		texts := make([]string, len(chain))
		for i, st := range chain {
			texts[i] = st.text
		}
		note("place %s", strings.Join(texts, ">"))
	}
	a.Confidence = 0.7
	if len(chain) >= 2 {
		a.Confidence += 0.1
	}
	if len(chain) == 1 && !chain[0].full && townText == "" {
		a.Confidence -= 0.1
	}
	if offset {
		a.Confidence -= 0.2
		note("place name %s found inside the name", chain[0].text)
	}
	if townText != "" && len(chain) == 0 {
		note("township %s from the township index", townText)
	}
	if isTown && townText == "" && len(chain) > 0 {
		if d := r.divs[cands[0]]; len(cands) == 1 && d.Level != LevelCounty {
			a.Confidence -= 0.2
			note("township's county not named; code of %s", d.Name)
		}
	}
	if len(cands) > 1 {
		a.Candidates = append([]string(nil), cands...)
	}

	// Prior.
	if prior != "" && r.knownPrior(prior) {
		var keep []string
		for _, c := range cands {
			if r.related(c, prior) {
				keep = append(keep, c)
			}
		}
		switch {
		case len(keep) > 0 && len(keep) < len(cands):
			cands = keep
			a.Confidence += 0.1
			note("prior %s chose among %d candidates", prior, len(a.Candidates))
		case len(keep) > 0:
			a.Confidence += 0.1
			note("agrees with prior %s", prior)
		default:
			a.Confidence -= 0.2
			note("conflicts with prior %s", prior)
		}
	}
	// Validity.
	if len(cands) > 1 && year > 0 {
		var keep []string
		for _, c := range cands {
			if r.divs[c].ValidIn(year) {
				keep = append(keep, c)
			}
		}
		if len(keep) > 0 && len(keep) < len(cands) {
			note("year %d chose %s", year, strings.Join(keep, ","))
			cands = keep
		}
	}
	if len(cands) > 1 {
		var cur, old []string
		for _, c := range cands {
			if r.divs[c].Current() {
				cur = append(cur, c)
			} else {
				old = append(old, c)
			}
		}
		if len(cur) > 0 && len(old) > 0 {
			note("abolished %s set aside for current %s", strings.Join(old, ","), strings.Join(cur, ","))
			cands = cur
			a.Confidence -= 0.1
		}
	}
	if len(cands) > 1 {
		a.Ambiguous = true
		a.Confidence = math.Min(a.Confidence, 0.3)
		note("%d divisions fit: %s", len(cands), r.describe(cands))
		r.siteIDHint(cands, siteIDCode, note)
		return a
	}
	a.Code = cands[0]
	if a.Type == TypeDepartment {
		// A branch named after a lower place: 烟台市自然资源和规划局牟平分局.
		if st, ok := r.branchPlace([]rune(rest), a.Code); ok {
			note("branch in %s", st.text)
			a.Code = st.codes[0]
		}
	}
	if d := r.divs[a.Code]; !d.Current() {
		if year == 0 || !d.ValidIn(year) {
			note("%s %s abolished %s", d.Code, d.Name, d.ValidTo)
		}
	}
	r.checkSiteID(&a, siteIDCode, note)
	return a
}

// placeChain matches consecutive place names from rs[pos:], each within the
// previous one; longest match first.
func (r *Registry) placeChain(rs []rune, pos int) ([]step, int) {
	var chain []step
	for pos < len(rs) {
		var within []string
		if len(chain) > 0 {
			within = chain[len(chain)-1].codes
		}
		st, n := r.matchAt(rs, pos, within)
		if n == 0 {
			break
		}
		// A township name that is longer than the place name found at the same
		// position wins (宁海街道 over 宁海县), and a short alias directly followed by
		// a township suffix is the township's own name (城关镇, not 城关区).
		var townWithin []string
		if len(chain) > 0 {
			townWithin = within
		}
		if t, _ := r.townAt(rs[pos:], townWithin); len([]rune(t)) > n {
			break
		}
		if !st.full && townSuffixRe.MatchString(string(rs[pos+n:])) {
			break
		}
		// A bare short name followed by one character only is a word, not a
		// place (公安部 is not 公安县 + 部).
		if len(chain) == 0 && !st.full && len(rs)-(pos+n) <= 1 {
			break
		}
		if len(chain) > 0 {
			// Narrow the previous step to the ancestors of this one.
			prev := &chain[len(chain)-1]
			var keep []string
			for _, p := range prev.codes {
				for _, c := range st.codes {
					if r.isWithin(c, p) {
						keep = append(keep, p)
						break
					}
				}
			}
			prev.codes = keep
		}
		chain = append(chain, st)
		pos += n
	}
	return chain, pos
}

// matchAt finds the longest division name at rs[pos:] (within one of the codes
// of within, strictly below it, when within is non-nil).
func (r *Registry) matchAt(rs []rune, pos int, within []string) (step, int) {
	for n := min(r.maxName, len(rs)-pos); n >= 2; n-- {
		key := string(rs[pos : pos+n])
		refs, ok := r.names[key]
		if !ok {
			continue
		}
		st := step{text: key}
		seen := map[string]bool{}
		for _, ref := range refs {
			if seen[ref.code] {
				continue
			}
			if within != nil {
				in := false
				for _, w := range within {
					if ref.code != w && r.isWithin(ref.code, w) {
						in = true
						break
					}
				}
				if !in {
					continue
				}
			}
			seen[ref.code] = true
			st.codes = append(st.codes, ref.code)
			st.full = st.full || ref.full
		}
		if len(st.codes) > 0 {
			st.codes = r.outermost(st.codes)
			return st, n
		}
	}
	return step{}, 0
}

var branchRe = regexp.MustCompile(`^(分局|分中心|支局|分所|大队|中队)`)

// branchPlace finds, inside the rest of a department's name, a single division
// within code directly followed by a branch word (分局, 大队 …).
func (r *Registry) branchPlace(rs []rune, code string) (step, bool) {
	for i := 1; i < len(rs); i++ {
		st, n := r.matchAt(rs, i, []string{code})
		if n > 0 && len(st.codes) == 1 && branchRe.MatchString(string(rs[i+n:])) {
			return st, true
		}
	}
	return step{}, false
}

// outermost drops the codes that lie within another of the codes: a short name
// shared by a prefecture and its own district (东营 for 东营市 and 东营区) means
// the prefecture.
func (r *Registry) outermost(codes []string) []string {
	var out []string
	for _, c := range codes {
		inner := false
		for _, o := range codes {
			if o != c && r.isWithin(c, o) {
				inner = true
				break
			}
		}
		if !inner {
			out = append(out, c)
		}
	}
	return out
}

// townAt finds the longest township name at the start of rs whose county lies
// within one of within (any county when within is empty).
func (r *Registry) townAt(rs []rune, within []string) (string, []string) {
	for n := min(r.maxTown, len(rs)); n >= 2; n-- {
		key := string(rs[:n])
		counties, ok := r.towns[key]
		if !ok {
			continue
		}
		var keep []string
		for _, c := range counties {
			if len(within) == 0 {
				keep = append(keep, c)
				continue
			}
			for _, w := range within {
				if r.isWithin(c, w) {
					keep = append(keep, c)
					break
				}
			}
		}
		if len(keep) > 0 {
			sort.Strings(keep)
			return key, dedupe(keep)
		}
	}
	return "", nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// highLevel reports whether all codes are provinces or prefectures.
func (r *Registry) highLevel(codes []string) bool {
	for _, c := range codes {
		if r.divs[c].Level == LevelCounty {
			return false
		}
	}
	return len(codes) > 0
}

func (r *Registry) knownPrior(code string) bool {
	_, ok := r.divs[code]
	return ok || code == CentralCode
}

func (r *Registry) describe(codes []string) string {
	const max = 8
	var parts []string
	for i, c := range codes {
		if i == max {
			parts = append(parts, fmt.Sprintf("… %d more", len(codes)-max))
			break
		}
		parts = append(parts, c+" "+r.FullName(c))
	}
	return strings.Join(parts, ", ")
}

// siteCode returns the division part of a 网站标识码: its first six digits, or
// CentralCode for the bm… codes of central departments.
func siteCode(id string) (string, bool) {
	id = strings.TrimSpace(id)
	if strings.HasPrefix(strings.ToLower(id), "bm") {
		return CentralCode, true
	}
	if len(id) < 6 {
		return "", false
	}
	for _, c := range id[:6] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return id[:6], true
}

func (r *Registry) checkSiteID(a *Agency, id string, note func(string, ...any)) {
	sc, ok := siteCode(id)
	if !ok {
		if id != "" {
			note("SiteIDCode %q unreadable", id)
		}
		return
	}
	if a.Code == "" {
		note("SiteIDCode points to %s", sc)
		return
	}
	if sc == a.Code || (sc != CentralCode && a.Code != CentralCode && r.related(sc, a.Code)) {
		a.Confidence += 0.1
		note("SiteIDCode %s agrees", sc)
		return
	}
	a.Confidence -= 0.2
	note("SiteIDCode %s conflicts with %s", sc, a.Code)
}

func (r *Registry) siteIDHint(cands []string, id string, note func(string, ...any)) {
	sc, ok := siteCode(id)
	if !ok {
		return
	}
	for _, c := range cands {
		if r.related(c, sc) {
			note("SiteIDCode %s points to %s", sc, c)
			return
		}
	}
	note("SiteIDCode %s matches no candidate", sc)
}
