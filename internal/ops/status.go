package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/store"
)

// Problems a site can need attention for (`crawl status`).
const (
	ProblemUnreachable = "unreachable"
	ProblemRobots      = "robots"
	ProblemBlocked     = "blocked"
	ProblemNoLatest    = "no_latest_report"
)

// Attention is one site that needs a human look.
type Attention struct {
	// Code, Name and URL identify the site; Problem is one of the Problem* constants.
	Code, Name, URL, Problem string
	// Detail explains it (reason, consecutive failures, latest year found).
	Detail string
}

// HealthReport is what `crawl status` prints.
type HealthReport struct {
	// Runs are the last runs, newest first.
	Runs []store.RunRow
	// Attention lists the sites that need attention, by problem then code.
	Attention []Attention
	// Unmatched are the agencies of logical reports that match no jurisdiction.
	Unmatched []store.UnmatchedAgency
	// ExpectedYear is the latest report year due at the time of the report.
	ExpectedYear int
}

// chinaTime is the zone of the 3月31日 deadline.
var chinaTime = time.FixedZone("CST", 8*3600)

// ExpectedYear returns the latest report year that must be published at now: reports for year
// Y are due by 31 March of Y+1 (政府信息公开条例 第五十条), so from 1 April of year Y+1 on,
// year Y is expected, before it year Y-1.
func ExpectedYear(now time.Time) int {
	t := now.In(chinaTime)
	if t.Month() > time.March {
		return t.Year() - 1
	}
	return t.Year() - 2
}

// Health builds the report: the last runs (limit runs), the sites needing attention (a site
// unreachable for at least unreachableRuns consecutive runs, blocked by robots.txt or by
// 403/WAF in its latest attempt, or answering but without a report for ExpectedYear(now)), and
// the agencies matching no jurisdiction.
func Health(ctx context.Context, st *store.Store, runs, unreachableRuns int, now time.Time) (HealthReport, error) {
	var r HealthReport
	var err error
	if r.Runs, err = st.Runs(ctx, runs); err != nil {
		return r, fmt.Errorf("health: %w", err)
	}
	sites, err := st.CrawlSites(ctx)
	if err != nil {
		return r, fmt.Errorf("health: %w", err)
	}
	health, err := st.SiteHealths(ctx)
	if err != nil {
		return r, fmt.Errorf("health: %w", err)
	}
	latest, err := st.SiteLatestYears(ctx)
	if err != nil {
		return r, fmt.Errorf("health: %w", err)
	}
	r.ExpectedYear = ExpectedYear(now)
	if unreachableRuns < 1 {
		unreachableRuns = 1
	}
	for _, s := range sites {
		a := Attention{Code: s.Code, Name: s.Name, URL: s.URL}
		h, hok := health[s.Code]
		outcome, reason := "", s.Reason
		if hok {
			outcome, reason = h.LastOutcome, h.LastReason
		} else {
			robots := 0
			if u, perr := url.Parse(s.URL); perr == nil {
				if hr, ok, _ := st.Host(ctx, u.Host); ok {
					robots = hr.RobotsStatus
				}
			}
			outcome, reason = Classify(store.SiteAttempt{CrawlSite: s, ItemsDone: 1, RobotsStatus: robots})
		}
		switch outcome {
		case OutcomeUnreachable:
			fails := h.Failures
			if !hok {
				fails = 1 // crawled before run history existed
			}
			if fails >= unreachableRuns {
				a.Problem, a.Detail = ProblemUnreachable, fmt.Sprintf("%d consecutive runs; %s; next try in run %d", fails, reason, h.NextEligibleRun)
			}
		case OutcomeRobots:
			a.Problem, a.Detail = ProblemRobots, reason
		case OutcomeBlocked:
			a.Problem, a.Detail = ProblemBlocked, reason
		case OutcomeOK:
			if y, ok := latest[s.Code]; !ok {
				a.Problem, a.Detail = ProblemNoLatest, fmt.Sprintf("no report found; %d expected since 31 March %d", r.ExpectedYear, r.ExpectedYear+1)
			} else if y < r.ExpectedYear {
				a.Problem, a.Detail = ProblemNoLatest, fmt.Sprintf("latest report %d; %d expected since 31 March %d", y, r.ExpectedYear, r.ExpectedYear+1)
			}
		}
		if a.Problem != "" {
			r.Attention = append(r.Attention, a)
		}
	}
	sort.SliceStable(r.Attention, func(i, j int) bool {
		if r.Attention[i].Problem != r.Attention[j].Problem {
			return r.Attention[i].Problem < r.Attention[j].Problem
		}
		return r.Attention[i].Code < r.Attention[j].Code
	})
	if r.Unmatched, err = st.UnmatchedAgencies(ctx); err != nil {
		return r, fmt.Errorf("health: %w", err)
	}
	return r, nil
}

// Write prints the report as plain text.
func (r HealthReport) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Last runs (%d):\n", len(r.Runs))
	if len(r.Runs) == 0 {
		b.WriteString("  none\n")
	}
	for _, run := range r.Runs {
		end, dur := "-", "-"
		if !run.Ended.IsZero() {
			end = run.Ended.UTC().Format("2006-01-02 15:04:05")
			dur = run.Ended.Sub(run.Started).Round(time.Second).String()
		}
		fmt.Fprintf(&b, "  #%d %-9s %s  started %s  ended %s  took %s  %s\n", run.ID, run.Kind, run.Status,
			run.Started.UTC().Format("2006-01-02 15:04:05"), end, dur, countsLine(run.Counts))
	}
	fmt.Fprintf(&b, "Sites needing attention (%d; reports for %d are due):\n", len(r.Attention), r.ExpectedYear)
	if len(r.Attention) == 0 {
		b.WriteString("  none\n")
	}
	for _, a := range r.Attention {
		fmt.Fprintf(&b, "  %-17s %s %s %s: %s\n", a.Problem, a.Code, a.Name, a.URL, a.Detail)
	}
	fmt.Fprintf(&b, "Agencies matching no jurisdiction (%d):\n", len(r.Unmatched))
	if len(r.Unmatched) == 0 {
		b.WriteString("  none\n")
	}
	for _, u := range r.Unmatched {
		fmt.Fprintf(&b, "  %s (%d reports, %d–%d): %s\n", u.Agency, u.Reports, u.FirstYear, u.LastYear, u.Reason)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// countsLine renders a counts JSON object as sorted key=value pairs (nested maps flattened
// as key.sub=value), omitting zeros.
func countsLine(js string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return js
	}
	var parts []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch x := v.(type) {
			case map[string]any:
				walk(prefix+k+".", x)
			case float64:
				if x != 0 {
					parts = append(parts, fmt.Sprintf("%s%s=%v", prefix, k, x))
				}
			default:
				if x != nil && x != "" && x != false {
					parts = append(parts, fmt.Sprintf("%s%s=%v", prefix, k, x))
				}
			}
		}
	}
	walk("", m)
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
