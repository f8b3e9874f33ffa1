package reconcile

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/jurisdiction"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/store"
)

func fp(x float64) *float64 { return &x }

func TestSourceRank(t *testing.T) {
	tests := []struct {
		media string
		ocr   bool
		want  int
	}{
		{"text/html", false, RankStructured},
		{"application/xhtml+xml", false, RankStructured},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", false, RankStructured},
		{"application/pdf", false, RankPaged},
		{"text/plain", false, RankPaged},
		{"application/msword", false, RankPaged},
		{"application/pdf", true, RankOCR},
		{"image/png", false, RankOCR},
	}
	for _, tc := range tests {
		if got := SourceRank(tc.media, tc.ocr); got != tc.want {
			t.Errorf("SourceRank(%q, %v) = %d, want %d", tc.media, tc.ocr, got, tc.want)
		}
	}
}

func TestAssignVersions(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(src string, h int) store.Sighting {
		return store.Sighting{Source: src, SeenAt: t0.Add(time.Duration(h) * time.Hour)}
	}
	mk := func(doc int64, s ...store.Sighting) *member {
		return &member{in: store.ReconcileInput{DocumentID: doc, ReportID: doc, Sightings: s}}
	}
	type vc struct {
		version int
		current bool
	}
	tests := []struct {
		name string
		ms   []*member
		want []vc
	}{
		{"two sources, one document each", []*member{mk(1, at("a", 0)), mk(2, at("b", 1))},
			[]vc{{1, true}, {1, true}}},
		{"revised at the same source", []*member{mk(1, at("a", 0)), mk(2, at("a", 5)), mk(3, at("a", 9))},
			[]vc{{1, false}, {2, false}, {3, true}}},
		{"old version still the newest elsewhere", []*member{mk(1, at("a", 0), at("b", 0)), mk(2, at("a", 3))},
			[]vc{{1, true}, {2, true}}},
		{"same time: document id decides", []*member{mk(2, at("a", 0)), mk(1, at("a", 0))},
			[]vc{{2, true}, {1, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assignVersions(tc.ms)
			var got []vc
			for _, m := range tc.ms {
				got = append(got, vc{m.version, m.current})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("versions %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBetter(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m := func(id int64, rank, failed int, h int) *member {
		return &member{rank: rank, in: store.ReconcileInput{ReportID: id, ChecksFailed: failed, FirstSeen: t0.Add(time.Duration(h) * time.Hour)}}
	}
	tests := []struct {
		name string
		a, b *member
	}{
		{"html over pdf despite failed checks", m(2, RankStructured, 3, 5), m(1, RankPaged, 0, 0)},
		{"pdf over ocr", m(2, RankPaged, 0, 5), m(1, RankOCR, 0, 0)},
		{"fewer failed checks", m(2, RankPaged, 0, 5), m(1, RankPaged, 1, 0)},
		{"earliest seen", m(2, RankPaged, 0, 0), m(1, RankPaged, 0, 5)},
		{"lower report id", m(1, RankPaged, 0, 0), m(2, RankPaged, 0, 0)},
	}
	for _, tc := range tests {
		if !better(tc.a, tc.b) || better(tc.b, tc.a) {
			t.Errorf("%s: order wrong", tc.name)
		}
	}
}

func TestSourcesAgree(t *testing.T) {
	tests := []struct {
		name        string
		a, b        cells.Values
		status      string
		detailParts []string
	}{
		{"agree on common keys; missing table ignored",
			cells.Values{"t3.granted.total": fp(3), "t2.licensing.decisions": fp(9)},
			cells.Values{"t3.granted.total": fp(3)}, "pass", []string{"1 keys agree"}},
		{"value differs", cells.Values{"t3.granted.total": fp(3), "t4.review.total": fp(1)},
			cells.Values{"t3.granted.total": fp(4), "t4.review.total": fp(1)}, "fail",
			[]string{"1 of 2 keys differ", "t3.granted.total (3 vs 4)"}},
		{"blank is not zero", cells.Values{"t3.granted.total": nil}, cells.Values{"t3.granted.total": fp(0)},
			"fail", []string{"t3.granted.total (blank vs 0)"}},
		{"nothing in common", cells.Values{"t3.granted.total": fp(1)}, cells.Values{"t4.review.total": fp(1)},
			"not_assessable", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := SourcesAgree(tc.a, tc.b)
			if c.Identity != IDSourcesAgree || c.Status != tc.status {
				t.Errorf("check %+v, want status %s", c, tc.status)
			}
			for _, p := range tc.detailParts {
				if !strings.Contains(c.Detail, p) {
					t.Errorf("detail %q lacks %q", c.Detail, p)
				}
			}
		})
	}
}

func TestCopied(t *testing.T) {
	g21 := map[cells.Table]cells.Layout{cells.T3: cells.Gov2021}
	g19 := map[cells.Table]cells.Layout{cells.T3: cells.Gov2019}
	t3 := func(nr, other float64) cells.Values {
		v := cells.Values{}
		spec, _ := cells.SpecFor(cells.T3, cells.Gov2021)
		for _, k := range spec.Keys() {
			v[k] = fp(0)
		}
		v["t3.new_received.total"] = fp(nr)
		v["t3.other_other.total"] = fp(other)
		v["t4.review.total"] = fp(1)
		return v
	}
	t3v19 := func(nr, other float64) cells.Values {
		v := cells.Values{}
		spec, _ := cells.SpecFor(cells.T3, cells.Gov2019)
		for _, k := range spec.Keys() {
			v[k] = fp(0)
		}
		v["t3.new_received.total"] = fp(nr)
		v["t3.other.total"] = fp(other)
		return v
	}
	tests := []struct {
		name       string
		prev       cells.Values
		pl         map[cells.Table]cells.Layout
		cur        cells.Values
		cl         map[cells.Table]cells.Layout
		status     string
		detailPart string
	}{
		{"identical", t3(5, 1), g21, t3(5, 1), g21, "fail", "t3, t4"},
		{"different", t3(5, 1), g21, t3(6, 1), g21, "pass", "t3.new_received.total"},
		{"all zero is not a copy", t3(0, 0), g21, t3(0, 0), g21, "not_assessable", "all zero"},
		{"identical across layouts through t3.other", t3v19(5, 1), g19, t3(5, 1), g21, "fail", "t3"},
		{"no t3", cells.Values{"t4.review.total": fp(1)}, nil, t3(5, 1), g21, "not_assessable", "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Copied(tc.prev, tc.pl, tc.cur, tc.cl)
			if c.Status != tc.status || !strings.Contains(c.Detail, tc.detailPart) {
				t.Errorf("Copied = %s %q, want %s containing %q", c.Status, c.Detail, tc.status, tc.detailPart)
			}
		})
	}
}

func TestProseAgree(t *testing.T) {
	v := cells.Values{
		"t3.new_received.total": fp(97), "t3.granted.total": nil,
		"t3.granted.natural_person": fp(50), "t3.granted.commercial": fp(10), "t3.granted.research": fp(0),
		"t3.granted.social_welfare": fp(0), "t3.granted.legal_service": fp(0), "t3.granted.other_org": fp(0),
		"t4.review.total": fp(7), "t4.litigation_direct.total": fp(10), "t4.litigation_after_review.total": fp(1),
	}
	prose := map[string]float64{normalize.ProseNewReceived: 97, normalize.ProseGranted: 60,
		normalize.ProseReviewTotal: 6, normalize.ProseLitigationTotal: 11, normalize.ProseCarriedOver: 2}
	got := map[string]string{}
	for _, c := range ProseAgree(prose, v) {
		got[c.Column] = c.Status
	}
	want := map[string]string{"t3.new_received.total": "pass", "t3.granted.total": "pass",
		"t4.review.total": "fail", "t4.litigation.total": "pass", "t3.carried_over.total": "not_assessable"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ProseAgree = %v, want %v", got, want)
	}
}

func TestJurisdictionResolverMirrorsParseAgency(t *testing.T) {
	for _, name := range []string{"烟台市牟平区人民政府", "烟台市牟平区教育和体育局", "某某协会"} {
		j := jurisdiction.ParseAgency(name, "", "")
		a := JurisdictionResolver(name, "", "")
		if a.Code != j.Code || a.Normalized != j.Normalized || a.Type != j.Type || a.Confidence != j.Confidence ||
			a.Ambiguous != j.Ambiguous || a.Reason != j.Reason || !reflect.DeepEqual(a.Candidates, j.Candidates) {
			t.Errorf("%s: %+v, ParseAgency %+v", name, a, j)
		}
	}
}

func TestNameOnly(t *testing.T) {
	a := NameOnly(" 烟台市 牟平区（本级）", "", "")
	if a.Code != "" || a.Normalized != "烟台市牟平区(本级)" || a.Reason == "" {
		t.Errorf("NameOnly = %+v", a)
	}
}
