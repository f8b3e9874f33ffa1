package extract

import (
	"os"
	"path/filepath"
	"testing"
)

func readTestdata(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkHTML extracts a realistic report page (Word-pasted 25-row table 三).
func BenchmarkHTML(b *testing.B) {
	data := readTestdata(b, "report.html")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(data, "text/html; charset=utf-8"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTMLGBK is BenchmarkHTML on the same page in GB18030 with only a meta charset.
func BenchmarkHTMLGBK(b *testing.B) {
	data := gb(b, string(readTestdata(b, "report.html")))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(data, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTMLLarge extracts a generated ~50 MB page (allocations show the peak cost).
func BenchmarkHTMLLarge(b *testing.B) {
	data := largePage(50 << 20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(data, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkText extracts the report page flattened to one value per line, as muping_2022.txt.
func BenchmarkText(b *testing.B) {
	d, err := HTML(readTestdata(b, "report.html"), "")
	if err != nil {
		b.Fatal(err)
	}
	var flat []byte
	for _, bl := range d.Blocks {
		if bl.Kind == TextBlock {
			flat = append(flat, bl.Text+"\n\n"...)
			continue
		}
		for _, row := range bl.Table.Rows {
			for _, c := range row {
				if !c.Spanned {
					flat = append(flat, c.Text+"\n\n"...)
				}
			}
		}
	}
	b.SetBytes(int64(len(flat)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Text(flat); err != nil {
			b.Fatal(err)
		}
	}
}
