package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// schemaCrawl is the crawler's migration: runs, sites, the frontier, per-host politeness
// state and the log of every fetch (with the archive digest), so that a crawl resumes after
// kill -9 and extraction can be re-run offline.
const schemaCrawl = `
CREATE TABLE crawl_runs (
	id          INTEGER PRIMARY KEY,
	started_at  TEXT NOT NULL,
	finished_at TEXT
);

CREATE TABLE crawl_sites (
	code       TEXT PRIMARY KEY,
	name       TEXT    NOT NULL DEFAULT '',
	url        TEXT    NOT NULL DEFAULT '',
	run_id     INTEGER NOT NULL DEFAULT 0,
	state      TEXT    NOT NULL DEFAULT 'running',
	reason     TEXT    NOT NULL DEFAULT '',
	column_url TEXT    NOT NULL DEFAULT '',
	pages      INTEGER NOT NULL DEFAULT 0,
	reports    INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE frontier (
	id       INTEGER PRIMARY KEY,
	site     TEXT    NOT NULL,
	url      TEXT    NOT NULL,
	kind     TEXT    NOT NULL,
	depth    INTEGER NOT NULL DEFAULT 0,
	title    TEXT    NOT NULL DEFAULT '',
	referer  TEXT    NOT NULL DEFAULT '',
	scope    TEXT    NOT NULL DEFAULT '',
	state    TEXT    NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_try TEXT    NOT NULL DEFAULT '',
	err      TEXT    NOT NULL DEFAULT '',
	UNIQUE (site, url)
);
CREATE INDEX frontier_site_state ON frontier(site, state, id);

CREATE TABLE hosts (
	host           TEXT PRIMARY KEY,
	robots         BLOB,
	robots_status  INTEGER NOT NULL DEFAULT 0,
	robots_expires TEXT    NOT NULL DEFAULT '',
	crawl_delay_ms INTEGER NOT NULL DEFAULT 0,
	next_allowed   TEXT    NOT NULL DEFAULT '',
	blocked_reason TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE fetches (
	id            INTEGER PRIMARY KEY,
	url           TEXT    NOT NULL,
	final_url     TEXT    NOT NULL DEFAULT '',
	method        TEXT    NOT NULL DEFAULT 'GET',
	kind          TEXT    NOT NULL DEFAULT 'page',
	status        INTEGER NOT NULL DEFAULT 0,
	content_type  TEXT    NOT NULL DEFAULT '',
	etag          TEXT    NOT NULL DEFAULT '',
	last_modified TEXT    NOT NULL DEFAULT '',
	sha256        TEXT    NOT NULL DEFAULT '',
	size          INTEGER NOT NULL DEFAULT 0,
	truncated     INTEGER NOT NULL DEFAULT 0,
	fetched_at    TEXT    NOT NULL,
	error         TEXT    NOT NULL DEFAULT '',
	processed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetches_url ON fetches(url, id);
CREATE INDEX fetches_sha256 ON fetches(sha256);
`

// CrawlSite is a row of the crawl_sites table (named so to leave "sites" free): one registry site's state in the latest crawl run.
type CrawlSite struct {
	Code, Name, URL string
	RunID           int64
	State, Reason   string
	ColumnURL       string
	Pages, Reports  int
	UpdatedAt       time.Time
}

// FrontierItem is a row of the frontier table: a URL to fetch for a site.
type FrontierItem struct {
	ID                    int64
	Site, URL, Kind       string
	Depth                 int
	Title, Referer, Scope string
	State                 string
	Attempts              int
	NextTry               time.Time
	Err                   string
}

// HostRow is a row of the hosts table: per-host politeness state.
type HostRow struct {
	Host          string
	Robots        []byte
	RobotsStatus  int
	RobotsExpires time.Time
	CrawlDelay    time.Duration
	NextAllowed   time.Time
	BlockedReason string
}

// FetchRow is a row of the fetches table: one response (or failed fetch) of the crawler.
type FetchRow struct {
	ID                          int64
	URL, FinalURL, Method, Kind string
	Status                      int
	ContentType                 string
	ETag, LastModified          string
	SHA256                      string
	Size                        int64
	Truncated                   bool
	FetchedAt                   time.Time
	Error                       string
	Processed                   bool
}

func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// execer is what the crawl writes need: *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// CrawlTx is one write transaction of crawl state (see Store.CrawlWrite): the crawler batches
// its many small writes (fetch log, frontier, sites, hosts) into few transactions.
type CrawlTx struct{ tx *sql.Tx }

// CrawlWrite runs fn in one write transaction.
func (s *Store) CrawlWrite(ctx context.Context, fn func(w CrawlTx) error) error {
	return s.WithTx(ctx, func(tx *sql.Tx) error { return fn(CrawlTx{tx: tx}) })
}

// SaveCrawlSite is Store.SaveCrawlSite in the transaction.
func (w CrawlTx) SaveCrawlSite(ctx context.Context, r CrawlSite) error {
	return saveCrawlSite(ctx, w.tx, r)
}

// CompleteFrontier is Store.CompleteFrontier in the transaction.
func (w CrawlTx) CompleteFrontier(ctx context.Context, done *FrontierItem, items []FrontierItem) (int, error) {
	return completeFrontier(ctx, w.tx, done, items)
}

// UpdateFrontier is Store.UpdateFrontier in the transaction.
func (w CrawlTx) UpdateFrontier(ctx context.Context, it FrontierItem) error {
	return updateFrontier(ctx, w.tx, it)
}

// SaveHost is Store.SaveHost in the transaction.
func (w CrawlTx) SaveHost(ctx context.Context, h HostRow) error { return saveHost(ctx, w.tx, h) }

// AddFetch is Store.AddFetch in the transaction.
func (w CrawlTx) AddFetch(ctx context.Context, f FetchRow) error { return addFetch(ctx, w.tx, f) }

// MarkFetchProcessed is Store.MarkFetchProcessed in the transaction.
func (w CrawlTx) MarkFetchProcessed(ctx context.Context, url, sha string) error {
	return markFetchProcessed(ctx, w.tx, url, sha)
}

// KeepConns keeps up to n idle connections in the pool instead of database/sql's default of
// two: a crawl's many goroutines otherwise close and reopen SQLite connections (pragmas,
// schema load) for most statements, which costs milliseconds each.
func (s *Store) KeepConns(n int) { s.db.SetMaxIdleConns(n) }

// BeginCrawlRun returns the unfinished crawl run if there is one (resumed true), else starts a
// new run: a new run lifts every host block of the previous run.
func (s *Store) BeginCrawlRun(ctx context.Context) (id int64, resumed bool, err error) {
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM crawl_runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1`).Scan(&id)
		if err == nil {
			resumed = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO crawl_runs(started_at) VALUES (?)`, formatTime(time.Now()))
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE hosts SET blocked_reason = '' WHERE blocked_reason != ''`)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("begin crawl run: %w", err)
	}
	return id, resumed, nil
}

// FinishCrawlRun marks a crawl run finished.
func (s *Store) FinishCrawlRun(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET finished_at = ? WHERE id = ?`, formatTime(time.Now()), id); err != nil {
		return fmt.Errorf("finish crawl run %d: %w", id, err)
	}
	return nil
}

// CrawlSite returns a site's row; ok is false when the site was never crawled.
func (s *Store) CrawlSite(ctx context.Context, code string) (r CrawlSite, ok bool, err error) {
	var upd string
	err = s.db.QueryRowContext(ctx, `SELECT code, name, url, run_id, state, reason, column_url, pages, reports, updated_at
		FROM crawl_sites WHERE code = ?`, code).Scan(&r.Code, &r.Name, &r.URL, &r.RunID, &r.State, &r.Reason, &r.ColumnURL, &r.Pages, &r.Reports, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return CrawlSite{}, false, nil
	}
	if err != nil {
		return CrawlSite{}, false, fmt.Errorf("crawl site %s: %w", code, err)
	}
	r.UpdatedAt = parseTime(upd)
	return r, true, nil
}

// SaveCrawlSite inserts or replaces a site's row.
func (s *Store) SaveCrawlSite(ctx context.Context, r CrawlSite) error {
	return saveCrawlSite(ctx, s.db, r)
}

func saveCrawlSite(ctx context.Context, db execer, r CrawlSite) error {
	_, err := db.ExecContext(ctx, `INSERT INTO crawl_sites(code, name, url, run_id, state, reason, column_url, pages, reports, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(code) DO UPDATE SET name=excluded.name, url=excluded.url, run_id=excluded.run_id, state=excluded.state,
		reason=excluded.reason, column_url=excluded.column_url, pages=excluded.pages, reports=excluded.reports, updated_at=excluded.updated_at`,
		r.Code, r.Name, r.URL, r.RunID, r.State, r.Reason, r.ColumnURL, r.Pages, r.Reports, optTime(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save crawl site %s: %w", r.Code, err)
	}
	return nil
}

// CrawlSites returns every site row, by code.
func (s *Store) CrawlSites(ctx context.Context) ([]CrawlSite, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, url, run_id, state, reason, column_url, pages, reports, updated_at FROM crawl_sites ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("crawl sites: %w", err)
	}
	defer rows.Close()
	var out []CrawlSite
	for rows.Next() {
		var r CrawlSite
		var upd string
		if err := rows.Scan(&r.Code, &r.Name, &r.URL, &r.RunID, &r.State, &r.Reason, &r.ColumnURL, &r.Pages, &r.Reports, &upd); err != nil {
			return nil, fmt.Errorf("crawl sites: %w", err)
		}
		r.UpdatedAt = parseTime(upd)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crawl sites: %w", err)
	}
	return out, nil
}

// ResetFrontier deletes a site's frontier (a new run starts it from its root again).
func (s *Store) ResetFrontier(ctx context.Context, site string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM frontier WHERE site = ?`, site); err != nil {
		return fmt.Errorf("reset frontier of %s: %w", site, err)
	}
	return nil
}

// AddFrontier inserts items in one transaction, ignoring (site, url) pairs already present;
// it returns how many were new.
func (s *Store) AddFrontier(ctx context.Context, items []FrontierItem) (added int, err error) {
	return s.CompleteFrontier(ctx, nil, items)
}

// CompleteFrontier saves a worked item (when done is non-nil) and inserts the items it found,
// in one transaction, so a crash leaves either both or neither; it returns how many items
// were new.
func (s *Store) CompleteFrontier(ctx context.Context, done *FrontierItem, items []FrontierItem) (added int, err error) {
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		added, err = completeFrontier(ctx, tx, done, items)
		return err
	})
	return added, err
}

func completeFrontier(ctx context.Context, tx execer, done *FrontierItem, items []FrontierItem) (added int, err error) {
	err = func() error {
		added = 0
		if done != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE frontier SET state = ?, attempts = ?, next_try = ?, err = ? WHERE site = ? AND url = ?`,
				done.State, done.Attempts, optTime(done.NextTry), done.Err, done.Site, done.URL); err != nil {
				return err
			}
		}
		if len(items) == 0 {
			return nil
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO frontier(site, url, kind, depth, title, referer, scope, state, attempts, next_try, err)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, it := range items {
			state := it.State
			if state == "" {
				state = "pending"
			}
			res, err := stmt.ExecContext(ctx, it.Site, it.URL, it.Kind, it.Depth, it.Title, it.Referer, it.Scope, state, it.Attempts, optTime(it.NextTry), it.Err)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added++
			}
		}
		return nil
	}()
	if err != nil {
		return 0, fmt.Errorf("complete frontier: %w", err)
	}
	return added, nil
}

const frontierCols = `id, site, url, kind, depth, title, referer, scope, state, attempts, next_try, err`

func scanFrontier(rows *sql.Rows) (FrontierItem, error) {
	var it FrontierItem
	var next string
	err := rows.Scan(&it.ID, &it.Site, &it.URL, &it.Kind, &it.Depth, &it.Title, &it.Referer, &it.Scope, &it.State, &it.Attempts, &next, &it.Err)
	it.NextTry = parseTime(next)
	return it, err
}

// Frontier returns a site's items in insertion order; state "" means every state, limit 0
// means no limit.
func (s *Store) Frontier(ctx context.Context, site, state string, limit int) ([]FrontierItem, error) {
	q := `SELECT ` + frontierCols + ` FROM frontier WHERE site = ?`
	args := []any{site}
	if state != "" {
		q += ` AND state = ?`
		args = append(args, state)
	}
	q += ` ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("frontier of %s: %w", site, err)
	}
	defer rows.Close()
	var out []FrontierItem
	for rows.Next() {
		it, err := scanFrontier(rows)
		if err != nil {
			return nil, fmt.Errorf("frontier of %s: %w", site, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("frontier of %s: %w", site, err)
	}
	return out, nil
}

// UpdateFrontier saves an item's state, attempts, next try and error.
func (s *Store) UpdateFrontier(ctx context.Context, it FrontierItem) error {
	return updateFrontier(ctx, s.db, it)
}

func updateFrontier(ctx context.Context, db execer, it FrontierItem) error {
	_, err := db.ExecContext(ctx, `UPDATE frontier SET state = ?, attempts = ?, next_try = ?, err = ? WHERE site = ? AND url = ?`,
		it.State, it.Attempts, optTime(it.NextTry), it.Err, it.Site, it.URL)
	if err != nil {
		return fmt.Errorf("update frontier %s: %w", it.URL, err)
	}
	return nil
}

// Host returns a host's politeness state; ok is false for a host never contacted.
func (s *Store) Host(ctx context.Context, host string) (h HostRow, ok bool, err error) {
	var exp, next string
	var delay int64
	err = s.db.QueryRowContext(ctx, `SELECT host, robots, robots_status, robots_expires, crawl_delay_ms, next_allowed, blocked_reason
		FROM hosts WHERE host = ?`, host).Scan(&h.Host, &h.Robots, &h.RobotsStatus, &exp, &delay, &next, &h.BlockedReason)
	if errors.Is(err, sql.ErrNoRows) {
		return HostRow{}, false, nil
	}
	if err != nil {
		return HostRow{}, false, fmt.Errorf("host %s: %w", host, err)
	}
	h.RobotsExpires, h.NextAllowed = parseTime(exp), parseTime(next)
	h.CrawlDelay = time.Duration(delay) * time.Millisecond
	return h, true, nil
}

// SaveHost inserts or replaces a host's politeness state.
func (s *Store) SaveHost(ctx context.Context, h HostRow) error {
	return saveHost(ctx, s.db, h)
}

func saveHost(ctx context.Context, db execer, h HostRow) error {
	_, err := db.ExecContext(ctx, `INSERT INTO hosts(host, robots, robots_status, robots_expires, crawl_delay_ms, next_allowed, blocked_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(host) DO UPDATE SET robots=excluded.robots, robots_status=excluded.robots_status, robots_expires=excluded.robots_expires,
		crawl_delay_ms=excluded.crawl_delay_ms, next_allowed=excluded.next_allowed, blocked_reason=excluded.blocked_reason`,
		h.Host, h.Robots, h.RobotsStatus, optTime(h.RobotsExpires), h.CrawlDelay.Milliseconds(), optTime(h.NextAllowed), h.BlockedReason)
	if err != nil {
		return fmt.Errorf("save host %s: %w", h.Host, err)
	}
	return nil
}

// AddFetch appends a fetch to the log.
func (s *Store) AddFetch(ctx context.Context, f FetchRow) error {
	return addFetch(ctx, s.db, f)
}

func addFetch(ctx context.Context, db execer, f FetchRow) error {
	_, err := db.ExecContext(ctx, `INSERT INTO fetches(url, final_url, method, kind, status, content_type, etag, last_modified, sha256, size, truncated, fetched_at, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.URL, f.FinalURL, f.Method, f.Kind, f.Status, f.ContentType, f.ETag, f.LastModified, f.SHA256, f.Size, f.Truncated, formatTime(f.FetchedAt), f.Error)
	if err != nil {
		return fmt.Errorf("add fetch %s: %w", f.URL, err)
	}
	return nil
}

// LastFetch returns the latest complete 200 answer for url (the one whose validators make the
// next request conditional), with Processed set when that body went through the pipeline;
// anyProcessed reports whether any body of url did.
func (s *Store) LastFetch(ctx context.Context, url string) (f FetchRow, anyProcessed, ok bool, err error) {
	var at string
	err = s.db.QueryRowContext(ctx, `SELECT id, url, final_url, method, kind, status, content_type, etag, last_modified, sha256, size, truncated, fetched_at, error,
		EXISTS(SELECT 1 FROM fetches p WHERE p.url = f.url AND p.sha256 = f.sha256 AND p.processed = 1),
		EXISTS(SELECT 1 FROM fetches p WHERE p.url = f.url AND p.processed = 1)
		FROM fetches f WHERE url = ? AND status = 200 AND truncated = 0 AND sha256 != '' ORDER BY id DESC LIMIT 1`, url).
		Scan(&f.ID, &f.URL, &f.FinalURL, &f.Method, &f.Kind, &f.Status, &f.ContentType, &f.ETag, &f.LastModified, &f.SHA256, &f.Size, &f.Truncated, &at, &f.Error, &f.Processed, &anyProcessed)
	if errors.Is(err, sql.ErrNoRows) {
		return FetchRow{}, false, false, nil
	}
	if err != nil {
		return FetchRow{}, false, false, fmt.Errorf("last fetch %s: %w", url, err)
	}
	f.FetchedAt = parseTime(at)
	return f, anyProcessed, true, nil
}

// MarkFetchProcessed records that the body sha of url went through the pipeline.
func (s *Store) MarkFetchProcessed(ctx context.Context, url, sha string) error {
	return markFetchProcessed(ctx, s.db, url, sha)
}

func markFetchProcessed(ctx context.Context, db execer, url, sha string) error {
	if _, err := db.ExecContext(ctx, `UPDATE fetches SET processed = 1 WHERE url = ? AND sha256 = ?`, url, sha); err != nil {
		return fmt.Errorf("mark processed %s: %w", url, err)
	}
	return nil
}

// Fetches returns the fetch log in order (limit 0: all).
func (s *Store) Fetches(ctx context.Context, limit int) ([]FetchRow, error) {
	q := `SELECT id, url, final_url, method, kind, status, content_type, etag, last_modified, sha256, size, truncated, fetched_at, error, processed FROM fetches ORDER BY id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("fetches: %w", err)
	}
	defer rows.Close()
	var out []FetchRow
	for rows.Next() {
		var f FetchRow
		var at string
		if err := rows.Scan(&f.ID, &f.URL, &f.FinalURL, &f.Method, &f.Kind, &f.Status, &f.ContentType, &f.ETag, &f.LastModified, &f.SHA256, &f.Size, &f.Truncated, &at, &f.Error, &f.Processed); err != nil {
			return nil, fmt.Errorf("fetches: %w", err)
		}
		f.FetchedAt = parseTime(at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fetches: %w", err)
	}
	return out, nil
}
