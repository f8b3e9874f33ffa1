package export

import (
	"strconv"

	"github.com/ogireports/ogireports/internal/jurisdiction"
	"github.com/ogireports/ogireports/internal/store"
)

// JurisdictionPlaces resolves a report's jurisdiction by parsing its agency name with
// internal/jurisdiction (ParseAgencyAt with the page's 网站标识码 as a check and the report year
// for divisions that changed). An ambiguous or unmatched name leaves the code blank: names are
// listed, never guessed. Results are cached per (agency, site id code, year).
type JurisdictionPlaces struct {
	cache map[string]Place
}

// maxPlaceCache bounds the cache; it is emptied when full, so memory stays bounded.
const maxPlaceCache = 200_000

// NewJurisdictionPlaces returns a resolver over the embedded division data.
func NewJurisdictionPlaces() *JurisdictionPlaces {
	return &JurisdictionPlaces{cache: map[string]Place{}}
}

// Place parses r's agency name into its jurisdiction and agency type.
func (j *JurisdictionPlaces) Place(r *store.ReportRow) Place {
	key := r.Agency + "\x00" + r.SiteIDCode + "\x00" + strconv.Itoa(r.Year)
	if p, ok := j.cache[key]; ok {
		return p
	}
	a := jurisdiction.ParseAgencyAt(r.Agency, "", r.SiteIDCode, r.Year)
	p := Place{Code: a.Code, AgencyType: a.Type, AgencyNormalized: a.Normalized}
	if a.Code != "" {
		p.Confidence = a.Confidence
		p.HasConfidence = true
	}
	p.fillNames()
	if len(j.cache) >= maxPlaceCache {
		clear(j.cache)
	}
	j.cache[key] = p
	return p
}

// PlaceOfCode returns the Place of a jurisdiction code with the province, prefecture and county
// names and the level filled from the division data (blank when the code is unknown).
func PlaceOfCode(code string) Place {
	p := Place{Code: code}
	p.fillNames()
	return p
}

// fillNames fills the province, prefecture and county names and the level of p.Code
// (jurisdiction.NamesOf).
func (p *Place) fillNames() {
	n := jurisdiction.NamesOf(p.Code)
	p.Province, p.City, p.County, p.Level = n.Province, n.Prefecture, n.County, string(n.Level)
}
