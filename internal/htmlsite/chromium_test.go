package htmlsite

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/testutil"
)

// EnvScreenshots names a directory where TestSiteInChromium keeps its screenshots (a temporary
// directory otherwise).
const EnvScreenshots = "OGIREPORTS_SCREENSHOTS"

// chromium runs headless Chromium on a file:// URL with a fresh profile and returns stdout.
func chromium(t *testing.T, bin string, target string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=5000"}
	args = append(args, extra...)
	args = append(args, target)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return string(out)
}

func fileURL(path, fragment string) string {
	abs, _ := filepath.Abs(path)
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if fragment == "" {
		return u.String()
	}
	return u.String() + "#" + fragment // fragment is already escaped
}

var (
	reBar    = regexp.MustCompile(`<rect [^>]*class="bar"[^>]*>`)
	reAttr   = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	reStatus = regexp.MustCompile(`<text [^>]*class="status (pass|fail|na)"[^>]*>([^<]*)</text>`)
)

func attrs(tag string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr.FindAllStringSubmatch(tag, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// TestSiteInChromium opens the generated site from disk in headless Chromium and checks that
// the overview's bar chart and an agency page's line charts and tables show the store's numbers
// after the scripts ran; it saves screenshots (desktop and phone widths).
func TestSiteInChromium(t *testing.T) {
	bin := testutil.NeedTool(t, "chromium", "chromium")
	dir, _, facts, _ := writeSite(t)
	shots := os.Getenv(EnvScreenshots)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(dir, "index.html")
	lastYear := testYears[len(testYears)-1]

	views := []struct {
		name, ind, city, q string
		year               int
	}{
		{"default", "", "", "", 0}, // latest year, first indicator, every agency
		{"share-granted-yantai", "share_granted", "烟台市", "", 2022},
		{"reviews-2021", "review_total", "", "", 2021},
		{"search", "requests_received", "", "牟平", 2021},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			ind, year := v.ind, v.year
			frag := ""
			if ind != "" {
				frag = fmt.Sprintf("ind=%s&year=%d&c=%s&q=%s", ind, year, url.PathEscape(v.city), url.PathEscape(v.q))
			} else {
				ind, year = Indicators[0].ID, lastYear
			}
			dom := chromium(t, bin, fileURL(index, frag), "--dump-dom")
			_, want := agenciesWithValue(facts, year, ind)
			for a := range want {
				if !strings.HasPrefix(a, v.city) || !strings.Contains(a, v.q) {
					delete(want, a)
				}
			}
			bars := reBar.FindAllString(dom, -1)
			if len(bars) != len(want) || len(want) == 0 {
				t.Fatalf("%d bars, want %d (one per agency with a value for %s %d)", len(bars), len(want), ind, year)
			}
			prev := math.Inf(1)
			for _, b := range bars {
				a := attrs(b)
				got, err := strconv.ParseFloat(a["data-value"], 64)
				w, ok := want[a["data-agency"]]
				if err != nil || !ok || math.Abs(got-math.Round(w*100)/100) > 1e-9 {
					t.Errorf("bar %s = %s, store gives %v (%v)", a["data-agency"], a["data-value"], w, ok)
				}
				if got > prev {
					t.Errorf("bars not ranked: %v after %v", got, prev)
				}
				prev = got
			}
			if st := reStatus.FindAllStringSubmatch(dom, -1); len(st) != len(bars) {
				t.Errorf("%d check statuses beside %d bars", len(st), len(bars))
			}
			if v.name == "default" || v.city != "" {
				chromium(t, bin, fileURL(index, frag), "--screenshot="+filepath.Join(shots, "overview-"+v.name+".png"), "--window-size=1200,1000", "--hide-scrollbars")
			}
		})
	}
	// The broken report (first agency, 2022) shows ✗ beside its bar.
	dom := chromium(t, bin, fileURL(index, "ind=requests_received&year=2022"), "--dump-dom")
	if !strings.Contains(dom, `data-agency="`+testAgencies[0]+`"`) || !strings.Contains(dom, `class="status fail"`) {
		t.Errorf("the report with a failed check is not marked failed on the overview")
	}

	// An agency page: one line chart per indicator with values, points at the store's values,
	// and its tables as printed.
	agency := testAgencies[0]
	page := filepath.Join(dir, AgenciesDir, agencyFile(agency))
	dom = chromium(t, bin, fileURL(page, ""), "--dump-dom")
	if n := strings.Count(dom, `<polyline class="line"`); n == 0 {
		t.Errorf("no line on the agency page")
	}
	reqByYear := map[int]float64{}
	for _, r := range facts {
		if r.Agency == agency {
			if c := r.Cells["t3.new_received.total"]; c.Value != nil {
				reqByYear[r.Year] = *c.Value
			}
		}
	}
	fig := between(dom, `<figure class="chart" data-indicator="requests_received">`, `</figure>`)
	pts := regexp.MustCompile(`<circle class="pt"[^>]*data-year="(\d+)" data-value="([^"]+)"`).FindAllStringSubmatch(fig, -1)
	if len(pts) != len(reqByYear) {
		t.Errorf("requests chart has %d points, store has %d years with a value", len(pts), len(reqByYear))
	}
	for _, p := range pts {
		y, _ := strconv.Atoi(p[1])
		if v, _ := strconv.ParseFloat(p[2], 64); v != reqByYear[y] {
			t.Errorf("requests chart %d = %v, store %v", y, v, reqByYear[y])
		}
	}
	checked := 0
	for _, r := range facts {
		if r.Agency != agency {
			continue
		}
		tds := cellsOf(section(dom, r.ID))
		for _, key := range []string{"t3.new_received.total", "t3.granted.natural_person", "t4.review.total", "t2.regulations.issued", "t2.regulations.made"} {
			c, ok := r.Cells[key]
			if !ok {
				continue
			}
			got := tds[key]
			if strings.TrimSpace(html.UnescapeString(got.text)) != strings.TrimSpace(c.ValueText) || got.blank != (c.Value == nil) {
				t.Errorf("report %d %s: DOM %q blank=%v, store %q blank=%v", r.ID, key, got.text, got.blank, c.ValueText, c.Value == nil)
			}
			checked++
		}
	}
	if checked < 3*len(testYears) {
		t.Errorf("only %d cells compared", checked)
	}
	for _, s := range []struct{ name, size string }{{"agency-desktop", "1200,2400"}, {"agency-phone", "390,1800"}} {
		chromium(t, bin, fileURL(page, ""), "--screenshot="+filepath.Join(shots, s.name+".png"), "--window-size="+s.size, "--hide-scrollbars")
	}
	chromium(t, bin, fileURL(index, ""), "--screenshot="+filepath.Join(shots, "overview-phone.png"), "--window-size=390,1400", "--hide-scrollbars")
	for _, n := range []string{"overview-default", "agency-desktop", "agency-phone", "overview-phone"} {
		if fi, err := os.Stat(filepath.Join(shots, n+".png")); err != nil || fi.Size() < 5000 {
			t.Errorf("screenshot %s: %v", n, err)
		}
	}
	t.Logf("screenshots in %s", shots)
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
