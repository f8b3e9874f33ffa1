// Package store owns the SQLite database of ogireports (modernc.org/sqlite, pure Go, no cgo):
// the schema and its forward migrations, and every read and write of documents, their sources,
// reports, cells and identity checks. Other packages never issue SQL of their own; they call
// the methods here. See README.md for the schema and how to add a migration.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// DriverName is the database/sql driver name registered by modernc.org/sqlite.
const DriverName = "sqlite"

// BusyTimeout is how long a connection waits for a lock held by another connection or
// process before failing with SQLITE_BUSY.
const BusyTimeout = 10 * time.Second

// timeFormat is how every timestamp is stored: UTC, fixed width, so that text order is time order.
const timeFormat = "2006-01-02T15:04:05.000Z"

// ErrSchemaTooNew is returned (wrapped) by Open for a database whose schema version is newer
// than this program knows: it was written by a newer ogireports and must not be touched.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// Store is an open ogireports database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating it if needed) the database at path, sets the connection pragmas
// (journal_mode=WAL, foreign_keys=ON, busy_timeout, synchronous=NORMAL) and applies every
// pending migration. A database whose schema version is newer than SchemaVersion is refused
// with an error wrapping ErrSchemaTooNew.
func Open(path string) (*Store, error) {
	return openWith(context.Background(), path, migrations)
}

func openWith(ctx context.Context, path string, migs []Migration) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("open store: empty database path")
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Write transactions take the write lock at BEGIN, so that two writers queue on
	// busy_timeout instead of failing on a read-to-write lock upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open(DriverName, "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.migrate(ctx, migs); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the path the store was opened from.
func (s *Store) Path() string { return s.path }

// Version returns the schema version of the open database (PRAGMA user_version).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// migrate applies migs[v:] where v is the database's user_version, each in its own
// transaction with its version bump. The version is re-read inside each write transaction,
// so two processes opening a fresh database at once do not apply a step twice.
func (s *Store) migrate(ctx context.Context, migs []Migration) error {
	for {
		done, err := s.migrateOne(ctx, migs)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

func (s *Store) migrateOne(ctx context.Context, migs []Migration) (done bool, err error) {
	v, err := s.Version(ctx)
	if err != nil {
		return false, err
	}
	if v > len(migs) {
		return false, fmt.Errorf("%w: database is at version %d, this program knows up to %d (use a newer ogireports)",
			ErrSchemaTooNew, v, len(migs))
	}
	if v == len(migs) {
		return true, nil
	}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		var cur int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if cur != v {
			return nil // another process migrated meanwhile; the loop re-reads
		}
		m := migs[v]
		if m.SQL != "" {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %d (%s): %w", v+1, m.Name, err)
			}
		}
		if m.Func != nil {
			if err := m.Func(ctx, tx); err != nil {
				return fmt.Errorf("migration %d (%s): %w", v+1, m.Name, err)
			}
		}
		// PRAGMA takes no bound parameters; v+1 is an int we computed.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			return fmt.Errorf("migration %d (%s): set user_version: %w", v+1, m.Name, err)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	slog.Debug("store: migrated", "path", s.path, "version", v+1, "name", migs[v].Name)
	return false, nil
}

// WithTx runs fn in one write transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). Methods added to Store by other files use it for every
// multi-row write.
func (s *Store) WithTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// formatTime renders t for storage (UTC, millisecond precision).
func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime reads a stored timestamp; a malformed one yields the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// EnvDB is the environment variable naming the database file used when no --db flag is given.
const EnvDB = "OGIREPORTS_DB"

// DefaultFile is the database file name used when neither --db nor $OGIREPORTS_DB is given.
const DefaultFile = "ogireports.db"

// DefaultPath returns the database path the commands use without --db: $OGIREPORTS_DB if set,
// otherwise ogireports.db in the current directory.
func DefaultPath() string {
	if p := os.Getenv(EnvDB); p != "" {
		return p
	}
	return DefaultFile
}
