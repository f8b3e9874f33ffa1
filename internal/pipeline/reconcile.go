package pipeline

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reconcile"
	"github.com/ogireports/ogireports/internal/store"
)

// AgencyResolver parses agency names into jurisdictions for Reconcile. It is
// reconcile.JurisdictionResolver (internal/jurisdiction); tests may replace it.
var AgencyResolver reconcile.Resolver = reconcile.JurisdictionResolver

// Reconcile runs after a batch (import, crawl, reextract): it groups the stored reports into
// logical reports, chooses their best source, marks current versions, runs the cross-report
// checks and stores the indicators (see internal/reconcile). Logs go to log (slog.Default()
// when nil).
func Reconcile(ctx context.Context, st *store.Store, log *slog.Logger) (reconcile.Summary, error) {
	sum, err := reconcile.Run(ctx, st, reconcile.Options{Resolve: AgencyResolver, Log: log})
	if err != nil {
		return sum, fmt.Errorf("reconcile after batch: %w", err)
	}
	return sum, nil
}

// afterBatch is what Import calls once every file is processed.
func afterBatch(ctx context.Context, st *store.Store, log *slog.Logger) error {
	_, err := Reconcile(ctx, st, log)
	return err
}

// saveReport stores rep as the report of document docID together with the numbers its prose
// states (normalize.Prose), which the reconciliation compares with the tables.
func saveReport(ctx context.Context, st *store.Store, docID int64, rep *normalize.Report, doc *extract.Document) (int64, error) {
	rid, err := st.SaveReport(ctx, docID, rep)
	if err != nil {
		return 0, err
	}
	if err := st.SaveProse(ctx, rid, normalize.Prose(doc)); err != nil {
		return rid, err
	}
	return rid, nil
}
