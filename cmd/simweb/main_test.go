package main

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/simweb"
	"github.com/ogireports/ogireports/internal/testutil"
)

// TestTableImagesHook checks the hook wired by --attachments: it draws a variant's pictures
// once (the second call returns the cached pictures, equal to a fresh rendering), and a web
// using it serves every table of an image-kind report as a decodable picture of the media
// type it declares, with the truth saying the cells are extractable.
func TestTableImagesHook(t *testing.T) {
	if _, err := reportgen.CJKFont(); err != nil {
		testutil.Missing(t, "table pictures need a CJK font: "+err.Error())
	}
	hook := tableImages()
	v := reportgen.Variants(1)[0]
	first, second := hook(v), hook(v)
	want, err := v.TableImages()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || len(first) != len(want) || &first[0] != &second[0] {
		t.Fatalf("hook: %d then %d pictures (cached: %v), want %d", len(first), len(second), len(first) > 0 && &first[0] == &second[0], len(want))
	}
	for i := range want {
		if !bytes.Equal(first[i].Data, want[i].Data) {
			t.Errorf("picture %d differs from a fresh rendering", i+1)
		}
	}

	w := simweb.New(simweb.Config{Seed: 7, Sites: 12, Faults: &simweb.Faults{}, CrawlDelayUnit: time.Millisecond, TableImages: hook})
	proxy, err := w.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	pu, _ := url.Parse(proxy)
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	get := func(u string) (string, []byte) {
		t.Helper()
		r, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", u, r.StatusCode, err)
		}
		return r.Header.Get("Content-Type"), b
	}
	reImg := regexp.MustCompile(`<img src="([^"]+)"`)
	formats := map[string]int{}
	reports := 0
	for _, p := range w.Truth() {
		if !p.IsReport || p.Kind != "image" || !p.Reachable || p.Year < 2019 || reports >= 6 {
			continue
		}
		reports++
		if !p.Extractable {
			t.Errorf("%s: image report with pictures not extractable", p.URL)
		}
		_, page := get(p.PageURL)
		imgs := reImg.FindAllSubmatch(page, -1)
		if len(imgs) < 3 {
			t.Errorf("%s: %d <img>", p.PageURL, len(imgs))
		}
		base, _ := url.Parse(p.PageURL)
		for _, m := range imgs {
			ref, _ := url.Parse(string(m[1]))
			u := base.ResolveReference(ref).String()
			ct, b := get(u)
			cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil || "image/"+format != ct || cfg.Width < 300 || cfg.Height < 100 {
				t.Errorf("%s: %s, decoded %q %dx%d (%v)", u, ct, format, cfg.Width, cfg.Height, err)
			}
			formats[ct]++
		}
	}
	if reports == 0 {
		t.Fatal("no image-kind report planted")
	}
	t.Logf("%d image reports: %v", reports, formats)
}
