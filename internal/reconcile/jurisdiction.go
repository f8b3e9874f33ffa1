package reconcile

import "github.com/ogireports/ogireports/internal/jurisdiction"

// JurisdictionResolver is the Resolver backed by internal/jurisdiction (GB/T 2260 divisions):
// jurisdiction.ParseAgency with the crawl site's registry code as prior and the 网站标识码 as a
// check. It parses without the report year, so that one agency keeps one key across years.
func JurisdictionResolver(name, prior, siteIDCode string) Agency {
	a := jurisdiction.ParseAgency(name, prior, siteIDCode)
	return Agency{Name: a.Name, Normalized: a.Normalized, Code: a.Code, Type: a.Type,
		Confidence: a.Confidence, Ambiguous: a.Ambiguous, Candidates: a.Candidates, Reason: a.Reason}
}
