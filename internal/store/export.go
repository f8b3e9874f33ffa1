package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// ExportFilter narrows EachReportBundle in SQL. Zero fields do not filter.
type ExportFilter struct {
	// YearFrom and YearTo bound the report year (inclusive). When either is set, reports of
	// unknown year are excluded.
	YearFrom, YearTo int
}

func (f ExportFilter) where(idCol string) (string, []any) {
	var conds []string
	var args []any
	if f.YearFrom != 0 {
		conds = append(conds, "year >= ?")
		args = append(args, f.YearFrom)
	}
	if f.YearTo != 0 {
		conds = append(conds, "year <= ?")
		args = append(args, f.YearTo)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + idCol + " IN (SELECT id FROM reports WHERE " + strings.Join(conds, " AND ") + ")", args
}

// ExportCheck is one stored identity check with its row id (stable until the report is
// re-extracted).
type ExportCheck struct {
	ID int64
	CheckRow
}

// ReportBundle is one report with everything an export writes about it: the report row, every
// source the document was seen at, its cells (ordered by key) and its checks (in insertion
// order). ReportRow's check counts are computed from Checks.
type ReportBundle struct {
	Report ReportRow
	// Sources are the document's sources, first sighting first.
	Sources []string
	// Parts are the parts of an assembled document (the page, then its pictures; Seq, URL
	// and SHA256 set), none for a document read from one resource.
	Parts  []DocumentPart
	Cells  []CellRow
	Checks []ExportCheck
}

// EachReportBundle calls fn for every report matching f, ordered by report id, with its cells
// and checks. It runs three streaming queries (reports, cells, checks, each ordered by report
// id) and merges them, so memory holds one report at a time whatever the size of the store.
// The bundle and its slices are reused between calls: fn must not keep them. It stops at the
// first error fn returns and returns it.
func (s *Store) EachReportBundle(ctx context.Context, f ExportFilter, fn func(*ReportBundle) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rw, rargs := f.where("r.id")
	reports, err := s.db.QueryContext(ctx, `SELECT r.id, r.document_id, d.source, r.title, r.agency,
		r.agency_source, r.year, r.year_source, r.published, r.site_id_code,
		r.layout_t2, r.layout_t3, r.layout_t4, r.flags, r.notes, r.extractor_version, r.created_at,
		d.sha256, d.media_type,
		(SELECT group_concat(source, char(10)) FROM (SELECT source FROM document_sources
			WHERE document_id = d.id ORDER BY seen_at, rowid)),
		(SELECT group_concat(seq || ' ' || sha256 || ' ' || url, char(10)) FROM (SELECT seq, sha256, url
			FROM document_parts WHERE document_id = d.id ORDER BY seq))
		FROM reports r JOIN documents d ON d.id = r.document_id`+rw+`
		ORDER BY r.id`, rargs...)
	if err != nil {
		return fmt.Errorf("query reports: %w", err)
	}
	defer reports.Close()
	cw, cargs := f.where("report_id")
	cellRows, err := s.db.QueryContext(ctx, `SELECT report_id, key, value, value_text, flags,
		confidence, page FROM cells`+cw+` ORDER BY report_id, key`, cargs...)
	if err != nil {
		return fmt.Errorf("query cells: %w", err)
	}
	defer cellRows.Close()
	checkRows, err := s.db.QueryContext(ctx, `SELECT id, report_id, identity, "column", status,
		left_value, right_value, detail FROM checks`+cw+` ORDER BY report_id, id`, cargs...)
	if err != nil {
		return fmt.Errorf("query checks: %w", err)
	}
	defer checkRows.Close()

	var (
		b         ReportBundle
		cell      CellRow
		cellOK    bool
		check     ExportCheck
		checkOK   bool
		cellFlags string
	)
	nextCell := func() error {
		cellOK = cellRows.Next()
		if !cellOK {
			return cellRows.Err()
		}
		var value sql.NullFloat64
		cell = CellRow{}
		if err := cellRows.Scan(&cell.ReportID, &cell.Key, &value, &cell.ValueText, &cellFlags,
			&cell.Confidence, &cell.Page); err != nil {
			return fmt.Errorf("read cell: %w", err)
		}
		if value.Valid {
			v := value.Float64
			cell.Value = &v
		}
		var err error
		if cell.Flags, err = parseList(cellFlags); err != nil {
			return fmt.Errorf("cell %d/%s flags: %w", cell.ReportID, cell.Key, err)
		}
		return nil
	}
	nextCheck := func() error {
		checkOK = checkRows.Next()
		if !checkOK {
			return checkRows.Err()
		}
		var left, right sql.NullFloat64
		check = ExportCheck{}
		if err := checkRows.Scan(&check.ID, &check.ReportID, &check.Identity, &check.Column,
			&check.Status, &left, &right, &check.Detail); err != nil {
			return fmt.Errorf("read check: %w", err)
		}
		if left.Valid {
			v := left.Float64
			check.Left = &v
		}
		if right.Valid {
			v := right.Float64
			check.Right = &v
		}
		return nil
	}
	if err := nextCell(); err != nil {
		return fmt.Errorf("read cells: %w", err)
	}
	if err := nextCheck(); err != nil {
		return fmt.Errorf("read checks: %w", err)
	}
	for reports.Next() {
		var (
			r            = &b.Report
			year         sql.NullInt64
			l2, l3, l4   sql.NullString
			flags, notes string
			created      string
			sources      sql.NullString
			parts        sql.NullString
		)
		*r = ReportRow{}
		if err := reports.Scan(&r.ID, &r.DocumentID, &r.Source, &r.Title, &r.Agency, &r.AgencySource,
			&year, &r.YearSource, &r.Published, &r.SiteIDCode, &l2, &l3, &l4, &flags, &notes,
			&r.ExtractorVersion, &created, &r.DocumentSHA256, &r.MediaType, &sources, &parts); err != nil {
			return fmt.Errorf("read report: %w", err)
		}
		b.Parts = b.Parts[:0]
		if parts.String != "" {
			for _, line := range strings.Split(parts.String, "\n") {
				f := strings.SplitN(line, " ", 3)
				if len(f) != 3 {
					return fmt.Errorf("report %d: document part %q", r.ID, line)
				}
				seq, err := strconv.Atoi(f[0])
				if err != nil {
					return fmt.Errorf("report %d: document part %q: %w", r.ID, line, err)
				}
				b.Parts = append(b.Parts, DocumentPart{Seq: seq, SHA256: f[1], URL: f[2]})
			}
		}
		r.Year = int(year.Int64)
		r.LayoutT2, r.LayoutT3, r.LayoutT4 = l2.String, l3.String, l4.String
		r.CreatedAt = parseTime(created)
		var err error
		if r.Flags, err = parseList(flags); err != nil {
			return fmt.Errorf("report %d flags: %w", r.ID, err)
		}
		if r.Notes, err = parseList(notes); err != nil {
			return fmt.Errorf("report %d notes: %w", r.ID, err)
		}
		b.Sources = b.Sources[:0]
		if sources.String != "" {
			b.Sources = append(b.Sources, strings.Split(sources.String, "\n")...)
		}
		b.Cells = b.Cells[:0]
		for cellOK && cell.ReportID <= r.ID {
			if cell.ReportID == r.ID {
				cell.Source, cell.Agency, cell.Year, cell.DocumentSHA256 = r.Source, r.Agency, r.Year, r.DocumentSHA256
				b.Cells = append(b.Cells, cell)
			}
			if err := nextCell(); err != nil {
				return fmt.Errorf("read cells: %w", err)
			}
		}
		b.Checks = b.Checks[:0]
		for checkOK && check.ReportID <= r.ID {
			if check.ReportID == r.ID {
				b.Checks = append(b.Checks, check)
				switch check.Status {
				case "pass":
					r.ChecksPassed++
				case "fail":
					r.ChecksFailed++
				case "not_assessable":
					r.ChecksNotAssessable++
				}
			}
			if err := nextCheck(); err != nil {
				return fmt.Errorf("read checks: %w", err)
			}
		}
		if err := fn(&b); err != nil {
			return err
		}
	}
	if err := reports.Err(); err != nil {
		return fmt.Errorf("read reports: %w", err)
	}
	return nil
}

// CountReports returns the number of reports matching f (for progress bars).
func (s *Store) CountReports(ctx context.Context, f ExportFilter) (int64, error) {
	w, args := f.where("id")
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM reports`+w, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count reports: %w", err)
	}
	return n, nil
}
