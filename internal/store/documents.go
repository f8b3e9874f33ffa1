package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Document statuses (documents.status). A document with no status yet (NULL) was recorded but
// not processed to the end, e.g. because the process stopped: it is processed again.
const (
	StatusReport    = "report"
	StatusNotReport = "not_report"
	StatusFailed    = "failed"
)

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// DocumentInput is one sighting of a document's bytes.
type DocumentInput struct {
	// SHA256 is the lower-case hex SHA-256 of the bytes; it identifies the document.
	SHA256 string
	// Size is the byte length.
	Size int64
	// MediaType is the sniffed media type ("text/html", ...), "" if not known yet.
	MediaType string
	// Source is where the bytes were seen: a URL or a file path.
	Source string
	// SeenAt is when they were seen (now if zero).
	SeenAt time.Time
	// Parts, for a document assembled from several fetched resources (an HTML page and the
	// pictures of its tables), lists them; SHA256 then identifies the assembly. They are stored
	// with a new document and never change (other parts make another SHA256).
	Parts []DocumentPart
}

// DocumentPart is one resource of an assembled document: the HTML page (Seq 0) and the pictures
// it shows (Seq 1, 2, … in page order). The cells read from picture N carry page N.
type DocumentPart struct {
	Seq int
	// URL is where the part was fetched.
	URL string
	// SHA256 is the digest of the part's bytes (its name in the archive), "" when the part
	// could not be fetched.
	SHA256 string
	// MediaType is the part's media type; Size its length in bytes.
	MediaType string
	Size      int64
	// Error says why the part could not be fetched or read ("" when it was).
	Error string
}

// schemaParts is the assembled-documents migration.
const schemaParts = `
CREATE TABLE document_parts (
	document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	url         TEXT    NOT NULL,
	sha256      TEXT    NOT NULL DEFAULT '',
	media_type  TEXT    NOT NULL DEFAULT '',
	size        INTEGER NOT NULL DEFAULT 0,
	error       TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (document_id, seq)
);
CREATE INDEX document_parts_sha256 ON document_parts(sha256);
`

// Document is a stored document row.
type Document struct {
	// ID is the row id; SHA256 the lower-case hex digest of the bytes; Size their length.
	ID     int64
	SHA256 string
	Size   int64
	// MediaType is the sniffed media type, Encoding the character encoding the text was
	// decoded from ("" when not known).
	MediaType string
	Encoding  string
	// Source is the URL or path of the first sighting (all are in document_sources).
	Source string
	// FirstSeen and LastSeen bound the sightings.
	FirstSeen time.Time
	LastSeen  time.Time
	// Status is StatusReport, StatusNotReport, StatusFailed, or "" when not processed yet.
	Status string
	// Reason says why the document is not a report or failed.
	Reason string
	// ExtractorVersion is the normalize.Version that produced Status ("" = retry next time).
	ExtractorVersion string
}

// PutDocument records one sighting of a document. A new SHA-256 inserts a document (isNew is
// true) whose source is in.Source; a known one keeps its row and first source, moves last_seen
// forward, fills media_type if it was empty, and adds in.Source to document_sources unless that
// source was already recorded. All of it happens in one transaction.
func (s *Store) PutDocument(ctx context.Context, in DocumentInput) (id int64, isNew bool, err error) {
	if in.SHA256 == "" {
		return 0, false, fmt.Errorf("put document %s: empty sha256", in.Source)
	}
	if in.SeenAt.IsZero() {
		in.SeenAt = time.Now()
	}
	seen := formatTime(in.SeenAt)
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE sha256 = ?`, in.SHA256).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO documents
				(sha256, size, media_type, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)`,
				in.SHA256, in.Size, in.MediaType, in.Source, seen, seen)
			if err != nil {
				return fmt.Errorf("insert document: %w", err)
			}
			if id, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("insert document: %w", err)
			}
			isNew = true
			for _, p := range in.Parts {
				if _, err := tx.ExecContext(ctx, `INSERT INTO document_parts
					(document_id, seq, url, sha256, media_type, size, error) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					id, p.Seq, p.URL, p.SHA256, p.MediaType, p.Size, p.Error); err != nil {
					return fmt.Errorf("insert document part %d: %w", p.Seq, err)
				}
			}
		case err != nil:
			return fmt.Errorf("look up document: %w", err)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET
				last_seen = max(last_seen, ?),
				media_type = CASE WHEN media_type = '' THEN ? ELSE media_type END
				WHERE id = ?`, seen, in.MediaType, id); err != nil {
				return fmt.Errorf("update document %d: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_sources (document_id, source, seen_at)
			VALUES (?, ?, ?) ON CONFLICT (document_id, source) DO NOTHING`, id, in.Source, seen); err != nil {
			return fmt.Errorf("insert document source: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("put document %s (%s): %w", in.Source, in.SHA256, err)
	}
	return id, isNew, nil
}

// MarkDocument records the outcome of processing document id: its status (StatusReport,
// StatusNotReport or StatusFailed), the reason (for not_report and failed), the detected
// character encoding and the extractor version that produced the outcome. A status other than
// StatusReport also deletes any report previously stored for the document (with its cells and
// checks), in the same transaction, so a document never keeps a stale report.
func (s *Store) MarkDocument(ctx context.Context, id int64, status, reason, encoding, extractorVersion string) error {
	switch status {
	case StatusReport, StatusNotReport, StatusFailed:
	default:
		return fmt.Errorf("mark document %d: invalid status %q", id, status)
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, reason = ?, encoding = ?,
			extractor_version = ? WHERE id = ?`, status, reason, encoding, extractorVersion, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("document %d: %w", id, ErrNotFound)
		}
		if status != StatusReport {
			if _, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE document_id = ?`, id); err != nil {
				return fmt.Errorf("delete stale report: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark document %d %s: %w", id, status, err)
	}
	return nil
}

// Document returns document id, or an error wrapping ErrNotFound.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	return s.documentWhere(ctx, "id = ?", id)
}

// DocumentBySHA256 returns the document with that SHA-256, or an error wrapping ErrNotFound.
func (s *Store) DocumentBySHA256(ctx context.Context, sha string) (Document, error) {
	return s.documentWhere(ctx, "sha256 = ?", sha)
}

func (s *Store) documentWhere(ctx context.Context, where string, arg any) (Document, error) {
	var (
		d                   Document
		first, last, status sql.NullString
	)
	err := s.db.QueryRowContext(ctx, `SELECT id, sha256, size, media_type, encoding, source,
		first_seen, last_seen, status, reason, extractor_version FROM documents WHERE `+where, arg).
		Scan(&d.ID, &d.SHA256, &d.Size, &d.MediaType, &d.Encoding, &d.Source,
			&first, &last, &status, &d.Reason, &d.ExtractorVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("document %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document %v: %w", arg, err)
	}
	d.FirstSeen, d.LastSeen, d.Status = parseTime(first.String), parseTime(last.String), status.String
	return d, nil
}

// DocumentSources returns every source document id was seen at, in order of first sighting.
func (s *Store) DocumentSources(ctx context.Context, id int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source FROM document_sources WHERE document_id = ?
		ORDER BY seen_at, rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("read sources of document %d: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, fmt.Errorf("read sources of document %d: %w", id, err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sources of document %d: %w", id, err)
	}
	return out, nil
}

// DocumentParts returns the parts of an assembled document in order (none for a document read
// from one resource).
func (s *Store) DocumentParts(ctx context.Context, id int64) ([]DocumentPart, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, url, sha256, media_type, size, error
		FROM document_parts WHERE document_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("document parts %d: %w", id, err)
	}
	defer rows.Close()
	var out []DocumentPart
	for rows.Next() {
		var p DocumentPart
		if err := rows.Scan(&p.Seq, &p.URL, &p.SHA256, &p.MediaType, &p.Size, &p.Error); err != nil {
			return nil, fmt.Errorf("document parts %d: %w", id, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("document parts %d: %w", id, err)
	}
	return out, nil
}
