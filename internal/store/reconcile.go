package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/cells"
)

// schemaReconcile holds the tables of the reconciliation (internal/reconcile): logical reports
// (one per jurisdiction × agency × year), their member reports, cross-report checks, derived
// indicators and the numbers stated in each report's prose.
const schemaReconcile = `
CREATE TABLE logical_reports (
	id                INTEGER PRIMARY KEY,
	jurisdiction_code TEXT    NOT NULL DEFAULT '',
	agency_normalized TEXT    NOT NULL,
	agency_name       TEXT    NOT NULL DEFAULT '',
	agency_type       TEXT    NOT NULL DEFAULT '',
	agency_confidence REAL    NOT NULL DEFAULT 0,
	agency_ambiguous  INTEGER NOT NULL DEFAULT 0,
	agency_reason     TEXT    NOT NULL DEFAULT '',
	year              INTEGER NOT NULL,
	chosen_report_id  INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	current_version   INTEGER NOT NULL DEFAULT 1,
	sources           INTEGER NOT NULL DEFAULT 1,
	layout_t3         TEXT    NOT NULL DEFAULT '',
	flags             TEXT    NOT NULL DEFAULT '[]',
	updated_at        TEXT    NOT NULL,
	UNIQUE (jurisdiction_code, agency_normalized, year)
);
CREATE INDEX logical_reports_year ON logical_reports(year);

CREATE TABLE logical_report_members (
	logical_id  INTEGER NOT NULL REFERENCES logical_reports(id) ON DELETE CASCADE,
	report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	source_rank INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	is_current  INTEGER NOT NULL,
	PRIMARY KEY (logical_id, report_id)
);
CREATE INDEX logical_report_members_report ON logical_report_members(report_id);

CREATE TABLE cross_checks (
	id              INTEGER PRIMARY KEY,
	logical_id      INTEGER NOT NULL REFERENCES logical_reports(id) ON DELETE CASCADE,
	report_id       INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	other_report_id INTEGER REFERENCES reports(id) ON DELETE CASCADE,
	identity        TEXT    NOT NULL,
	"column"        TEXT    NOT NULL DEFAULT '',
	status          TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'not_assessable')),
	left_value      REAL,
	right_value     REAL,
	detail          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX cross_checks_logical ON cross_checks(logical_id);
CREATE INDEX cross_checks_identity_status ON cross_checks(identity, status);

CREATE TABLE indicator_values (
	logical_id INTEGER NOT NULL REFERENCES logical_reports(id) ON DELETE CASCADE,
	indicator  TEXT    NOT NULL,
	value      REAL,
	PRIMARY KEY (logical_id, indicator)
);

-- ReconcileInputs looks up the crawl site of each document source by URL.
CREATE INDEX IF NOT EXISTS frontier_url ON frontier(url);

CREATE TABLE report_prose (
	report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	key       TEXT    NOT NULL,
	value     REAL    NOT NULL,
	PRIMARY KEY (report_id, key)
);
`

// Sighting is one source (URL or path) where a document was seen, with the first time there.
type Sighting struct {
	Source string
	SeenAt time.Time
}

// ReconcileInput is one stored report with what the reconciliation needs to place it.
type ReconcileInput struct {
	// ReportID and DocumentID are the store ids.
	ReportID, DocumentID int64
	// Agency, Year, SiteIDCode and LayoutT3 are the report's (Year 0 = unknown).
	Agency     string
	Year       int
	SiteIDCode string
	LayoutT3   string
	// MediaType is the document's sniffed media type.
	MediaType string
	// ChecksFailed counts the report's failed identity checks.
	ChecksFailed int
	// FirstSeen is the document's first sighting.
	FirstSeen time.Time
	// Sightings are the document's sources, oldest first.
	Sightings []Sighting
	// SiteCode is the registry code (data/sites.csv) of the crawl site whose frontier holds one
	// of the document's sources, "" when none does (e.g. an imported file).
	SiteCode string
}

// ReconcileInputs returns every stored report with its document's sightings and crawl site,
// ordered by report id.
func (s *Store) ReconcileInputs(ctx context.Context) ([]ReconcileInput, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.document_id, r.agency, r.year, r.site_id_code,
		COALESCE(r.layout_t3, ''), d.media_type, d.first_seen,
		(SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.status = 'fail'),
		COALESCE((SELECT min(f.site) FROM document_sources ds JOIN frontier f ON f.url = ds.source
			WHERE ds.document_id = r.document_id), '')
		FROM reports r JOIN documents d ON d.id = r.document_id ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("query reconcile inputs: %w", err)
	}
	var out []ReconcileInput
	byDoc := map[int64]int{}
	for rows.Next() {
		var (
			in    ReconcileInput
			year  sql.NullInt64
			first string
		)
		if err := rows.Scan(&in.ReportID, &in.DocumentID, &in.Agency, &year, &in.SiteIDCode, &in.LayoutT3,
			&in.MediaType, &first, &in.ChecksFailed, &in.SiteCode); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read reconcile input: %w", err)
		}
		in.Year, in.FirstSeen = int(year.Int64), parseTime(first)
		byDoc[in.DocumentID] = len(out)
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("read reconcile inputs: %w", err)
	}
	rows.Close()
	srows, err := s.db.QueryContext(ctx, `SELECT ds.document_id, ds.source, ds.seen_at FROM document_sources ds
		JOIN reports r ON r.document_id = ds.document_id ORDER BY ds.document_id, ds.seen_at, ds.rowid`)
	if err != nil {
		return nil, fmt.Errorf("query report sightings: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var (
			doc          int64
			src, seenStr string
		)
		if err := srows.Scan(&doc, &src, &seenStr); err != nil {
			return nil, fmt.Errorf("read report sighting: %w", err)
		}
		if i, ok := byDoc[doc]; ok {
			out[i].Sightings = append(out[i].Sightings, Sighting{Source: src, SeenAt: parseTime(seenStr)})
		}
	}
	if err := srows.Err(); err != nil {
		return nil, fmt.Errorf("read report sightings: %w", err)
	}
	return out, nil
}

// ReportValues returns the cells of report id as identity-check values, and whether any cell was
// read by OCR (cell flag "ocr").
func (s *Store) ReportValues(ctx context.Context, id int64) (v cells.Values, ocr bool, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value, flags FROM cells WHERE report_id = ?`, id)
	if err != nil {
		return nil, false, fmt.Errorf("query cells of report %d: %w", id, err)
	}
	defer rows.Close()
	v = cells.Values{}
	for rows.Next() {
		var (
			key, flags string
			val        sql.NullFloat64
		)
		if err := rows.Scan(&key, &val, &flags); err != nil {
			return nil, false, fmt.Errorf("read cell of report %d: %w", id, err)
		}
		if val.Valid {
			x := val.Float64
			v[key] = &x
		} else {
			v[key] = nil
		}
		if strings.Contains(flags, `"ocr"`) {
			ocr = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read cells of report %d: %w", id, err)
	}
	return v, ocr, nil
}

// SaveProse replaces the prose numbers (normalize.Prose) stored for report reportID.
func (s *Store) SaveProse(ctx context.Context, reportID int64, prose map[string]float64) error {
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_prose WHERE report_id = ?`, reportID); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
		for k, v := range prose {
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_prose (report_id, key, value) VALUES (?, ?, ?)`,
				reportID, k, v); err != nil {
				return fmt.Errorf("insert %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save prose of report %d: %w", reportID, err)
	}
	return nil
}

// ReportProse returns the prose numbers stored for report reportID (empty when none).
func (s *Store) ReportProse(ctx context.Context, reportID int64) (map[string]float64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM report_prose WHERE report_id = ?`, reportID)
	if err != nil {
		return nil, fmt.Errorf("query prose of report %d: %w", reportID, err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var (
			k string
			v float64
		)
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read prose of report %d: %w", reportID, err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read prose of report %d: %w", reportID, err)
	}
	return out, nil
}

// LogicalReport is one row of the panel: the report of one agency of one jurisdiction for one
// year, whatever the number of documents, sources and versions it was found as.
type LogicalReport struct {
	// ID is stable across reconciliations as long as the key (JurisdictionCode,
	// AgencyNormalized, Year) keeps existing.
	ID int64
	// JurisdictionCode is the GB/T 2260 code, "" when the agency matched no jurisdiction.
	JurisdictionCode string
	// AgencyNormalized is the normalised agency name; AgencyName the name as printed in the
	// chosen report.
	AgencyNormalized, AgencyName string
	// AgencyType, AgencyConfidence, AgencyAmbiguous and AgencyReason are the agency parse's.
	AgencyType       string
	AgencyConfidence float64
	AgencyAmbiguous  bool
	AgencyReason     string
	// Year is the report year.
	Year int
	// ChosenReportID is the report whose cells stand for the logical report.
	ChosenReportID int64
	// CurrentVersion is the version of the chosen report (1 = never revised).
	CurrentVersion int
	// Sources counts the current member reports (the same report found as several documents).
	Sources int
	// LayoutT3 is the chosen report's table 三 layout.
	LayoutT3 string
	// Flags are logical-report flags ("copied", "sources_disagree", ...).
	Flags []string
	// Members, Indicators and Checks are written by SaveReconciliation; LogicalReports leaves
	// them empty (see LogicalMembers, Indicators, CrossChecks).
	Members    []LogicalMember
	Indicators map[string]*float64
	Checks     []CrossCheck
}

// LogicalMember is one stored report that belongs to a logical report.
type LogicalMember struct {
	ReportID int64
	// SourceRank orders formats: 0 HTML or DOCX, 1 PDF or plain text, 2 OCR.
	SourceRank int
	// Version is 1 for the first content seen at its source(s), 2 for the next, ...
	Version int
	// IsCurrent is false for a member superseded by a newer version at its source.
	IsCurrent bool
}

// CrossCheck is one check across reports or sources (sources.agree, t3.carry_continuity,
// copied, prose.agree).
type CrossCheck struct {
	// LogicalID is the logical report the check is stored with (set when read back).
	LogicalID int64
	// ReportID is the report checked; OtherReportID the report compared with (0 = none).
	ReportID, OtherReportID  int64
	Identity, Column, Status string
	// Left and Right are nil when not applicable.
	Left, Right *float64
	Detail      string
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SaveReconciliation replaces the stored reconciliation with ls in one transaction: logical
// reports are upserted on their key (ids stay stable), logical reports no longer present are
// deleted, and every member, cross check and indicator value is rewritten. The IDs of ls are set.
func (s *Store) SaveReconciliation(ctx context.Context, ls []LogicalReport) error {
	now := formatTime(time.Now())
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM logical_report_members`, `DELETE FROM cross_checks`,
			`DELETE FROM indicator_values`, `CREATE TEMP TABLE IF NOT EXISTS reconcile_keep (id INTEGER PRIMARY KEY)`,
			`DELETE FROM reconcile_keep`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("clear: %w", err)
			}
		}
		up, err := tx.PrepareContext(ctx, `INSERT INTO logical_reports (jurisdiction_code, agency_normalized,
			agency_name, agency_type, agency_confidence, agency_ambiguous, agency_reason, year, chosen_report_id,
			current_version, sources, layout_t3, flags, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (jurisdiction_code, agency_normalized, year) DO UPDATE SET agency_name = excluded.agency_name,
			agency_type = excluded.agency_type, agency_confidence = excluded.agency_confidence,
			agency_ambiguous = excluded.agency_ambiguous, agency_reason = excluded.agency_reason,
			chosen_report_id = excluded.chosen_report_id, current_version = excluded.current_version,
			sources = excluded.sources, layout_t3 = excluded.layout_t3, flags = excluded.flags,
			updated_at = excluded.updated_at
			RETURNING id`)
		if err != nil {
			return fmt.Errorf("prepare logical upsert: %w", err)
		}
		defer up.Close()
		for i := range ls {
			l := &ls[i]
			flags, err := jsonList(l.Flags)
			if err != nil {
				return err
			}
			if err := up.QueryRowContext(ctx, l.JurisdictionCode, l.AgencyNormalized, l.AgencyName, l.AgencyType,
				l.AgencyConfidence, l.AgencyAmbiguous, l.AgencyReason, l.Year, l.ChosenReportID, l.CurrentVersion,
				l.Sources, l.LayoutT3, flags, now).Scan(&l.ID); err != nil {
				return fmt.Errorf("upsert logical report %s/%s/%d: %w", l.JurisdictionCode, l.AgencyNormalized, l.Year, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO reconcile_keep (id) VALUES (?)`, l.ID); err != nil {
				return fmt.Errorf("keep logical report %d: %w", l.ID, err)
			}
			for _, m := range l.Members {
				if _, err := tx.ExecContext(ctx, `INSERT INTO logical_report_members (logical_id, report_id,
					source_rank, version, is_current) VALUES (?, ?, ?, ?, ?)`,
					l.ID, m.ReportID, m.SourceRank, m.Version, m.IsCurrent); err != nil {
					return fmt.Errorf("insert member %d of logical report %d: %w", m.ReportID, l.ID, err)
				}
			}
			for k, v := range l.Indicators {
				if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_values (logical_id, indicator, value)
					VALUES (?, ?, ?)`, l.ID, k, nullFloat(v)); err != nil {
					return fmt.Errorf("insert indicator %s of logical report %d: %w", k, l.ID, err)
				}
			}
			for _, c := range l.Checks {
				if _, err := tx.ExecContext(ctx, `INSERT INTO cross_checks (logical_id, report_id, other_report_id,
					identity, "column", status, left_value, right_value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					l.ID, c.ReportID, nullID(c.OtherReportID), c.Identity, c.Column, c.Status,
					nullFloat(c.Left), nullFloat(c.Right), c.Detail); err != nil {
					return fmt.Errorf("insert cross check %s of logical report %d: %w", c.Identity, l.ID, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM logical_reports WHERE id NOT IN (SELECT id FROM reconcile_keep)`); err != nil {
			return fmt.Errorf("delete stale logical reports: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM reconcile_keep`); err != nil {
			return fmt.Errorf("clear keep list: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save reconciliation: %w", err)
	}
	return nil
}

// LogicalReports returns every logical report ordered by jurisdiction code, agency and year
// (Members, Indicators and Checks left empty).
func (s *Store) LogicalReports(ctx context.Context) ([]LogicalReport, error) {
	return s.logicalWhere(ctx, "", nil)
}

func (s *Store) logicalWhere(ctx context.Context, where string, args []any) ([]LogicalReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, jurisdiction_code, agency_normalized, agency_name,
		agency_type, agency_confidence, agency_ambiguous, agency_reason, year, chosen_report_id,
		current_version, sources, layout_t3, flags FROM logical_reports `+where+`
		ORDER BY jurisdiction_code, agency_normalized, year`, args...)
	if err != nil {
		return nil, fmt.Errorf("query logical reports: %w", err)
	}
	defer rows.Close()
	var out []LogicalReport
	for rows.Next() {
		var (
			l     LogicalReport
			flags string
		)
		if err := rows.Scan(&l.ID, &l.JurisdictionCode, &l.AgencyNormalized, &l.AgencyName, &l.AgencyType,
			&l.AgencyConfidence, &l.AgencyAmbiguous, &l.AgencyReason, &l.Year, &l.ChosenReportID,
			&l.CurrentVersion, &l.Sources, &l.LayoutT3, &flags); err != nil {
			return nil, fmt.Errorf("read logical report: %w", err)
		}
		if l.Flags, err = parseList(flags); err != nil {
			return nil, fmt.Errorf("logical report %d flags: %w", l.ID, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read logical reports: %w", err)
	}
	return out, nil
}

// LogicalMembers returns the member reports of logical report id, ordered by report id.
func (s *Store) LogicalMembers(ctx context.Context, id int64) ([]LogicalMember, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT report_id, source_rank, version, is_current
		FROM logical_report_members WHERE logical_id = ? ORDER BY report_id`, id)
	if err != nil {
		return nil, fmt.Errorf("query members of logical report %d: %w", id, err)
	}
	defer rows.Close()
	var out []LogicalMember
	for rows.Next() {
		var m LogicalMember
		if err := rows.Scan(&m.ReportID, &m.SourceRank, &m.Version, &m.IsCurrent); err != nil {
			return nil, fmt.Errorf("read member of logical report %d: %w", id, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read members of logical report %d: %w", id, err)
	}
	return out, nil
}

// Indicators returns the indicator values of logical report id (nil = NULL, undefined).
func (s *Store) Indicators(ctx context.Context, id int64) (map[string]*float64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT indicator, value FROM indicator_values WHERE logical_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("query indicators of logical report %d: %w", id, err)
	}
	defer rows.Close()
	out := map[string]*float64{}
	for rows.Next() {
		var (
			k string
			v sql.NullFloat64
		)
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read indicator of logical report %d: %w", id, err)
		}
		if v.Valid {
			x := v.Float64
			out[k] = &x
		} else {
			out[k] = nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read indicators of logical report %d: %w", id, err)
	}
	return out, nil
}

// CrossChecks returns the stored cross checks with the given identity ("" = all), ordered by
// logical report id then insertion.
func (s *Store) CrossChecks(ctx context.Context, identity string) ([]CrossCheck, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT logical_id, report_id, COALESCE(other_report_id, 0), identity,
		"column", status, left_value, right_value, detail FROM cross_checks
		WHERE ? = '' OR identity = ? ORDER BY logical_id, id`, identity, identity)
	if err != nil {
		return nil, fmt.Errorf("query cross checks: %w", err)
	}
	defer rows.Close()
	var out []CrossCheck
	for rows.Next() {
		var (
			c    CrossCheck
			l, r sql.NullFloat64
		)
		if err := rows.Scan(&c.LogicalID, &c.ReportID, &c.OtherReportID, &c.Identity, &c.Column, &c.Status,
			&l, &r, &c.Detail); err != nil {
			return nil, fmt.Errorf("read cross check: %w", err)
		}
		if l.Valid {
			c.Left = &l.Float64
		}
		if r.Valid {
			c.Right = &r.Float64
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cross checks: %w", err)
	}
	return out, nil
}

// UnmatchedAgency is an agency name that matched no jurisdiction (for `crawl status`).
type UnmatchedAgency struct {
	// Agency is the normalised name; Reason why it matched nothing.
	Agency, Reason string
	// Reports counts its logical reports; FirstYear and LastYear bound their years.
	Reports             int
	FirstYear, LastYear int
}

// UnmatchedAgencies lists the agencies of logical reports without a jurisdiction code, most
// reports first: they are listed, never guessed.
func (s *Store) UnmatchedAgencies(ctx context.Context) ([]UnmatchedAgency, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT agency_normalized, max(agency_reason), count(*), min(year), max(year)
		FROM logical_reports WHERE jurisdiction_code = '' GROUP BY agency_normalized
		ORDER BY count(*) DESC, agency_normalized`)
	if err != nil {
		return nil, fmt.Errorf("query unmatched agencies: %w", err)
	}
	defer rows.Close()
	var out []UnmatchedAgency
	for rows.Next() {
		var u UnmatchedAgency
		if err := rows.Scan(&u.Agency, &u.Reason, &u.Reports, &u.FirstYear, &u.LastYear); err != nil {
			return nil, fmt.Errorf("read unmatched agency: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read unmatched agencies: %w", err)
	}
	return out, nil
}
