package store

import (
	"context"
	"database/sql"
)

// Migration is one forward step of the schema. Migration i of the migrations slice (0-based)
// brings the database from schema version i to version i+1; the version is kept in
// PRAGMA user_version. Each migration runs in its own transaction together with the version
// bump, so a migration either applies completely or not at all.
//
// SQL, when non-empty, is executed first (it may hold several statements); Func, when non-nil,
// runs after it in the same transaction, for steps that need Go (backfills, data rewrites).
type Migration struct {
	// Name says what the step does, for logs and errors.
	Name string
	// SQL is executed as one multi-statement script.
	SQL string
	// Func runs after SQL in the same transaction.
	Func func(ctx context.Context, tx *sql.Tx) error
}

// migrations is the ordered schema history. To change the schema, APPEND one entry at the end
// (never edit, reorder or remove a published entry: databases in the field have applied it).
// The new entry's position + 1 becomes the schema version; see README.md.
var migrations = []Migration{
	{Name: "v1: documents, document_sources, reports, cells, checks", SQL: schemaV1},
	{Name: "v2: crawl_runs, crawl_sites, frontier, hosts, fetches (crawler; see crawl.go)", SQL: schemaCrawl},
	{Name: "v3: logical_reports, logical_report_members, cross_checks, indicator_values, report_prose (see reconcile.go)", SQL: schemaReconcile},
	{Name: "v4: runs, site_health, cells_history (operations; see runs.go)", SQL: schemaRuns},
	{Name: "v5: document_parts (a page assembled with the pictures of its tables; see documents.go)", SQL: schemaParts},
}

// SchemaVersion returns the schema version this program creates and understands.
func SchemaVersion() int { return len(migrations) }

const schemaV1 = `
CREATE TABLE documents (
	id                INTEGER PRIMARY KEY,
	sha256            TEXT    NOT NULL UNIQUE,
	size              INTEGER NOT NULL,
	media_type        TEXT    NOT NULL DEFAULT '',
	encoding          TEXT    NOT NULL DEFAULT '',
	source            TEXT    NOT NULL,
	first_seen        TEXT    NOT NULL,
	last_seen         TEXT    NOT NULL,
	status            TEXT    CHECK (status IN ('report', 'not_report', 'failed')),
	reason            TEXT    NOT NULL DEFAULT '',
	extractor_version TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX documents_source ON documents(source);

CREATE TABLE document_sources (
	document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
	source      TEXT    NOT NULL,
	seen_at     TEXT    NOT NULL,
	UNIQUE (document_id, source)
);
CREATE INDEX document_sources_source ON document_sources(source);

CREATE TABLE reports (
	id                INTEGER PRIMARY KEY,
	document_id       INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
	title             TEXT    NOT NULL DEFAULT '',
	agency            TEXT    NOT NULL DEFAULT '',
	agency_source     TEXT    NOT NULL DEFAULT '',
	year              INTEGER,
	year_source       TEXT    NOT NULL DEFAULT '',
	published         TEXT    NOT NULL DEFAULT '',
	site_id_code      TEXT    NOT NULL DEFAULT '',
	layout_t2         TEXT,
	layout_t3         TEXT,
	layout_t4         TEXT,
	flags             TEXT    NOT NULL DEFAULT '[]',
	notes             TEXT    NOT NULL DEFAULT '[]',
	extractor_version TEXT    NOT NULL DEFAULT '',
	created_at        TEXT    NOT NULL
);
CREATE INDEX reports_agency_year ON reports(agency, year);
CREATE INDEX reports_year ON reports(year);

CREATE TABLE cells (
	report_id  INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	key        TEXT    NOT NULL,
	value      REAL,
	value_text TEXT    NOT NULL DEFAULT '',
	flags      TEXT    NOT NULL DEFAULT '[]',
	confidence REAL    NOT NULL DEFAULT 0,
	page       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (report_id, key)
);
CREATE INDEX cells_key ON cells(key);

CREATE TABLE checks (
	id          INTEGER PRIMARY KEY,
	report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	identity    TEXT    NOT NULL,
	"column"    TEXT    NOT NULL,
	status      TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'not_assessable')),
	left_value  REAL,
	right_value REAL,
	detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX checks_report_status ON checks(report_id, status);
CREATE INDEX checks_identity_status ON checks(identity, status);
`
