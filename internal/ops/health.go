package ops

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/ogireports/ogireports/internal/store"
)

// Site outcomes of one crawl attempt, as recorded in site_health.last_outcome.
const (
	// OutcomeOK: the site answered (at least one page fetched).
	OutcomeOK = "ok"
	// OutcomeRobots: robots.txt forbids the pages we need (the site answered; not retried less).
	OutcomeRobots = "robots"
	// OutcomeBlocked: 403 or a captcha/WAF page stopped the site.
	OutcomeBlocked = "blocked"
	// OutcomeUnreachable: nothing could be fetched (connection errors, 5xx, robots.txt unreachable).
	OutcomeUnreachable = "unreachable"
	// OutcomeUnfinished: the run stopped before the site was finished (not counted either way).
	OutcomeUnfinished = "unfinished"
)

// Classify turns what the crawler left for a site into an outcome. The crawler records a site
// whose robots.txt could not be fetched as "robots" (RFC 9309: assume complete disallow) and a
// site whose every page failed after its root as "done"; both are unreachable here.
func Classify(a store.SiteAttempt) (outcome, reason string) {
	switch a.State {
	case "running":
		return OutcomeUnfinished, a.Reason
	case "blocked":
		return OutcomeBlocked, a.Reason
	case "robots":
		if a.RobotsStatus >= 500 {
			return OutcomeUnreachable, fmt.Sprintf("robots.txt unreachable (status %d)", a.RobotsStatus)
		}
		return OutcomeRobots, a.Reason
	case "failed":
		return OutcomeUnreachable, a.Reason
	}
	if a.ItemsDone == 0 {
		return OutcomeUnreachable, fmt.Sprintf("no page could be fetched (%d failed)", a.ItemsFailed)
	}
	return OutcomeOK, ""
}

// Backoff is the policy of retrying failing sites less often across runs: after the k-th
// consecutive failure a site waits min(2^(k-1), MaxRuns) crawl runs, or as many Units of time,
// whichever comes first (so a site is not forgotten when runs are rare). A success resets it.
type Backoff struct {
	// MaxRuns caps the wait (default 32).
	MaxRuns int
	// Unit is the time equivalent of one run (default 24h; negative: runs only).
	Unit time.Duration
}

// DefaultBackoff waits 1, 2, 4, 8, … up to 32 runs or days.
var DefaultBackoff = Backoff{MaxRuns: 32, Unit: 24 * time.Hour}

// Wait returns how many runs a site waits after its failures-th consecutive failure.
func (b Backoff) Wait(failures int) int {
	if failures <= 0 {
		return 0
	}
	max := b.MaxRuns
	if max <= 0 {
		max = DefaultBackoff.MaxRuns
	}
	w := 1
	for i := 1; i < failures && w < max; i++ {
		w *= 2
	}
	return min(w, max)
}

// Eligible reports whether a site with health h is tried in crawl run ordinal at time now.
func (b Backoff) Eligible(h store.SiteHealth, ordinal int64, now time.Time) bool {
	if h.Failures == 0 || ordinal >= h.NextEligibleRun {
		return true
	}
	return b.Unit > 0 && !h.NextEligible.IsZero() && !now.Before(h.NextEligible)
}

// next returns h updated with the outcome of an attempt in crawl run ordinal at now.
func (b Backoff) next(h store.SiteHealth, outcome, reason string, ordinal int64, now time.Time) store.SiteHealth {
	h.LastOutcome, h.LastReason, h.LastAttemptRun = outcome, reason, ordinal
	switch outcome {
	case OutcomeOK, OutcomeRobots:
		h.Failures, h.NextEligibleRun, h.NextEligible, h.LastOK = 0, 0, time.Time{}, now
	default:
		h.Failures++
		w := b.Wait(h.Failures)
		h.NextEligibleRun = ordinal + int64(w)
		h.NextEligible = time.Time{}
		if b.Unit > 0 {
			h.NextEligible = now.Add(time.Duration(w) * b.Unit)
		}
	}
	return h
}

// SiteRef names a registry site for the backoff filter.
type SiteRef struct {
	// Code is the registry code, URL the site's root.
	Code, URL string
}

// Skipped is a site left out of a run by the backoff.
type Skipped struct {
	// Code is the registry code.
	Code string
	// Failures is its count of consecutive failed runs; NextRun the crawl ordinal that tries
	// it again.
	Failures int
	NextRun  int64
}

// FilterEligible splits sites into those crawl run ordinal tries and those the backoff skips.
// For an eligible site that failed before, the cached robots.txt of its host is expired so
// that a site that came back is seen at once.
func FilterEligible(ctx context.Context, st *store.Store, b Backoff, sites []SiteRef, ordinal int64, now time.Time) (eligible []SiteRef, skipped []Skipped, err error) {
	health, err := st.SiteHealths(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("backoff: %w", err)
	}
	for _, s := range sites {
		h, ok := health[s.Code]
		if !ok || b.Eligible(h, ordinal, now) {
			if ok && h.Failures > 0 {
				if u, perr := url.Parse(s.URL); perr == nil && u.Host != "" {
					if err := st.ExpireRobots(ctx, u.Host); err != nil {
						return nil, nil, fmt.Errorf("backoff: %w", err)
					}
				}
			}
			eligible = append(eligible, s)
			continue
		}
		skipped = append(skipped, Skipped{Code: s.Code, Failures: h.Failures, NextRun: h.NextEligibleRun})
	}
	return eligible, skipped, nil
}

// SiteResult is one site's classified outcome in a run.
type SiteResult struct {
	// Code is the registry code, Outcome one of the Outcome* constants, Reason its detail.
	Code, Outcome, Reason string
	// Failures is the site's count of consecutive failed runs after this one.
	Failures int
}

// RecordOutcomes classifies every site the crawler touched since the run started, updates
// their health (backoff) and returns the results, by code. Unfinished sites are returned but
// leave their health unchanged.
func RecordOutcomes(ctx context.Context, st *store.Store, b Backoff, since time.Time, ordinal int64, now time.Time) ([]SiteResult, error) {
	attempts, err := st.SiteAttempts(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("record outcomes: %w", err)
	}
	health, err := st.SiteHealths(ctx)
	if err != nil {
		return nil, fmt.Errorf("record outcomes: %w", err)
	}
	var out []SiteResult
	var save []store.SiteHealth
	for _, a := range attempts {
		outcome, reason := Classify(a)
		h, ok := health[a.Code]
		if !ok {
			h = store.SiteHealth{Code: a.Code}
		}
		if outcome != OutcomeUnfinished {
			h = b.next(h, outcome, reason, ordinal, now)
			save = append(save, h)
		}
		out = append(out, SiteResult{Code: a.Code, Outcome: outcome, Reason: reason, Failures: h.Failures})
	}
	if err := st.SaveSiteHealth(ctx, save); err != nil {
		return nil, fmt.Errorf("record outcomes: %w", err)
	}
	return out, nil
}
