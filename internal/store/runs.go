package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// schemaRuns is the operations migration (internal/ops): the history of every run of the
// commands, the per-site health that drives backoff across runs, and the cells a re-extraction
// superseded.
const schemaRuns = `
CREATE TABLE runs (
	id      INTEGER PRIMARY KEY,
	kind    TEXT NOT NULL CHECK (kind IN ('crawl', 'reextract', 'import')),
	started TEXT NOT NULL,
	ended   TEXT,
	options TEXT NOT NULL DEFAULT '{}',
	status  TEXT NOT NULL DEFAULT 'running',
	counts  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_kind ON runs(kind, id);

CREATE TABLE site_health (
	code              TEXT PRIMARY KEY,
	failures          INTEGER NOT NULL DEFAULT 0,
	last_outcome      TEXT    NOT NULL DEFAULT '',
	last_reason       TEXT    NOT NULL DEFAULT '',
	last_attempt_run  INTEGER NOT NULL DEFAULT 0,
	next_eligible_run INTEGER NOT NULL DEFAULT 0,
	next_eligible     TEXT    NOT NULL DEFAULT '',
	last_ok           TEXT    NOT NULL DEFAULT '',
	updated_at        TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE cells_history (
	report_id         INTEGER NOT NULL,
	extractor_version TEXT    NOT NULL,
	key               TEXT    NOT NULL,
	value             REAL,
	value_text        TEXT    NOT NULL DEFAULT '',
	flags             TEXT    NOT NULL DEFAULT '[]',
	superseded_at     TEXT    NOT NULL,
	PRIMARY KEY (report_id, superseded_at, key)
);
`

// Run kinds (runs.kind).
const (
	RunCrawl     = "crawl"
	RunReextract = "reextract"
	RunImport    = "import"
)

// RunRunning is the status of a run that has not ended; RunKilled is what BeginRun writes
// over the status of runs that never ended (their process died: crash, kill -9, reboot).
const (
	RunRunning = "running"
	RunKilled  = "killed"
)

// RunRow is one row of the runs table.
type RunRow struct {
	// ID is the run id; Kind is RunCrawl, RunReextract or RunImport.
	ID   int64
	Kind string
	// Started and Ended bound the run (Ended zero while running or when it was killed).
	Started, Ended time.Time
	// Options and Counts are JSON objects (the options the run was given, what it did).
	Options, Counts string
	// Status is RunRunning, RunKilled or the status the run ended with.
	Status string
	// Ordinal is the run's position among the runs of its kind (1 = first).
	Ordinal int64
}

// BeginRun records the start of a run of kind with its options (a JSON object). Runs still
// marked running are marked killed first: the caller holds the store's run lock (internal/ops),
// so no other run can be alive. It returns the new run's id and its ordinal among the runs of
// its kind.
func (s *Store) BeginRun(ctx context.Context, kind, options string) (id, ordinal int64, err error) {
	if options == "" {
		options = "{}"
	}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ? WHERE ended IS NULL AND status = ?`, RunKilled, RunRunning); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO runs(kind, started, options) VALUES (?, ?, ?)`, kind, formatTime(time.Now()), options)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE kind = ? AND id <= ?`, kind, id).Scan(&ordinal)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("begin %s run: %w", kind, err)
	}
	return id, ordinal, nil
}

// FinishRun records the end of run id with its status and counts (a JSON object).
func (s *Store) FinishRun(ctx context.Context, id int64, status, counts string) error {
	if counts == "" {
		counts = "{}"
	}
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET ended = ?, status = ?, counts = ? WHERE id = ?`, formatTime(time.Now()), status, counts, id)
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("finish run %d: %w", id, ErrNotFound)
	}
	return nil
}

// Runs returns the last limit runs (all when limit <= 0), newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]RunRow, error) {
	q := `SELECT r.id, r.kind, r.started, COALESCE(r.ended, ''), r.options, r.status, r.counts,
		(SELECT count(*) FROM runs o WHERE o.kind = r.kind AND o.id <= r.id)
		FROM runs r ORDER BY r.id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		var r RunRow
		var started, ended string
		if err := rows.Scan(&r.ID, &r.Kind, &started, &ended, &r.Options, &r.Status, &r.Counts, &r.Ordinal); err != nil {
			return nil, fmt.Errorf("runs: %w", err)
		}
		r.Started, r.Ended = parseTime(started), parseTime(ended)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	return out, nil
}

// SiteHealth is one row of site_health: how a registry site fared over the crawl runs, which
// decides when it is tried again (backoff across runs, internal/ops).
type SiteHealth struct {
	// Code is the registry code.
	Code string
	// Failures counts consecutive runs in which the site failed (0 after a success).
	Failures int
	// LastOutcome and LastReason describe the site's latest attempt (ops.Outcome*).
	LastOutcome, LastReason string
	// LastAttemptRun is the crawl ordinal of that attempt; NextEligibleRun the first crawl
	// ordinal that tries the site again, NextEligible the same as a time estimate.
	LastAttemptRun, NextEligibleRun int64
	NextEligible                    time.Time
	// LastOK is when the site last answered; UpdatedAt when the row was written.
	LastOK, UpdatedAt time.Time
}

// SiteHealths returns every site_health row by code.
func (s *Store) SiteHealths(ctx context.Context) (map[string]SiteHealth, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, failures, last_outcome, last_reason, last_attempt_run,
		next_eligible_run, next_eligible, last_ok, updated_at FROM site_health`)
	if err != nil {
		return nil, fmt.Errorf("site health: %w", err)
	}
	defer rows.Close()
	out := map[string]SiteHealth{}
	for rows.Next() {
		var h SiteHealth
		var next, ok, upd string
		if err := rows.Scan(&h.Code, &h.Failures, &h.LastOutcome, &h.LastReason, &h.LastAttemptRun,
			&h.NextEligibleRun, &next, &ok, &upd); err != nil {
			return nil, fmt.Errorf("site health: %w", err)
		}
		h.NextEligible, h.LastOK, h.UpdatedAt = parseTime(next), parseTime(ok), parseTime(upd)
		out[h.Code] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("site health: %w", err)
	}
	return out, nil
}

// SaveSiteHealth inserts or replaces site health rows in one transaction.
func (s *Store) SaveSiteHealth(ctx context.Context, hs []SiteHealth) error {
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO site_health(code, failures, last_outcome, last_reason,
			last_attempt_run, next_eligible_run, next_eligible, last_ok, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET failures=excluded.failures, last_outcome=excluded.last_outcome,
			last_reason=excluded.last_reason, last_attempt_run=excluded.last_attempt_run,
			next_eligible_run=excluded.next_eligible_run, next_eligible=excluded.next_eligible,
			last_ok=excluded.last_ok, updated_at=excluded.updated_at`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := formatTime(time.Now())
		for _, h := range hs {
			if _, err := stmt.ExecContext(ctx, h.Code, h.Failures, h.LastOutcome, h.LastReason, h.LastAttemptRun,
				h.NextEligibleRun, optTime(h.NextEligible), optTime(h.LastOK), now); err != nil {
				return fmt.Errorf("site %s: %w", h.Code, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save site health: %w", err)
	}
	return nil
}

// SiteAttempt is what the crawler left for one site touched since a given time: its crawl_sites
// row, how many of its frontier items were fetched successfully, and the robots.txt status of
// its host (for telling "robots.txt forbids" from "robots.txt unreachable").
type SiteAttempt struct {
	CrawlSite
	// ItemsDone and ItemsFailed count the site's frontier items by state.
	ItemsDone, ItemsFailed int
	// RobotsStatus is the HTTP status of the host's robots.txt (599: unreachable; 0: unknown).
	RobotsStatus int
}

// SiteAttempts returns the crawl_sites rows updated at or after since, with their frontier
// counts and host robots status (host matched on the site URL's host), by code.
func (s *Store) SiteAttempts(ctx context.Context, since time.Time) ([]SiteAttempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, url, run_id, state, reason, column_url, pages, reports, updated_at,
		(SELECT count(*) FROM frontier f WHERE f.site = c.code AND f.state = 'done'),
		(SELECT count(*) FROM frontier f WHERE f.site = c.code AND f.state = 'failed')
		FROM crawl_sites c WHERE updated_at >= ? ORDER BY code`, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("site attempts: %w", err)
	}
	var out []SiteAttempt
	for rows.Next() {
		var a SiteAttempt
		var upd string
		if err := rows.Scan(&a.Code, &a.Name, &a.URL, &a.RunID, &a.State, &a.Reason, &a.ColumnURL, &a.Pages, &a.Reports, &upd,
			&a.ItemsDone, &a.ItemsFailed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("site attempts: %w", err)
		}
		a.UpdatedAt = parseTime(upd)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("site attempts: %w", err)
	}
	for i := range out {
		h, ok, err := s.Host(ctx, hostOf(out[i].URL))
		if err != nil {
			return nil, fmt.Errorf("site attempts: %w", err)
		}
		if ok {
			out[i].RobotsStatus = h.RobotsStatus
		}
	}
	return out, nil
}

// hostOf returns the host[:port] of a URL string, "" when there is none.
func hostOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// ExpireRobots makes the cached robots.txt of host stale, so that the next request fetches it
// again (a site that was unreachable is given a fresh look when it is retried).
func (s *Store) ExpireRobots(ctx context.Context, host string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE hosts SET robots_expires = '' WHERE host = ?`, host); err != nil {
		return fmt.Errorf("expire robots of %s: %w", host, err)
	}
	return nil
}

// FetchStats counts the fetch log since a time: all rows, 304 answers, and failed fetches.
func (s *Store) FetchStats(ctx context.Context, since time.Time) (fetches, notModified, failed int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(status = 304), 0), COALESCE(sum(error != ''), 0)
		FROM fetches WHERE fetched_at >= ?`, formatTime(since)).Scan(&fetches, &notModified, &failed)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("fetch stats: %w", err)
	}
	return fetches, notModified, failed, nil
}

// SiteLatestYears returns, for every crawl site with at least one report of known year, the
// latest such year (reports placed on a site by their sources' frontier rows).
func (s *Store) SiteLatestYears(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.site, max(r.year) FROM reports r
		JOIN document_sources ds ON ds.document_id = r.document_id
		JOIN frontier f ON f.url = ds.source
		WHERE r.year IS NOT NULL GROUP BY f.site`)
	if err != nil {
		return nil, fmt.Errorf("site latest years: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var site string
		var y int
		if err := rows.Scan(&site, &y); err != nil {
			return nil, fmt.Errorf("site latest years: %w", err)
		}
		out[site] = y
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("site latest years: %w", err)
	}
	return out, nil
}

// DocumentIDsForReextract returns the ids of the processed documents whose extractor_version
// differs from version (every processed document when all is true), in id order.
func (s *Store) DocumentIDsForReextract(ctx context.Context, version string, all bool) ([]int64, error) {
	q := `SELECT id FROM documents WHERE status IS NOT NULL AND extractor_version != ? ORDER BY id`
	args := []any{version}
	if all {
		q, args = `SELECT id FROM documents WHERE status IS NOT NULL ORDER BY id`, nil
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("documents to re-extract: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("documents to re-extract: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("documents to re-extract: %w", err)
	}
	return out, nil
}

// ClearExtractorVersion empties a document's extractor_version, so that the pipeline processes
// its bytes again on their next sighting (re-extraction of documents already current).
func (s *Store) ClearExtractorVersion(ctx context.Context, docID int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE documents SET extractor_version = '' WHERE id = ?`, docID); err != nil {
		return fmt.Errorf("clear extractor version of document %d: %w", docID, err)
	}
	return nil
}

// FetchContentType returns the Content-Type of the latest fetch that returned the bytes sha
// ("" when they were never fetched, e.g. an imported file).
func (s *Store) FetchContentType(ctx context.Context, sha string) (string, error) {
	var ct string
	err := s.db.QueryRowContext(ctx, `SELECT content_type FROM fetches WHERE sha256 = ? ORDER BY id DESC LIMIT 1`, sha).Scan(&ct)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("content type of %s: %w", sha, err)
	}
	return ct, nil
}

// ReportHead is a report's id and identity, for listings.
type ReportHead struct {
	// ID is the report id; Agency and Year (0 = unknown) its identity; ExtractorVersion what
	// produced it.
	ID               int64
	Agency           string
	Year             int
	ExtractorVersion string
}

// ReportOfDocument returns the report stored for document docID; ok is false when it has none.
func (s *Store) ReportOfDocument(ctx context.Context, docID int64) (h ReportHead, ok bool, err error) {
	var year sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT id, agency, year, extractor_version FROM reports WHERE document_id = ?`, docID).
		Scan(&h.ID, &h.Agency, &year, &h.ExtractorVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return ReportHead{}, false, nil
	}
	if err != nil {
		return ReportHead{}, false, fmt.Errorf("report of document %d: %w", docID, err)
	}
	h.Year = int(year.Int64)
	return h, true, nil
}

// CellValue is one stored cell's content (as in the cells and cells_history tables).
type CellValue struct {
	// Key is the cells.md key; Value nil for a blank; ValueText as printed; Flags the cell flags
	// as a JSON array text.
	Key       string
	Value     *float64
	ValueText string
	Flags     string
}

// Equal reports whether two cells hold the same key, value, text and flags.
func (c CellValue) Equal(o CellValue) bool {
	if c.Key != o.Key || c.ValueText != o.ValueText || c.Flags != o.Flags || (c.Value == nil) != (o.Value == nil) {
		return false
	}
	return c.Value == nil || *c.Value == *o.Value
}

// ReportCells returns the cells of report id by key.
func (s *Store) ReportCells(ctx context.Context, reportID int64) (map[string]CellValue, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value, value_text, flags FROM cells WHERE report_id = ?`, reportID)
	if err != nil {
		return nil, fmt.Errorf("cells of report %d: %w", reportID, err)
	}
	return scanCellValues(rows, reportID)
}

func scanCellValues(rows *sql.Rows, reportID int64) (map[string]CellValue, error) {
	defer rows.Close()
	out := map[string]CellValue{}
	for rows.Next() {
		var c CellValue
		var v sql.NullFloat64
		if err := rows.Scan(&c.Key, &v, &c.ValueText, &c.Flags); err != nil {
			return nil, fmt.Errorf("cells of report %d: %w", reportID, err)
		}
		if v.Valid {
			f := v.Float64
			c.Value = &f
		}
		out[c.Key] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cells of report %d: %w", reportID, err)
	}
	return out, nil
}

// SaveCellsHistory records cells of report id produced by extractor version as superseded at
// the given time (one snapshot per (report, superseded_at)).
func (s *Store) SaveCellsHistory(ctx context.Context, reportID int64, version string, cs map[string]CellValue, at time.Time) error {
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO cells_history(report_id, extractor_version, key, value,
			value_text, flags, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			var v any
			if c.Value != nil {
				v = *c.Value
			}
			if _, err := stmt.ExecContext(ctx, reportID, version, c.Key, v, c.ValueText, c.Flags, formatTime(at)); err != nil {
				return fmt.Errorf("cell %s: %w", c.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save cells history of report %d: %w", reportID, err)
	}
	return nil
}

// DeleteCellsHistory removes the snapshot of report id superseded at the given time.
func (s *Store) DeleteCellsHistory(ctx context.Context, reportID int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM cells_history WHERE report_id = ? AND superseded_at = ?`, reportID, formatTime(at)); err != nil {
		return fmt.Errorf("delete cells history of report %d: %w", reportID, err)
	}
	return nil
}

// HistorySnapshot is one superseded set of a report's cells.
type HistorySnapshot struct {
	// ExtractorVersion produced the cells, which were superseded at SupersededAt.
	ExtractorVersion string
	SupersededAt     time.Time
	// Cells by key.
	Cells map[string]CellValue
}

// CellsHistory returns the superseded snapshots of report id, oldest first.
func (s *Store) CellsHistory(ctx context.Context, reportID int64) ([]HistorySnapshot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT superseded_at, extractor_version FROM cells_history
		WHERE report_id = ? ORDER BY superseded_at`, reportID)
	if err != nil {
		return nil, fmt.Errorf("cells history of report %d: %w", reportID, err)
	}
	var snaps []HistorySnapshot
	var ats []string
	for rows.Next() {
		var at string
		var h HistorySnapshot
		if err := rows.Scan(&at, &h.ExtractorVersion); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cells history of report %d: %w", reportID, err)
		}
		h.SupersededAt = parseTime(at)
		snaps, ats = append(snaps, h), append(ats, at)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cells history of report %d: %w", reportID, err)
	}
	for i := range snaps {
		r, err := s.db.QueryContext(ctx, `SELECT key, value, value_text, flags FROM cells_history
			WHERE report_id = ? AND superseded_at = ?`, reportID, ats[i])
		if err != nil {
			return nil, fmt.Errorf("cells history of report %d: %w", reportID, err)
		}
		if snaps[i].Cells, err = scanCellValues(r, reportID); err != nil {
			return nil, err
		}
	}
	return snaps, nil
}

// BackupTo writes a consistent copy of the database to path with VACUUM INTO (safe while other
// connections or processes write: it reads one snapshot). path must not exist.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if path == "" {
		return fmt.Errorf("backup %s: empty target path", s.path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup %s to %s: %w", s.path, path, err)
	}
	return nil
}
