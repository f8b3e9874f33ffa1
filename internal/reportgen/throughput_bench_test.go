package reportgen_test

import (
	"testing"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// benchExtraction measures whole-report extraction (bytes → extract → normalize) over the
// generated variants, one report per iteration; `make bench` runs it with -cpu 1 and turns
// ns/op into reports per second.
func benchExtraction(b *testing.B, render func(reportgen.Variant) []byte, parse func([]byte) (*extract.Document, error)) {
	vs := reportgen.Variants(1)
	docs := make([][]byte, len(vs))
	var total int64
	for i, v := range vs {
		docs[i] = render(v)
		total += int64(len(docs[i]))
	}
	b.SetBytes(total / int64(len(docs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := parse(docs[i%len(docs)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := normalize.Normalize(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportHTML is HTML report extraction throughput (one report per op).
func BenchmarkReportHTML(b *testing.B) {
	benchExtraction(b, func(v reportgen.Variant) []byte { return v.HTML() },
		func(d []byte) (*extract.Document, error) { return extract.HTML(d, "") })
}

// BenchmarkReportText is flattened-text report extraction throughput (one report per op).
func BenchmarkReportText(b *testing.B) {
	benchExtraction(b, func(v reportgen.Variant) []byte { return v.FlatText() }, extract.Text)
}
