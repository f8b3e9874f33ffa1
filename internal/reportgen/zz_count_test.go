package reportgen

import "testing"

func TestZZCount(t *testing.T) {
	vs := Variants(testSeed)
	p := Representative(vs, 0, 1)
	t.Log(len(vs), len(p), p)
	p2 := RepresentativeBy(vs, 0, 1, pictureFeatures)
	t.Log(len(p2), p2)
	for _, i := range p { t.Log(vs[i].ID, vs[i].Quirks, vs[i].imageStyle().jpeg) }
}
