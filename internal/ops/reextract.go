package ops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"fmt"
	"log/slog"
	"mime"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/fetch"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/pipeline"
	"github.com/ogireports/ogireports/internal/store"
)

// ReextractOptions configure Reextract.
type ReextractOptions struct {
	// DataDir is the crawl's data directory; crawled bodies are read from DataDir/archive.
	DataDir string
	// All re-extracts every processed document, not only those of another extractor version.
	All bool
	// Log receives one line per changed report and per unavailable document (slog.Default()
	// when nil).
	Log *slog.Logger
}

// Change is a report whose cells a re-extraction changed.
type Change struct {
	// ReportID is the report (stable per document); DocumentID its document.
	ReportID, DocumentID int64
	// Agency and Year are the report's after the re-extraction (before it when the document
	// is no longer a report).
	Agency string
	Year   int
	// KeysChanged counts the cell keys added, removed or with another value, text or flags.
	KeysChanged int
	// What is "changed", "new report" or "no longer a report".
	What string
}

// Unavailable is a document whose bytes could not be found.
type Unavailable struct {
	// DocumentID is the document; Source its first source; Reason why its bytes are gone.
	DocumentID int64
	Source     string
	Reason     string
}

// ReextractSummary is the outcome of Reextract.
type ReextractSummary struct {
	// Candidates is the number of documents selected; Reextracted those processed again.
	Candidates, Reextracted int
	// Changed lists the reports whose cells changed, by document id.
	Changed []Change
	// Unavailable lists the documents whose bytes are gone (not in the archive; an imported
	// file moved, deleted or modified).
	Unavailable []Unavailable
}

// Reextract re-runs extraction, without the network, over the documents whose
// extractor_version differs from normalize.Version (every processed document with opts.All).
// Bytes come from the archive (DataDir/archive, by SHA-256) or, for imported files, from the
// source path when it still exists with the same SHA-256. Before a report is re-extracted its
// cells are kept in cells_history with the extractor version that produced them; the snapshot
// is dropped again when the new cells are identical. The caller runs pipeline.Reconcile after.
// The error is non-nil only for store failures and a cancelled ctx.
func Reextract(ctx context.Context, st *store.Store, opts ReextractOptions) (ReextractSummary, error) {
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	var sum ReextractSummary
	ids, err := st.DocumentIDsForReextract(ctx, normalize.Version, opts.All)
	if err != nil {
		return sum, fmt.Errorf("reextract: %w", err)
	}
	sum.Candidates = len(ids)
	archive := &fetch.Archive{Dir: filepath.Join(opts.DataDir, "archive")}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return sum, fmt.Errorf("reextract: %w", err)
		}
		ch, un, err := reextractOne(ctx, st, archive, id)
		if err != nil {
			return sum, fmt.Errorf("reextract: %w", err)
		}
		if un != nil {
			log.Warn("reextract: document unavailable", "document", un.DocumentID, "source", un.Source, "reason", un.Reason)
			sum.Unavailable = append(sum.Unavailable, *un)
			continue
		}
		sum.Reextracted++
		if ch != nil {
			log.Info("reextract: report changed", "report", ch.ReportID, "agency", ch.Agency, "year", ch.Year,
				"keys_changed", ch.KeysChanged, "what", ch.What)
			sum.Changed = append(sum.Changed, *ch)
		}
	}
	return sum, nil
}

func reextractOne(ctx context.Context, st *store.Store, archive *fetch.Archive, id int64) (*Change, *Unavailable, error) {
	d, err := st.Document(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	parts, err := st.DocumentParts(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var (
		data     []byte
		src, why string
		pparts   []pipeline.Part
	)
	if len(parts) > 0 {
		data, pparts, why, err = assembledBytes(ctx, st, archive, parts)
		src = d.Source
	} else {
		data, src, why, err = documentBytes(ctx, st, archive, d)
	}
	if err != nil {
		return nil, nil, err
	}
	if data == nil {
		return nil, &Unavailable{DocumentID: id, Source: d.Source, Reason: why}, nil
	}
	before, had, err := st.ReportOfDocument(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var old map[string]store.CellValue
	at := time.Now()
	if had {
		if old, err = st.ReportCells(ctx, before.ID); err != nil {
			return nil, nil, err
		}
		// Kept before the cells are replaced, so that a crash in between loses nothing.
		if err := st.SaveCellsHistory(ctx, before.ID, before.ExtractorVersion, old, at); err != nil {
			return nil, nil, err
		}
	}
	if d.ExtractorVersion == normalize.Version {
		// Process skips bytes already processed by this version; --all forces them.
		if err := st.ClearExtractorVersion(ctx, id); err != nil {
			return nil, nil, err
		}
	}
	pageSHA := d.SHA256
	if len(parts) > 0 {
		pageSHA = parts[0].SHA256
	}
	ct, err := st.FetchContentType(ctx, pageSHA)
	if err != nil {
		return nil, nil, err
	}
	if _, err := pipeline.Process(ctx, st, pipeline.Input{Data: data, Name: nameFor(src, d.MediaType),
		Source: d.Source, ContentType: ct, SeenAt: d.FirstSeen, Parts: pparts}); err != nil {
		return nil, nil, err
	}
	after, has, err := st.ReportOfDocument(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case !had && !has:
		return nil, nil, nil
	case had && !has:
		return &Change{ReportID: before.ID, DocumentID: id, Agency: before.Agency, Year: before.Year, KeysChanged: len(old), What: "no longer a report"}, nil, nil
	}
	cur, err := st.ReportCells(ctx, after.ID)
	if err != nil {
		return nil, nil, err
	}
	if !had {
		return &Change{ReportID: after.ID, DocumentID: id, Agency: after.Agency, Year: after.Year, KeysChanged: len(cur), What: "new report"}, nil, nil
	}
	n := diffCells(old, cur)
	if n == 0 {
		return nil, nil, st.DeleteCellsHistory(ctx, before.ID, at)
	}
	return &Change{ReportID: after.ID, DocumentID: id, Agency: after.Agency, Year: after.Year, KeysChanged: n, What: "changed"}, nil, nil
}

// diffCells counts the keys present in one map only or with different content.
func diffCells(a, b map[string]store.CellValue) int {
	n := 0
	for k, x := range a {
		if y, ok := b[k]; !ok || !x.Equal(y) {
			n++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			n++
		}
	}
	return n
}

// documentBytes finds a document's bytes: the archive first, then every file-path source whose
// content still has the document's SHA-256. It returns nil data and the reason when none has.
func documentBytes(ctx context.Context, st *store.Store, archive *fetch.Archive, d store.Document) (data []byte, src, why string, err error) {
	sources, err := st.DocumentSources(ctx, d.ID)
	if err != nil {
		return nil, "", "", err
	}
	if len(sources) == 0 {
		sources = []string{d.Source}
	}
	if b, aerr := archive.Get(d.SHA256); aerr == nil && sumHex(b) == d.SHA256 {
		return b, sources[0], "", nil
	}
	var reasons []string
	for _, s := range sources {
		if strings.Contains(s, "://") {
			continue
		}
		b, rerr := os.ReadFile(s)
		switch {
		case rerr != nil:
			reasons = append(reasons, rerr.Error())
		case sumHex(b) != d.SHA256:
			reasons = append(reasons, s+": content changed since import")
		default:
			return b, s, "", nil
		}
	}
	if len(reasons) == 0 {
		return nil, "", "not in the archive " + archive.Dir, nil
	}
	return nil, "", "not in the archive; " + strings.Join(reasons, "; "), nil
}

// assembledBytes finds the bytes of a page read with its pictures (parts[0] is the page) in
// the archive. It returns nil data and the reason when one of them is gone.
func assembledBytes(ctx context.Context, st *store.Store, archive *fetch.Archive, parts []store.DocumentPart) (page []byte, pics []pipeline.Part, why string, err error) {
	for _, p := range parts {
		if p.SHA256 == "" {
			pics = append(pics, pipeline.Part{URL: p.URL, Err: p.Error})
			continue
		}
		b, aerr := archive.Get(p.SHA256)
		if (aerr != nil || sumHex(b) != p.SHA256) && !strings.Contains(p.URL, "://") {
			// An imported page: its parts are files, read again when unchanged.
			b, aerr = os.ReadFile(p.URL)
		}
		if aerr != nil || sumHex(b) != p.SHA256 {
			return nil, nil, fmt.Sprintf("part %d (%s) not in the archive %s, nor unchanged on disk", p.Seq, p.URL, archive.Dir), nil
		}
		if p.Seq == 0 {
			page = b
			continue
		}
		ct, err := st.FetchContentType(ctx, p.SHA256)
		if err != nil {
			return nil, nil, "", err
		}
		pics = append(pics, pipeline.Part{URL: p.URL, Data: b, ContentType: ct})
	}
	if page == nil {
		return nil, nil, "the assembled document lists no page", nil
	}
	return page, pics, "", nil
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// nameFor returns a file name for media-type sniffing: the source's base name, with the
// extension of the stored media type when it has none.
func nameFor(src, mediaType string) string {
	name := src
	if u, err := url.Parse(src); err == nil && u.Scheme != "" && u.Host != "" {
		name = path.Base(u.Path)
	} else {
		name = filepath.Base(src)
	}
	if path.Ext(name) == "" && mediaType != "" {
		if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
			name += exts[0]
		}
	}
	return name
}
