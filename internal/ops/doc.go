// Package ops owns unattended operation of the crawl commands: the per-store run lock, the
// documented exit statuses, log setup (text or JSON lines), the run history recorded in the
// store, backoff across runs for sites that keep failing, the `crawl status` health report and
// offline re-extraction over the archive (`crawl reextract`). See README.md for running it by
// cron or systemd, the data directory's layout, backups and moves.
package ops

// Exit statuses of the crawl binary, distinct so that cron wrappers and monitoring can tell
// them apart.
const (
	// ExitOK: the run completed.
	ExitOK = 0
	// ExitFatal: the run could not do its job (database unusable, interrupted by a signal).
	ExitFatal = 1
	// ExitUsage: bad flags or arguments; nothing was done.
	ExitUsage = 2
	// ExitSiteErrors: the run completed, but some sites failed (unreachable, blocked) or some
	// documents could not be re-extracted.
	ExitSiteErrors = 3
	// ExitRunning: another run holds the store's lock; nothing was done.
	ExitRunning = 4
)
