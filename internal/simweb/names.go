package simweb

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand"
	"strings"
	"time"
)

// site is the internal, tiny per-site state: everything else is derived from seed on request.
type site struct {
	pub      Site
	idx      int
	seed     int64
	short    string // 平阳区: used in titles
	prefix   string // 临安市平阳区: prefix of unit agency names
	showcase bool
	nUnits   int
	unitSub  bool // units' reports in unit sub-columns (else flat in the 年报 column)
	yearSub  bool // S1: main reports in year sub-columns
	years    [2]int
	colBase  int64  // S2 column ids, S4 VSB column id
	unitID   int    // S2 jpage unit id, S3 gkmlpt SID
	owner    int64  // S4 download.jsp owner
	nbName   string // name of the 年报 column
	nbSlug   string // its path segment
	nw       int    // S5 column number (nw12344)
	orgCode  string // 索引号 prefix
	mirror   string // non-gov mirror host, "" if none
	drift    int    // S5: year whose unit bucket answers 404
	idBase   int64
	broken   bool
	redirect bool
	hub      string // path of the 政府信息公开 hub
}

// mix hashes a seed and parts (strings and integers) into a new non-negative int64 seed.
func mix(seed int64, parts ...any) int64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	put(uint64(seed))
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			h.Write([]byte{0xff})
			h.Write([]byte(v))
		case int:
			put(uint64(v))
		case int64:
			put(uint64(v))
		default:
			fmt.Fprint(h, "|", v)
		}
	}
	x := h.Sum64()
	x ^= x >> 33 // fnv's low bits are weak for short inputs
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return int64(x & (1<<63 - 1))
}

// frac returns a deterministic number in [0,1) for seed and parts.
func frac(seed int64, parts ...any) float64 {
	return float64(mix(seed, parts...)%1000003) / 1000003
}

type syl struct{ han, py string }

var sylls = []syl{
	{"东", "dong"}, {"西", "xi"}, {"南", "nan"}, {"北", "bei"}, {"安", "an"}, {"平", "ping"},
	{"河", "he"}, {"山", "shan"}, {"江", "jiang"}, {"阳", "yang"}, {"清", "qing"}, {"新", "xin"},
	{"兴", "xing"}, {"华", "hua"}, {"城", "cheng"}, {"龙", "long"}, {"泉", "quan"}, {"丰", "feng"},
	{"宁", "ning"}, {"长", "chang"}, {"永", "yong"}, {"昌", "chang"}, {"德", "de"}, {"海", "hai"},
	{"湖", "hu"}, {"林", "lin"}, {"金", "jin"}, {"石", "shi"}, {"云", "yun"}, {"武", "wu"},
	{"文", "wen"}, {"和", "he"}, {"阜", "fu"}, {"通", "tong"}, {"广", "guang"}, {"福", "fu"},
	{"嘉", "jia"}, {"宝", "bao"}, {"临", "lin"}, {"高", "gao"}, {"桂", "gui"}, {"泰", "tai"},
	{"荣", "rong"}, {"远", "yuan"}, {"乐", "le"}, {"庆", "qing"}, {"明", "ming"}, {"光", "guang"},
	{"牟", "mu"}, {"溪", "xi"}, {"峰", "feng"}, {"台", "tai"}, {"源", "yuan"}, {"津", "jin"},
	{"沙", "sha"}, {"岭", "ling"}, {"潭", "tan"}, {"汉", "han"}, {"松", "song"}, {"梅", "mei"},
}

type province struct {
	code     int
	name, py string
}

var provinces = []province{
	{11, "北京市", "beijing"}, {12, "天津市", "tj"}, {13, "河北省", "hebei"}, {14, "山西省", "shanxi"},
	{15, "内蒙古自治区", "nmg"}, {21, "辽宁省", "ln"}, {22, "吉林省", "jl"}, {23, "黑龙江省", "hlj"},
	{31, "上海市", "shanghai"}, {32, "江苏省", "jiangsu"}, {33, "浙江省", "zj"}, {34, "安徽省", "ah"},
	{35, "福建省", "fujian"}, {36, "江西省", "jiangxi"}, {37, "山东省", "shandong"}, {41, "河南省", "henan"},
	{42, "湖北省", "hubei"}, {43, "湖南省", "hunan"}, {44, "广东省", "gd"}, {45, "广西壮族自治区", "gxzf"},
	{46, "海南省", "hainan"}, {50, "重庆市", "cq"}, {51, "四川省", "sc"}, {52, "贵州省", "guizhou"},
	{53, "云南省", "yn"}, {54, "西藏自治区", "xizang"}, {61, "陕西省", "shaanxi"}, {62, "甘肃省", "gansu"},
	{63, "青海省", "qinghai"}, {64, "宁夏回族自治区", "nx"}, {65, "新疆维吾尔自治区", "xinjiang"},
}

var departments = []string{
	"人力资源和社会保障局", "教育局", "财政局", "民政局", "卫生健康局", "住房和城乡建设局",
	"市场监督管理局", "自然资源局", "交通运输局", "农业农村局", "应急管理局", "司法局", "审计局",
	"统计局", "文化和旅游局", "商务局", "退役军人事务局", "医疗保障局", "城市管理局", "水利局",
}

var nbColumns = []struct{ name, slug string }{
	{"政府信息公开年报", "zfxxgknb"}, {"公开年报", "gknb"}, {"年报", "nb"},
	{"信息公开年报", "xxgknb"}, {"政府信息公开工作年度报告", "zfxxgkgzndbg"},
}

type genName struct{ han, py, initials string }

func makeName(r *rand.Rand, n int) genName {
	var g genName
	for i := 0; i < n; i++ {
		s := sylls[r.Intn(len(sylls))]
		g.han += s.han
		g.py += s.py
		g.initials += s.py[:1]
	}
	return g
}

type cityState struct {
	code     int
	name     genName
	counties int
}

// buildSites derives every site's parameters from the seed.
func (w *Web) buildSites() {
	r := newRand(mix(w.cfg.Seed, "sites"))
	cities := map[int][]*cityState{} // province code → cities
	provUsed := map[int]bool{}
	hosts := map[string]bool{}
	styleCount := map[Style]int{}
	robotsVariants := []string{"allow", "crawl-delay", "none", "disallow-path"}
	robotsN := 0
	var candidates []*site

	newCity := func(p province) *cityState {
		cs := cities[p.code]
		c := &cityState{code: p.code*10000 + (len(cs)+1)*100, name: makeName(r, 2)}
		cities[p.code] = append(cs, c)
		return c
	}
	uniqueHost := func(parts ...string) string {
		for i, p := range parts {
			h := "www." + p + ".gov.cn"
			if !hosts[h] {
				hosts[h] = true
				return h
			}
			if i == len(parts)-1 {
				for k := 2; ; k++ {
					h = fmt.Sprintf("www.%s%d.gov.cn", p, k)
					if !hosts[h] {
						hosts[h] = true
						return h
					}
				}
			}
		}
		return ""
	}

	for i := 0; i < w.cfg.Sites; i++ {
		st := w.cfg.Styles[i%len(w.cfg.Styles)]
		s := &site{idx: i, seed: mix(w.cfg.Seed, "site", i)}
		s.showcase = styleCount[st] == 0
		styleCount[st]++
		s.pub.Style = st
		p := provinces[r.Intn(len(provinces))]
		level := "county"
		switch x := r.Float64(); {
		case st == S5 && !provUsed[p.code] && x < 0.5:
			level = "province"
		case x < 0.15 && len(cities[p.code]) < 70:
			level = "city"
		}
		if len(cities[p.code]) >= 70 && level != "province" {
			// this province is full of cities: find a province with room
			for _, q := range provinces {
				if len(cities[q.code]) < 70 {
					p = q
					break
				}
			}
		}
		switch level {
		case "province":
			provUsed[p.code] = true
			s.pub.Code = fmt.Sprintf("%06d", p.code*10000)
			s.pub.Name = p.name + "人民政府"
			s.short, s.prefix = p.name, p.name
			s.pub.Host = uniqueHost(p.py)
		case "city":
			c := newCity(p)
			s.pub.Code = fmt.Sprintf("%06d", c.code)
			s.pub.ParentCode = fmt.Sprintf("%06d", p.code*10000)
			s.short = c.name.han + "市"
			s.prefix = s.short
			s.pub.Name = s.short + "人民政府"
			s.pub.Host = uniqueHost(c.name.py, c.name.py+"s")
		default:
			cs := cities[p.code]
			var c *cityState
			if len(cs) == 0 || r.Float64() < 0.3 || cs[len(cs)-1].counties >= 97 {
				c = newCity(p)
			} else {
				c = cs[r.Intn(len(cs))]
				if c.counties >= 97 {
					c = newCity(p)
				}
			}
			c.counties++
			code := c.code + c.counties + 1
			kind := "区"
			if r.Float64() < 0.4 {
				kind = "县"
			}
			g := makeName(r, 2)
			s.pub.Code = fmt.Sprintf("%06d", code)
			s.pub.ParentCode = fmt.Sprintf("%06d", c.code)
			s.short = g.han + kind
			s.prefix = c.name.han + "市" + s.short
			s.pub.Name = s.prefix + "人民政府"
			suffix := "q"
			if kind == "县" {
				suffix = "x"
			}
			s.pub.Host = uniqueHost(g.initials+suffix, c.name.initials+g.initials+suffix, g.py)
		}
		s.pub.Level = level
		s.pub.RootURL = "http://" + s.pub.Host + "/"
		s.pub.Encoding = "utf-8"

		// Structure.
		s.years = w.cfg.Years
		if st == S6 {
			s.years = [2]int{w.cfg.Years[0] - 5, w.cfg.Years[0] - 1}
		}
		if s.showcase {
			s.nUnits = 12
			if st == S2 {
				s.nUnits = 18 // more than two jpage groups
			}
		} else {
			s.nUnits = r.Intn(9)
			s.unitSub = st != S3 && st != S6 && r.Float64() < 0.5
			s.yearSub = st == S1 && r.Float64() < 0.5
		}
		if st == S5 {
			s.unitSub = false // S5 units live in the main column or in year buckets
		}
		nb := nbColumns[r.Intn(len(nbColumns))]
		if st == S3 && r.Float64() < 0.6 {
			nb = nbColumns[4]
		}
		s.nbName, s.nbSlug = nb.name, nb.slug
		s.colBase = 1229000000 + int64(r.Intn(900000))*10
		s.unitID = 1000 + r.Intn(900000)
		s.owner = 1000000000 + r.Int63n(900000000)
		s.nw = 10000 + r.Intn(90000)
		s.orgCode = fmt.Sprintf("%09d", r.Int63n(1e9))
		if r.Float64() < 0.5 {
			s.orgCode = fmt.Sprintf("11%s%06dMB%04d%c", s.pub.Code[:2], r.Intn(1e6), r.Intn(1e4), 'A'+rune(r.Intn(26)))
		}
		s.idBase = 1000000 + r.Int63n(50000000)
		s.drift = s.years[0] + r.Intn(s.years[1]-s.years[0]+1)
		if i%4 == 1 {
			base := strings.TrimSuffix(strings.TrimPrefix(s.pub.Host, "www."), ".gov.cn")
			s.mirror = "www." + strings.ReplaceAll(base, ".", "") + "-zwgk.com"
		}
		s.hub = hubPath(st, s)

		// Robots.
		if st == S6 {
			s.pub.Robots = "disallow-all"
			s.pub.RobotsDisallowAll = true
			s.pub.Flaky, s.pub.Slow = true, true
		} else {
			s.pub.Robots = robotsVariants[robotsN%len(robotsVariants)]
			robotsN++
			if s.pub.Robots == "crawl-delay" {
				s.pub.CrawlDelay = time.Duration(1+r.Intn(3)) * w.cfg.CrawlDelayUnit
			}
		}
		if st == S1 && styleCount[S1] == 2 {
			s.pub.Encoding = "gb2312"
		}
		if st == S6 {
			s.pub.Encoding = "gbk"
		}
		if !s.showcase && st != S6 && s.pub.Encoding == "utf-8" {
			candidates = append(candidates, s)
		}
		w.sites = append(w.sites, s)
		w.byHost[s.pub.Host] = s
		w.byCode[s.pub.Code] = s
		if s.mirror != "" {
			w.mirror[s.mirror] = s
		}
	}
	// Faults on non-showcase sites, in a seed-shuffled order.
	f := w.faults
	r.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	k := 0
	take := func(n int, set func(*site)) {
		for ; n > 0 && k < len(candidates); n-- {
			set(candidates[k])
			k++
		}
	}
	take(f.WAFSites, func(s *site) { s.pub.WAF = true })
	take(f.RateLimitSites, func(s *site) { s.pub.RateLimited = true })
	take(f.TrapSites, func(s *site) { s.pub.Trap = true })
	for j, s := range candidates {
		if j%3 == 0 && f.TransientRate > 0 {
			s.pub.Flaky = true
		}
		if j%4 == 1 && f.SlowRate > 0 {
			s.pub.Slow = true
		}
		s.broken = f.BrokenLinks && j%2 == 0
		s.redirect = f.Redirects && j%2 == 1
	}
	if f.TransientRate == 0 || f.TransientCount == 0 {
		for _, s := range w.sites {
			s.pub.Flaky = false
		}
	}
	if f.SlowRate == 0 || f.SlowDelay == 0 {
		for _, s := range w.sites {
			s.pub.Slow = false
		}
	}
	for _, s := range w.sites {
		s.pub.ReportColumnURL = "http://" + s.pub.Host + w.columnPath(s, colMain, 1)
	}
}

// unitAgency returns the agency name and its short form of unit u of a site.
func (s *site) unitAgency(u int) (agency, short string) {
	if u%3 == 2 {
		g := makeName(newRand(mix(s.seed, "street", u)), 2)
		kind := "街道办事处"
		if u%2 == 1 {
			kind = "镇人民政府"
		}
		return s.prefix + g.han + kind, g.han + strings.TrimSuffix(kind, "办事处")
	}
	// 7 is prime to len(departments): distinct departments for the first 20 of them.
	d := departments[(int(mix(s.seed, "units")%int64(len(departments)))+(u-u/3)*7)%len(departments)]
	return s.prefix + d, s.short + d
}

func hubPath(st Style, s *site) string {
	switch st {
	case S1:
		return "/zwgk/zfxxgk/index.html"
	case S2:
		return fmt.Sprintf("/col/col%d/index.html", s.colBase-10)
	case S3:
		return "/zwgk/index.html"
	case S4:
		return "/xxgk.htm"
	case S5:
		return "/xxgk/index.html"
	default:
		return "/xxgk/index.asp"
	}
}

// splitmix is a cheap rand.Source64 (SplitMix64): seeding math/rand's default source costs
// microseconds, and pages create several generators per request.
type splitmix struct{ s uint64 }

// Uint64 returns the next 64 random bits.
func (m *splitmix) Uint64() uint64 {
	m.s += 0x9e3779b97f4a7c15
	z := m.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Int63 returns a non-negative int64.
func (m *splitmix) Int63() int64 { return int64(m.Uint64() >> 1) }

// Seed resets the generator.
func (m *splitmix) Seed(seed int64) { m.s = uint64(seed) }

// newRand returns a fast deterministic *rand.Rand.
func newRand(seed int64) *rand.Rand { return rand.New(&splitmix{uint64(seed)}) }
