package extract

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	const zh = "政府信息公开工作年度报告"
	metaGB2312 := `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
	cat := func(parts ...[]byte) []byte { return slices.Concat(parts...) }
	b := func(s string) []byte { return []byte(s) }
	tests := []struct {
		name        string
		data        []byte
		contentType string
		wantText    string // must be contained in the decoded text
		wantEnc     string
		wantFlags   []string
	}{
		{
			name:     "GBK page with only a meta http-equiv gb2312",
			data:     cat(b("<html><head>"+metaGB2312+"</head><body>"), gb(t, zh), b("</body></html>")),
			wantText: zh, wantEnc: "gb18030",
		},
		{
			name:     "meta charset=gbk",
			data:     cat(b(`<meta charset="gbk"><p>`), gb(t, zh)),
			wantText: zh, wantEnc: "gb18030",
		},
		{
			name: "GB2312 declared with 4-byte GB18030 characters",
			// 𠀀 (U+20000) is the 4-byte sequence 95 32 82 36; 䶮 is FE 9F in GB18030-2022.
			data:     cat(b("<head>"+metaGB2312+"</head><p>"), gb(t, "姓名："), b("\x95\x32\x82\x36\xfe\x9f"), gb(t, "㐀 鿿")),
			wantText: "姓名：𠀀䶮㐀 鿿", wantEnc: "gb18030",
		},
		{
			name:        "header GBK and meta gb2312 agree",
			data:        cat(b("<head>"+metaGB2312+"</head><p>"), gb(t, zh)),
			contentType: "text/html; charset=GBK",
			wantText:    zh, wantEnc: "gb18030",
		},
		{
			name:        "header wins over a conflicting meta",
			data:        cat(b(`<meta charset="utf-8"><p>`), gb(t, zh)),
			contentType: "text/html;charset=gbk",
			wantText:    zh, wantEnc: "gb18030", wantFlags: []string{FlagCharsetConflict},
		},
		{
			name:        "quoted header charset",
			data:        cat(b("<p>"), gb(t, zh)),
			contentType: `text/html; charset="gb2312"`,
			wantText:    zh, wantEnc: "gb18030",
		},
		{
			name:     "undeclared GBK",
			data:     cat(b("<html><body><p>"), gb(t, zh), b("</p></body></html>")),
			wantText: zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingDetected},
		},
		{
			name:     "undeclared UTF-8",
			data:     b("<p>" + zh + "</p>"),
			wantText: zh, wantEnc: "utf-8", wantFlags: []string{FlagEncodingDetected},
		},
		{
			name:     "UTF-8 BOM beats a wrong meta",
			data:     cat([]byte{0xEF, 0xBB, 0xBF}, b(metaGB2312+"<p>"+zh)),
			wantText: metaGB2312 + "<p>" + zh, wantEnc: "utf-8",
		},
		{
			name:     "UTF-16LE BOM",
			data:     []byte{0xFF, 0xFE, '<', 0, 'p', 0, '>', 0, 0x3F, 0x65, 0x9C, 0x5E},
			wantText: "<p>政府", wantEnc: "utf-16le",
		},
		{
			name:     "UTF-16BE BOM",
			data:     []byte{0xFE, 0xFF, 0, '<', 0, 'p', 0, '>', 0x65, 0x3F, 0x5E, 0x9C},
			wantText: "<p>政府", wantEnc: "utf-16be",
		},
		{
			name:     "declared utf-8 but GBK bytes",
			data:     cat(b(`<meta charset="utf-8"><p>`), gb(t, zh)),
			wantText: zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingMismatch},
		},
		{
			name:        "header utf-8 but GBK bytes",
			data:        cat(b(`<p>`), gb(t, zh)),
			contentType: "text/html; charset=UTF-8",
			wantText:    zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingMismatch},
		},
		{
			name:     "declared gb2312 but UTF-8 bytes",
			data:     b("<head>" + metaGB2312 + "</head><p>" + zh),
			wantText: zh, wantEnc: "utf-8", wantFlags: []string{FlagEncodingMismatch},
		},
		{
			name:        "iso-8859-1 declared on GBK bytes",
			data:        cat(b("<p>"), gb(t, zh)),
			contentType: "text/html; charset=iso-8859-1",
			wantText:    zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingMismatch},
		},
		{
			name:     "iso-8859-1 meta on UTF-8 Chinese",
			data:     b(`<meta charset="ISO-8859-1"><p>` + zh),
			wantText: zh, wantEnc: "utf-8", wantFlags: []string{FlagEncodingMismatch},
		},
		{
			name:        "iso-8859-1 on real Latin-1 stays",
			data:        []byte("<p>caf\xe9 na\xefve"),
			contentType: "text/html; charset=iso-8859-1",
			wantText:    "café naïve", wantEnc: "windows-1252",
		},
		{
			name:        "iso-8859-1 on ASCII",
			data:        b("<p>404 Not Found"),
			contentType: "text/html; charset=iso-8859-1",
			wantText:    "404 Not Found", wantEnc: "windows-1252",
		},
		{
			name:        "Big5 gateway page",
			data:        cat(b("<p>"), big5(t, "政府資訊公開")),
			contentType: "text/html; charset=big5",
			wantText:    "政府資訊公開", wantEnc: "big5",
		},
		{
			name:     "unknown label falls back to detection",
			data:     cat(b(`<meta charset="x-no-such"><p>`), gb(t, zh)),
			wantText: zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingDetected},
		},
		{
			name:     "meta beyond the scan window is ignored",
			data:     cat(b("<!--"+strings.Repeat("x", metaScanLen)+`--><meta charset="utf-8"><p>`), gb(t, zh)),
			wantText: zh, wantEnc: "gb18030", wantFlags: []string{FlagEncodingDetected},
		},
		{
			name:     "GBK cut in the middle of a character",
			data:     cat(b(`<meta charset="gbk"><p>`), gb(t, zh)[:7]),
			wantText: "政府信", wantEnc: "gb18030", wantFlags: []string{FlagDecodeErrors},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, enc, flags, err := Decode(tc.data, tc.contentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !strings.Contains(text, tc.wantText) {
				t.Errorf("text %q does not contain %q", text, tc.wantText)
			}
			if strings.HasPrefix(text, "\uFEFF") {
				t.Errorf("BOM kept in %q", text)
			}
			if enc != tc.wantEnc {
				t.Errorf("encoding %q, want %q", enc, tc.wantEnc)
			}
			if !slices.Equal(flags, tc.wantFlags) {
				t.Errorf("flags %v, want %v", flags, tc.wantFlags)
			}
		})
	}
}

func TestDecodeEmpty(t *testing.T) {
	if _, _, _, err := Decode(nil, "text/html"); !errors.Is(err, ErrEmpty) {
		t.Errorf("Decode(nil) error %v, want ErrEmpty", err)
	}
}

func TestHTMLEncodingReachesDocument(t *testing.T) {
	page := slices.Concat([]byte(`<html><head><meta charset="gb2312"><title>`), gb(t, "年报"),
		[]byte(`</title></head><body><table><tr><td>`), gb(t, "自然人"), []byte(`</td><td>92</td></tr></table></body></html>`))
	d, err := HTML(page, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Encoding != "gb18030" || d.Title != "年报" || d.MediaType != MediaHTML {
		t.Errorf("encoding %q title %q media %q", d.Encoding, d.Title, d.MediaType)
	}
	if ts := tables(d); len(ts) != 1 || gridString(ts[0]) != "自然人|92" {
		t.Errorf("blocks %q", shape(d))
	}
	d, err = HTML(slices.Concat([]byte(`<meta charset="utf-8"><p>`), gb(t, "一、总体情况")), "")
	if err != nil {
		t.Fatal(err)
	}
	if !hasFlag(d.Flags, FlagEncodingMismatch) || len(d.Blocks) != 1 || d.Blocks[0].Text != "一、总体情况" {
		t.Errorf("flags %v blocks %q", d.Flags, shape(d))
	}
}
