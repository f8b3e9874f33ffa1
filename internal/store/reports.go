package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/normalize"
)

// SaveReport stores r as the report of document docID, replacing any report the document had:
// the report row keeps its id (report ids are stable per document), its fields, cells and
// checks are replaced, and created_at is the time of this extraction. It also marks the document StatusReport with
// r.ExtractorVersion. Everything happens in one transaction: on error nothing is changed.
func (s *Store) SaveReport(ctx context.Context, docID int64, r *normalize.Report) (reportID int64, err error) {
	if r == nil {
		return 0, fmt.Errorf("save report of document %d: nil report", docID)
	}
	flags, err := jsonList(r.Flags)
	if err != nil {
		return 0, fmt.Errorf("save report of document %d: %w", docID, err)
	}
	notes, err := jsonList(r.Notes)
	if err != nil {
		return 0, fmt.Errorf("save report of document %d: %w", docID, err)
	}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, reason = '', extractor_version = ?
			WHERE id = ?`, StatusReport, r.ExtractorVersion, docID)
		if err != nil {
			return fmt.Errorf("mark document: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("mark document: %w", err)
		} else if n == 0 {
			return fmt.Errorf("document %d: %w", docID, ErrNotFound)
		}
		// The report keeps its id across re-extractions of the same document; its cells and
		// checks are replaced.
		err = tx.QueryRowContext(ctx, `SELECT id FROM reports WHERE document_id = ?`, docID).Scan(&reportID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO reports (document_id, created_at) VALUES (?, ?)`,
				docID, formatTime(time.Now()))
			if err != nil {
				return fmt.Errorf("insert report: %w", err)
			}
			if reportID, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("insert report: %w", err)
			}
		case err != nil:
			return fmt.Errorf("look up report: %w", err)
		default:
			for _, q := range []string{`DELETE FROM cells WHERE report_id = ?`, `DELETE FROM checks WHERE report_id = ?`} {
				if _, err := tx.ExecContext(ctx, q, reportID); err != nil {
					return fmt.Errorf("delete previous cells and checks: %w", err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET title = ?, agency = ?, agency_source = ?,
			year = ?, year_source = ?, published = ?, site_id_code = ?, layout_t2 = ?, layout_t3 = ?,
			layout_t4 = ?, flags = ?, notes = ?, extractor_version = ?, created_at = ? WHERE id = ?`,
			r.Title, r.Agency, r.AgencySource, nullInt(r.Year), r.YearSource, r.Published,
			r.SiteIDCode, layoutOf(r, cells.T2), layoutOf(r, cells.T3), layoutOf(r, cells.T4),
			flags, notes, r.ExtractorVersion, formatTime(time.Now()), reportID); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		cellStmt, err := tx.PrepareContext(ctx, `INSERT INTO cells (report_id, key, value, value_text,
			flags, confidence, page) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("prepare cell insert: %w", err)
		}
		defer cellStmt.Close()
		for _, c := range r.Cells {
			cf, err := jsonList(c.Flags)
			if err != nil {
				return fmt.Errorf("cell %s: %w", c.Key, err)
			}
			var v any // nil pointer → NULL, never 0
			if c.Value != nil {
				v = *c.Value
			}
			if _, err := cellStmt.ExecContext(ctx, reportID, c.Key, v, c.ValueText, cf, c.Confidence, c.Page); err != nil {
				return fmt.Errorf("insert cell %s: %w", c.Key, err)
			}
		}
		checkStmt, err := tx.PrepareContext(ctx, `INSERT INTO checks (report_id, identity, "column",
			status, left_value, right_value, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("prepare check insert: %w", err)
		}
		defer checkStmt.Close()
		for _, c := range r.Checks {
			var left, right any
			if c.Status != cells.NotAssessable {
				left, right = c.Left, c.Right
			}
			if _, err := checkStmt.ExecContext(ctx, reportID, c.ID, c.Column, string(c.Status),
				left, right, c.Detail); err != nil {
				return fmt.Errorf("insert check %s/%s: %w", c.ID, c.Column, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save report of document %d: %w", docID, err)
	}
	return reportID, nil
}

// CellRow is one stored cell with the report and document fields an export needs.
type CellRow struct {
	ReportID int64
	// Source is the document's first source (URL or path).
	Source string
	Agency string
	// Year is the report year, 0 if unknown.
	Year int
	// Key is the full cells.md key (t3.new_received.total).
	Key string
	// Value is nil for a blank cell.
	Value *float64
	// ValueText is the text as printed.
	ValueText string
	// Flags are the cell flags (normalize.Flag*).
	Flags []string
	// Confidence is the OCR confidence, 0 for cells not read by OCR.
	Confidence float64
	// Page is the page the cell was read on, 0 for unpaged formats.
	Page int
	// DocumentSHA256 identifies the document's bytes.
	DocumentSHA256 string
}

// EachCell calls fn for every stored cell, ordered by report id then key, streaming rows from
// the database (memory stays bounded whatever the number of cells). It stops at the first
// error fn returns and returns it.
func (s *Store) EachCell(ctx context.Context, fn func(CellRow) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT c.report_id, d.source, r.agency, r.year, c.key,
		c.value, c.value_text, c.flags, c.confidence, c.page, d.sha256
		FROM cells c
		JOIN reports r ON r.id = c.report_id
		JOIN documents d ON d.id = r.document_id
		ORDER BY c.report_id, c.key`)
	if err != nil {
		return fmt.Errorf("query cells: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c     CellRow
			year  sql.NullInt64
			value sql.NullFloat64
			flags string
		)
		if err := rows.Scan(&c.ReportID, &c.Source, &c.Agency, &year, &c.Key, &value, &c.ValueText,
			&flags, &c.Confidence, &c.Page, &c.DocumentSHA256); err != nil {
			return fmt.Errorf("read cell: %w", err)
		}
		c.Year = int(year.Int64)
		if value.Valid {
			v := value.Float64
			c.Value = &v
		}
		if c.Flags, err = parseList(flags); err != nil {
			return fmt.Errorf("cell %d/%s flags: %w", c.ReportID, c.Key, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read cells: %w", err)
	}
	return nil
}

// ReportRow is one stored report with its document fields and check counts.
type ReportRow struct {
	// ID is the report id (stable across re-extractions); DocumentID its document.
	ID         int64
	DocumentID int64
	// Source is the document's first source (URL or path).
	Source string
	// Title, Agency, AgencySource, YearSource, Published and SiteIDCode are as in
	// normalize.Report.
	Title        string
	Agency       string
	AgencySource string
	// Year is the report year, 0 if unknown.
	Year       int
	YearSource string
	Published  string
	SiteIDCode string
	// LayoutT2, LayoutT3 and LayoutT4 are the detected layouts, "" for a table not found.
	LayoutT2, LayoutT3, LayoutT4 string
	// Flags and Notes are the report-level flags and remarks.
	Flags []string
	Notes []string
	// ExtractorVersion produced the report, at CreatedAt.
	ExtractorVersion string
	CreatedAt        time.Time
	// ChecksPassed, ChecksFailed and ChecksNotAssessable count the report's identity checks.
	ChecksPassed, ChecksFailed, ChecksNotAssessable int
	// DocumentSHA256 and MediaType are the document's.
	DocumentSHA256 string
	MediaType      string
}

// EachReport calls fn for every stored report ordered by id, streaming rows from the database.
// It stops at the first error fn returns and returns it.
func (s *Store) EachReport(ctx context.Context, fn func(ReportRow) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.document_id, d.source, r.title, r.agency,
		r.agency_source, r.year, r.year_source, r.published, r.site_id_code,
		r.layout_t2, r.layout_t3, r.layout_t4, r.flags, r.notes, r.extractor_version, r.created_at,
		(SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.status = 'pass'),
		(SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.status = 'fail'),
		(SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.status = 'not_assessable'),
		d.sha256, d.media_type
		FROM reports r JOIN documents d ON d.id = r.document_id
		ORDER BY r.id`)
	if err != nil {
		return fmt.Errorf("query reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r            ReportRow
			year         sql.NullInt64
			l2, l3, l4   sql.NullString
			flags, notes string
			created      string
		)
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.Source, &r.Title, &r.Agency, &r.AgencySource,
			&year, &r.YearSource, &r.Published, &r.SiteIDCode, &l2, &l3, &l4, &flags, &notes,
			&r.ExtractorVersion, &created, &r.ChecksPassed, &r.ChecksFailed, &r.ChecksNotAssessable,
			&r.DocumentSHA256, &r.MediaType); err != nil {
			return fmt.Errorf("read report: %w", err)
		}
		r.Year = int(year.Int64)
		r.LayoutT2, r.LayoutT3, r.LayoutT4 = l2.String, l3.String, l4.String
		r.CreatedAt = parseTime(created)
		if r.Flags, err = parseList(flags); err != nil {
			return fmt.Errorf("report %d flags: %w", r.ID, err)
		}
		if r.Notes, err = parseList(notes); err != nil {
			return fmt.Errorf("report %d notes: %w", r.ID, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read reports: %w", err)
	}
	return nil
}

// CheckRow is one stored identity check.
type CheckRow struct {
	ReportID int64
	// Identity is the identity id (cells.IDT3Balance, ...), Column the column or row key.
	Identity string
	Column   string
	// Status is "pass", "fail" or "not_assessable".
	Status string
	// Left and Right are nil when the check was not assessable.
	Left, Right *float64
	// Detail spells the identity with its numbers.
	Detail string
}

// Checks returns the identity checks stored for report reportID, in insertion order.
func (s *Store) Checks(ctx context.Context, reportID int64) ([]CheckRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT report_id, identity, "column", status, left_value,
		right_value, detail FROM checks WHERE report_id = ? ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("query checks of report %d: %w", reportID, err)
	}
	defer rows.Close()
	var out []CheckRow
	for rows.Next() {
		var (
			c           CheckRow
			left, right sql.NullFloat64
		)
		if err := rows.Scan(&c.ReportID, &c.Identity, &c.Column, &c.Status, &left, &right, &c.Detail); err != nil {
			return nil, fmt.Errorf("read check of report %d: %w", reportID, err)
		}
		if left.Valid {
			c.Left = &left.Float64
		}
		if right.Valid {
			c.Right = &right.Float64
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read checks of report %d: %w", reportID, err)
	}
	return out, nil
}

// Counts are row counts of the store, for summaries and `crawl status`.
type Counts struct {
	Documents  int64 // all documents
	Sources    int64 // document sightings at distinct sources
	Reports    int64 // documents with status report (= rows of reports)
	NotReports int64 // documents with status not_report
	Failed     int64 // documents with status failed
	Pending    int64 // documents recorded but not processed to the end
	Cells      int64 // stored cells
	Checks     int64 // stored identity checks
	// ChecksFailed counts the checks with status fail.
	ChecksFailed int64
}

// Counts returns the store's row counts, read in one transaction so they are consistent.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM documents),
		(SELECT count(*) FROM document_sources),
		(SELECT count(*) FROM reports),
		(SELECT count(*) FROM documents WHERE status = 'not_report'),
		(SELECT count(*) FROM documents WHERE status = 'failed'),
		(SELECT count(*) FROM documents WHERE status IS NULL),
		(SELECT count(*) FROM cells),
		(SELECT count(*) FROM checks),
		(SELECT count(*) FROM checks WHERE status = 'fail')`).
		Scan(&c.Documents, &c.Sources, &c.Reports, &c.NotReports, &c.Failed, &c.Pending,
			&c.Cells, &c.Checks, &c.ChecksFailed)
	if err != nil {
		return Counts{}, fmt.Errorf("count rows: %w", err)
	}
	return c, nil
}

func layoutOf(r *normalize.Report, t cells.Table) any {
	l, ok := r.Layouts[t]
	if !ok {
		return nil // table not found: NULL
	}
	return string(l)
}

func nullInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

// jsonList renders a string list as a JSON array ("[]" for none).
func jsonList(l []string) (string, error) {
	if len(l) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode list: %w", err)
	}
	return string(b), nil
}

func parseList(s string) ([]string, error) {
	if s == "" || s == "[]" {
		return nil, nil
	}
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("decode list %q: %w", s, err)
	}
	return l, nil
}
