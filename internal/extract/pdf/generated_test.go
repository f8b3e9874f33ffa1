package pdf_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/extract/doc"
	"github.com/ogireports/ogireports/internal/extract/pdf"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/testutil"
)

func TestMain(m *testing.M) {
	code := m.Run()
	doc.RemoveProfiles()
	os.Exit(code)
}

// genPDFCacheDir is where the LibreOffice renderings of generated variants are kept between
// runs (rendering all of them takes minutes): os.UserCacheDir()/ogireports/genpdf, or "" when
// there is no user cache directory.
func genPDFCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ogireports", "genpdf")
}

// variantPDF renders v with LibreOffice, from the cache when an earlier run rendered the same
// page (the key is a hash of the HTML, so any change to the generator renders again).
func variantPDF(v reportgen.Variant) ([]byte, bool, error) {
	h := sha256.Sum256(v.HTML())
	dir := genPDFCacheDir()
	path := ""
	if dir != "" {
		path = filepath.Join(dir, hex.EncodeToString(h[:12])+".pdf")
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b, true, nil
		}
	}
	b, err := v.ViaLibreOffice("pdf")
	if err != nil {
		return nil, false, err
	}
	if path != "" && os.MkdirAll(dir, 0o755) == nil {
		tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
		if os.WriteFile(tmp, b, 0o644) == nil {
			os.Rename(tmp, path)
		}
	}
	return b, false, nil
}

// pdfSubset returns the indices of reportgen.Variants(1) the default run covers: chosen
// greedily so that every quirk, every t2 and t3 layout, both encodings and both broken and
// consistent variants appear at least once, then padded to minPDFSubset. With
// OGIREPORTS_PDF_ALL=1 it returns all of them.
func pdfSubset(vs []reportgen.Variant) []int {
	if os.Getenv("OGIREPORTS_PDF_ALL") == "1" {
		all := make([]int, len(vs))
		for i := range all {
			all[i] = i
		}
		return all
	}
	return reportgen.Representative(vs, minPDFSubset, 3)
}

// minPDFSubset is the size of the default subset of pdfSubset.
const minPDFSubset = 28

// TestGeneratedPDF renders variants of reportgen.Variants(1) to PDF with LibreOffice
// (cached, see variantPDF), reads them with Extract and normalize.Normalize and requires every
// truth cell, the agency and the year exact (issue 4: 100% for PDF); broken variants must keep
// their printed numbers with a failed check. The default run covers a representative subset
// (pdfSubset); OGIREPORTS_PDF_ALL=1 runs all variants, OGIREPORTS_PDF_SEED=n those of
// reportgen.Variants(n) instead.
func TestGeneratedPDF(t *testing.T) {
	testutil.NeedTool(t, "soffice", "libreoffice-writer-nogui")
	seed := int64(1)
	if s := os.Getenv("OGIREPORTS_PDF_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("OGIREPORTS_PDF_SEED=%q: %v", s, err)
		}
		seed = n
	}
	all := reportgen.Variants(seed)
	idx := pdfSubset(all)
	var pass, exact, total, cached atomic.Int64
	var renderNs, extractNs atomic.Int64
	t.Run("variants", func(t *testing.T) {
		for _, i := range idx {
			v := all[i]
			t.Run(v.ID, func(t *testing.T) {
				t.Parallel()
				t0 := time.Now()
				data, hit, err := variantPDF(v)
				if err != nil {
					t.Fatalf("render pdf: %v", err)
				}
				if hit {
					cached.Add(1)
				}
				t1 := time.Now()
				renderNs.Add(int64(t1.Sub(t0)))
				d, err := pdf.Extract(data)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				rep, err := normalize.Normalize(d)
				extractNs.Add(int64(time.Since(t1)))
				if err != nil {
					t.Fatalf("normalize: %v", err)
				}
				p, e, n := reportgen.Compare(v, rep)
				exact.Add(int64(e))
				total.Add(int64(n))
				if len(p) > 0 {
					if len(p) > 15 {
						p = append(p[:15], fmt.Sprintf("… and %d more", len(p)-15))
					}
					t.Errorf("%d problems (quirks %v, layouts %s/%s, broken %v):\n  %s",
						len(p), v.Quirks, v.LayoutT2, v.LayoutT3, v.Broken, strings.Join(p, "\n  "))
					return
				}
				pass.Add(1)
			})
		}
	})
	t.Logf("generated PDF (LibreOffice): %d of %d variants exact; %d of %d truth cells exact (%.2f%%); %d renderings cached; render %.1fs, extract+normalize %.1fs (summed over workers)",
		pass.Load(), len(idx), exact.Load(), total.Load(), 100*float64(exact.Load())/float64(max(total.Load(), 1)),
		cached.Load(), time.Duration(renderNs.Load()).Seconds(), time.Duration(extractNs.Load()).Seconds())
}
