package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/extract/ocr"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/store"
)

// Part is a resource an HTML page shows but that was fetched on its own: a picture of the page
// body, which may be one of the report's tables printed as an image.
type Part struct {
	// URL is the part's absolute URL. A page's <img src>, resolved against Input.Source, finds
	// its part by this URL.
	URL string
	// Data are the part's bytes (nil when Err is set).
	Data []byte
	// ContentType is the HTTP Content-Type of the part, if any.
	ContentType string
	// Err says why the part could not be fetched ("" when Data holds it).
	Err string
}

// Document flags set when a page is read together with its pictures.
const (
	// FlagPictures marks a document whose tables were read from the pictures of an HTML page.
	FlagPictures = "tables_from_pictures"
	// FlagPictureMissing marks a page one of whose pictures could not be fetched or read.
	FlagPictureMissing = "picture_missing"
)

// MinPictureSide is the smallest width and height, in pixels, of a picture worth reading: a
// table needs a few rows of text; icons, bullets and spacer GIFs are smaller.
const MinPictureSide = 120

// MaxParts bounds the pictures of one page read as parts.
const MaxParts = 24

// assembly returns the identity of a page read with its parts, and the parts as stored: the
// SHA-256 of a manifest listing the page's digest and each part's URL and digest, so that the
// same page with the same pictures is the same document, and another picture makes another.
func assembly(in Input, pageSHA, pageMedia string) (string, []store.DocumentPart) {
	parts := []store.DocumentPart{{Seq: 0, URL: in.Source, SHA256: pageSHA, MediaType: pageMedia, Size: int64(len(in.Data))}}
	var m bytes.Buffer
	m.WriteString("ogireports assembled document v1\npage " + pageSHA + "\n")
	for i, p := range in.Parts {
		dp := store.DocumentPart{Seq: i + 1, URL: p.URL, Error: p.Err}
		digest := "missing"
		if p.Err == "" {
			s := sha256.Sum256(p.Data)
			dp.SHA256, dp.Size = hex.EncodeToString(s[:]), int64(len(p.Data))
			dp.MediaType = extract.Sniff(p.Data, path.Base(p.URL))
			digest = dp.SHA256
		}
		fmt.Fprintf(&m, "part %d %s %s\n", i+1, p.URL, digest)
		parts = append(parts, dp)
	}
	s := sha256.Sum256(m.Bytes())
	return hex.EncodeToString(s[:]), parts
}

// withPictures reads the pictures of an HTML page whose own markup lacks a statistics table
// and splices what they hold into the page's blocks where each picture sits, so that the
// page's title, agency, year and prose and the pictures' tables make one report. Cells read
// from part N carry page N. A page whose markup already holds tables 二, 三 and 四 is returned
// as it is (its pictures are decoration). It returns the flags to add to the report.
func withPictures(doc *extract.Document, in Input) (*extract.Document, []string) {
	if rep, err := normalize.Normalize(doc); err == nil && len(rep.Layouts) == 3 {
		return doc, nil
	}
	base, _ := url.Parse(in.Source)
	byURL := map[string]int{}
	for i, p := range in.Parts {
		byURL[p.URL] = i
	}
	var flags []string
	inserts := map[int][]extract.Block{}
	read := 0
	for _, im := range doc.Images {
		i, ok := partOf(base, im.Src, byURL)
		if !ok {
			continue
		}
		p := in.Parts[i]
		if p.Err != "" {
			flags = addFlag(flags, FlagPictureMissing)
			continue
		}
		if !strings.HasPrefix(extract.Sniff(p.Data, path.Base(p.URL)), "image/") {
			flags = addFlag(flags, FlagPictureMissing) // e.g. an error page served for the picture
			continue
		}
		if small(p.Data) {
			continue
		}
		pd, _, err := Extract(p.Data, path.Base(p.URL), p.ContentType)
		switch {
		case errors.Is(err, ocr.ErrNeedsOCR):
			flags = addFlag(flags, ocr.FlagNeedsOCR)
			continue
		case err != nil:
			flags = addFlag(flags, FlagPictureMissing)
			continue
		}
		for _, b := range pd.Blocks {
			b.Page = i + 1
			if b.Table != nil {
				t := *b.Table
				t.Page = i + 1
				b.Table = &t
			}
			inserts[im.Block] = append(inserts[im.Block], b)
		}
		for _, f := range pd.Flags {
			doc.Flags = addFlag(doc.Flags, f)
		}
		read++
	}
	if read == 0 {
		return doc, flags
	}
	out := *doc
	out.Blocks = make([]extract.Block, 0, len(doc.Blocks)+len(inserts))
	for i := 0; i <= len(doc.Blocks); i++ {
		out.Blocks = append(out.Blocks, inserts[i]...)
		if i < len(doc.Blocks) {
			out.Blocks = append(out.Blocks, doc.Blocks[i])
		}
	}
	// Each picture was arbitrated alone, where table 三 cut over two pictures or table 二 alone
	// offers no identity: let the identities of the whole report choose again.
	ocr.Arbitrate(&out)
	return &out, addFlag(flags, FlagPictures)
}

// partOf finds the part of an image source.
func partOf(base *url.URL, src string, byURL map[string]int) (int, bool) {
	if i, ok := byURL[src]; ok {
		return i, true
	}
	if base == nil {
		return 0, false
	}
	u, err := base.Parse(src)
	if err != nil {
		return 0, false
	}
	u.Fragment = ""
	if i, ok := byURL[u.String()]; ok {
		return i, true
	}
	// A page imported from disk: its source and its pictures' URLs are file paths, which
	// String() would percent-encode (中文 folder names, spaces).
	if u.Scheme == "" && u.Host == "" {
		i, ok := byURL[u.Path]
		return i, ok
	}
	return 0, false
}

// small reports whether data is a decodable picture too small to hold a table.
func small(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && (cfg.Width < MinPictureSide || cfg.Height < MinPictureSide/3)
}

func addFlag(flags []string, f string) []string {
	if slices.Contains(flags, f) {
		return flags
	}
	return append(flags, f)
}

// partsReason says why a page whose tables are pictures could not be read as a report.
func partsReason(flags []string, n int) string {
	switch {
	case slices.Contains(flags, ocr.FlagNeedsOCR):
		return ocr.FlagNeedsOCR + ": the page's tables are pictures (" + strconv.Itoa(n) + ") and OCR (tesseract with chi_sim) is not installed; the pictures are archived"
	case slices.Contains(flags, FlagPictureMissing):
		return "the page's tables are pictures that could not be fetched or read"
	}
	return ""
}
