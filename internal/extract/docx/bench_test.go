package docx_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"testing"

	"github.com/ogireports/ogireports/internal/extract/docx"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
)

// BenchmarkDOCX measures DOCX reports per second over the DOCX renderings of
// reportgen.Variants(1): "extract" is docx.Extract alone, "extract+normalize" adds
// normalize.Normalize, and "bare" is the floor of any native reader (unzip the document part
// and walk its XML tokens) so that extract/bare shows this package's own overhead.
func BenchmarkDOCX(b *testing.B) {
	var files [][]byte
	size := 0
	for _, v := range reportgen.Variants(1) {
		data, err := v.DOCX()
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		size += len(data)
	}
	run := func(b *testing.B, fn func([]byte) error) {
		b.SetBytes(int64(size / len(files)))
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if err := fn(files[n%len(files)]); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reports/s")
	}
	b.Run("bare", func(b *testing.B) {
		run(b, func(data []byte) error {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return err
			}
			for _, f := range zr.File {
				if f.Name != "word/document.xml" {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					return err
				}
				d := xml.NewDecoder(rc)
				for {
					if _, err := d.Token(); err == io.EOF {
						break
					} else if err != nil {
						return err
					}
				}
				rc.Close()
			}
			return nil
		})
	})
	b.Run("extract", func(b *testing.B) {
		run(b, func(data []byte) error { _, err := docx.Extract(data); return err })
	})
	b.Run("extract+normalize", func(b *testing.B) {
		run(b, func(data []byte) error {
			d, err := docx.Extract(data)
			if err != nil {
				return err
			}
			_, err = normalize.Normalize(d)
			return err
		})
	})
}
