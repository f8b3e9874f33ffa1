package extract

import (
	"archive/zip"
	"bytes"
	"testing"
)

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("<x/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	oleWord := append(append([]byte{}, ole...), oleWordStream...)
	oleBook := append(append([]byte{}, ole...), oleBookStream...)
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	junk := []byte{0x00, 0x01, 0x02, 0xFF, 0x10, 0x00, 0x7F, 0x03, 0x04, 0x05}
	tests := []struct {
		name string
		data []byte
		file string
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "report.pdf", MediaPDF},
		{"pdf with leading junk and no name", []byte("\r\n\x00\x00%PDF-1.4\n"), "", MediaPDF},
		{"pdf named html", []byte("%PDF-1.5\n"), "show.html", MediaPDF},
		{"html mentioning %PDF- early", []byte("<html><body>%PDF-1.4 header</body></html>"), "", MediaHTML},
		{"html starting with h2", []byte("<h2>404</h2>"), "", MediaHTML},
		{"docx", docx, "P020230117.docx", MediaDOCX},
		{"docx without extension", docx, "download.jsp", MediaDOCX},
		{"truncated docx", docx[:len(docx)/2+20], "", MediaDOCX},
		{"xlsx", zipWith(t, "xl/workbook.xml"), "", MediaXLSX},
		{"plain zip", zipWith(t, "a.txt"), "a.zip", MediaZIP},
		{"ole word stream", oleWord, "", MediaDOC},
		{"ole workbook stream", oleBook, "", MediaXLS},
		{"ole wps by extension", ole, "年报.wps", MediaDOC},
		{"ole xls by extension", ole, "附表.xls", MediaXLS},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "t.png", MediaPNG},
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'}, "", MediaJPEG},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "", MediaGIF},
		{"html doctype", []byte("\n  <!DOCTYPE html><html>"), "", MediaHTML},
		{"html with BOM", []byte("\xEF\xBB\xBF<html lang=zh>"), "", MediaHTML},
		{"html fragment table", []byte("<TABLE border=1><tr>"), "", MediaHTML},
		{"html comment first", []byte("<!-- saved from url --><p>"), "", MediaHTML},
		{"xml prolog then html", []byte(`<?xml version="1.0"?><html xmlns="x">`), "", MediaHTML},
		{"html error page named pdf", []byte("<html><body>404</body></html>"), "P0201.pdf", MediaHTML},
		{"text by extension html", []byte("政府信息公开 年度报告"), "show.asp", MediaHTML},
		{"utf-8 text", []byte("烟台市牟平区人民政府2022年政府信息公开工作年度报告\n"), "", MediaText},
		{"gbk text", gb(t, "政府信息公开工作年度报告\r\n一、总体情况"), "a.txt", MediaText},
		{"utf-16 text with BOM", []byte{0xFF, 0xFE, 'a', 0, 'b', 0}, "", MediaText},
		{"text named pdf without magic", []byte("not really a pdf"), "x.pdf", MediaText},
		{"binary junk", junk, "", MediaBinary},
		{"binary junk named txt", junk, "a.txt", MediaBinary},
		{"binary named pdf", junk, "a.pdf", MediaPDF},
		{"binary named doc", junk, "a.doc", MediaDOC},
		{"binary named docx", junk, "a.docx", MediaDOCX},
		{"extension in URL query ignored", junk, "/download.jsp?file=a.txt", MediaBinary},
		{"empty", nil, "a.html", MediaBinary},
		{"word b is not body", []byte("<bogus>"), "", MediaText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.data, tc.file); got != tc.want {
				t.Errorf("Sniff(%q) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}
