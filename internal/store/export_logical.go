package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ExportMembership is what an export needs about the logical report a stored report belongs to
// (internal/reconcile).
type ExportMembership struct {
	// LogicalID is the logical report's id.
	LogicalID int64
	// Chosen is true for the member whose cells stand for the logical report.
	Chosen bool
	// IsCurrent is false for a member superseded by a newer version at its source.
	IsCurrent bool
	// Version and SourceRank are the member's (see LogicalMember).
	Version, SourceRank int
}

// HasLogicalReports reports whether the reconciliation ever stored a logical report.
func (s *Store) HasLogicalReports(ctx context.Context) (bool, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM logical_reports LIMIT 1)`).Scan(&n); err != nil {
		return false, fmt.Errorf("count logical reports: %w", err)
	}
	return n > 0, nil
}

// ExportMemberships maps every report that belongs to a logical report to its membership.
func (s *Store) ExportMemberships(ctx context.Context) (map[int64]ExportMembership, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.report_id, m.logical_id, l.chosen_report_id = m.report_id,
		m.is_current, m.version, m.source_rank FROM logical_report_members m
		JOIN logical_reports l ON l.id = m.logical_id`)
	if err != nil {
		return nil, fmt.Errorf("query logical memberships: %w", err)
	}
	defer rows.Close()
	out := map[int64]ExportMembership{}
	for rows.Next() {
		var (
			id int64
			m  ExportMembership
		)
		if err := rows.Scan(&id, &m.LogicalID, &m.Chosen, &m.IsCurrent, &m.Version, &m.SourceRank); err != nil {
			return nil, fmt.Errorf("read logical membership: %w", err)
		}
		out[id] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read logical memberships: %w", err)
	}
	return out, nil
}

// ExportLogicalReports returns every logical report by id with its Indicators filled (nil =
// undefined); Members and Checks stay empty.
func (s *Store) ExportLogicalReports(ctx context.Context) (map[int64]*LogicalReport, error) {
	ls, err := s.LogicalReports(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*LogicalReport, len(ls))
	for i := range ls {
		ls[i].Indicators = map[string]*float64{}
		out[ls[i].ID] = &ls[i]
	}
	rows, err := s.db.QueryContext(ctx, `SELECT logical_id, indicator, value FROM indicator_values`)
	if err != nil {
		return nil, fmt.Errorf("query indicator values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			k  string
			v  sql.NullFloat64
		)
		if err := rows.Scan(&id, &k, &v); err != nil {
			return nil, fmt.Errorf("read indicator value: %w", err)
		}
		l := out[id]
		if l == nil {
			continue
		}
		if v.Valid {
			x := v.Float64
			l.Indicators[k] = &x
		} else {
			l.Indicators[k] = nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read indicator values: %w", err)
	}
	return out, nil
}

// ExportCrossCheck is one stored cross-report check with its row id and the checked report's
// agency (as printed) and year.
type ExportCrossCheck struct {
	ID int64
	CrossCheck
	Agency string
	// Year is 0 when unknown.
	Year int
}

// EachCrossCheck calls fn for every stored cross check, ordered by id. The value is reused
// between calls: fn must not keep it. It stops at the first error fn returns and returns it.
func (s *Store) EachCrossCheck(ctx context.Context, fn func(*ExportCrossCheck) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.logical_id, c.report_id, COALESCE(c.other_report_id, 0),
		c.identity, c."column", c.status, c.left_value, c.right_value, c.detail, r.agency, r.year
		FROM cross_checks c JOIN reports r ON r.id = c.report_id ORDER BY c.id`)
	if err != nil {
		return fmt.Errorf("query cross checks: %w", err)
	}
	defer rows.Close()
	var c ExportCrossCheck
	for rows.Next() {
		var (
			l, r sql.NullFloat64
			year sql.NullInt64
		)
		c = ExportCrossCheck{}
		if err := rows.Scan(&c.ID, &c.LogicalID, &c.ReportID, &c.OtherReportID, &c.Identity, &c.Column,
			&c.Status, &l, &r, &c.Detail, &c.Agency, &year); err != nil {
			return fmt.Errorf("read cross check: %w", err)
		}
		if l.Valid {
			x := l.Float64
			c.Left = &x
		}
		if r.Valid {
			x := r.Float64
			c.Right = &x
		}
		c.Year = int(year.Int64)
		if err := fn(&c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read cross checks: %w", err)
	}
	return nil
}
