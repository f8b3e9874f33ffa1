package pipeline

import (
	"testing"

	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// BenchmarkTablesAsPictures reads report pages whose tables are pictures (reportgen draws them)
// with their pictures: extract the page, OCR and splice the pictures, arbitrate, normalize.
// It reports reports/s and pictures/s (tesseract runs as child processes, on every core).
func BenchmarkTablesAsPictures(b *testing.B) {
	if !ocr.Available() {
		b.Skip("tesseract with chi_sim is not installed")
	}
	type page struct {
		in   Input
		pics int
	}
	var pages []page
	for i, v := range reportgen.Variants(1) {
		if i%24 != 0 {
			continue
		}
		pics, err := v.TableImages()
		if err != nil {
			b.Skip(err)
		}
		data, urls := picturePage(v)
		in := Input{Data: data, Name: "p.html", Source: pageURL}
		for n, p := range pics {
			in.Parts = append(in.Parts, Part{URL: urls[n], Data: p.Data, ContentType: p.MediaType})
		}
		pages = append(pages, page{in, len(pics)})
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		p := pages[i%len(pages)]
		doc, _, err := Extract(p.in.Data, p.in.Name, "")
		if err != nil {
			b.Fatal(err)
		}
		doc, flags := withPictures(doc, p.in)
		if _, err := normalize.Normalize(doc); err != nil {
			b.Fatal(err, flags)
		}
		n += p.pics
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pictures/s")
}
