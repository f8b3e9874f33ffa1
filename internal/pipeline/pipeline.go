// Package pipeline owns the one call from a document's bytes (with its file name or URL) to a
// stored outcome: hashing, recording the sighting, media-type sniffing, extraction (HTML and
// text here, other formats through RegisterExtractor), normalisation and storage. `crawl
// import`, the crawler and `crawl reextract` all go through it, so a document is handled the
// same way whichever way it arrived.
//
// Bad input is never an error of Process: an empty file, an unsupported format, a page that is
// not a report or an extractor failure is recorded in the store with its status and reason.
// Only a store failure (database unwritable, disk full) is returned as an error, and it is
// fatal for the caller.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/store"
)

// Input is one document to process.
type Input struct {
	// Data are the document's bytes.
	Data []byte
	// Name is a file name or URL path, used for media-type sniffing by extension.
	Name string
	// Source is where the bytes were seen (URL or file path); Name if empty.
	Source string
	// ContentType is the HTTP Content-Type header, if any (it may declare the charset).
	ContentType string
	// SeenAt is when the bytes were seen; now if zero.
	SeenAt time.Time
	// Parts are the pictures of an HTML page (Data), fetched on their own, for a page whose
	// tables are printed as images. With Parts, the document is the page read with them: its
	// SHA-256 is that of the assembly (see store.DocumentPart), the tables are read from the
	// pictures by OCR and spliced in where each picture sits.
	Parts []Part
}

// Result is the outcome of Process for one input.
type Result struct {
	// DocumentID and ReportID are the store ids (ReportID 0 unless Status is report and the
	// document was processed in this call).
	DocumentID, ReportID int64
	// Status is store.StatusReport, store.StatusNotReport or store.StatusFailed.
	Status string
	// Reason says why a document is not a report or failed.
	Reason string
	// New is true when these bytes were never seen before.
	New bool
	// Unchanged is true when the bytes were already processed by this extractor version:
	// only the source was recorded, and Status and Reason are the stored ones.
	Unchanged bool
	// Cells and ChecksFailed count the report's stored cells and failed identity checks.
	Cells, ChecksFailed int
	// MediaType is the sniffed media type.
	MediaType string
}

// Process hashes in.Data, records the sighting, and unless the same bytes were already
// processed by this extractor version (normalize.Version), extracts, normalises and stores
// the outcome. The returned error is non-nil only for store failures.
func Process(ctx context.Context, st *store.Store, in Input) (Result, error) {
	if in.Source == "" {
		in.Source = in.Name
	}
	sum := sha256.Sum256(in.Data)
	media := ""
	if len(in.Data) > 0 {
		media = extract.Sniff(in.Data, in.Name)
	}
	if len(in.Parts) > MaxParts {
		in.Parts = in.Parts[:MaxParts]
	}
	digest, size := hex.EncodeToString(sum[:]), int64(len(in.Data))
	var parts []store.DocumentPart
	if len(in.Parts) > 0 {
		digest, parts = assembly(in, digest, media)
		for _, p := range parts[1:] {
			size += p.Size
		}
	}
	id, isNew, err := st.PutDocument(ctx, store.DocumentInput{
		SHA256: digest, Size: size, MediaType: media,
		Source: in.Source, SeenAt: in.SeenAt, Parts: parts,
	})
	if err != nil {
		return Result{}, fmt.Errorf("process %s: %w", in.Source, err)
	}
	res := Result{DocumentID: id, New: isNew, MediaType: media}
	if !isNew {
		d, err := st.Document(ctx, id)
		if err != nil {
			return res, fmt.Errorf("process %s: %w", in.Source, err)
		}
		if d.Status != "" && d.ExtractorVersion == normalize.Version {
			res.Status, res.Reason, res.Unchanged = d.Status, d.Reason, true
			if d.MediaType != "" {
				res.MediaType = d.MediaType
			}
			return res, nil
		}
	}

	doc, media, err := safeExtract(in)
	if media != "" {
		res.MediaType = media
	}
	if err != nil {
		// An unsupported format records no extractor version, so that any later run (which
		// may have an extractor for it registered) tries the document again.
		version := normalize.Version
		if errors.Is(err, ErrUnsupported) {
			version = ""
		}
		return mark(ctx, st, res, store.StatusFailed, err.Error(), "", version)
	}
	var partFlags []string
	if len(in.Parts) > 0 {
		doc, partFlags = safeWithPictures(doc, in)
	}
	rep, err := safeNormalize(doc)
	switch {
	case errors.Is(err, normalize.ErrNotReport) && partsReason(partFlags, len(in.Parts)) != "":
		return mark(ctx, st, res, store.StatusFailed, partsReason(partFlags, len(in.Parts)), doc.Encoding, normalize.Version)
	case errors.Is(err, normalize.ErrNotReport):
		return mark(ctx, st, res, store.StatusNotReport, err.Error(), doc.Encoding, normalize.Version)
	case err != nil:
		return mark(ctx, st, res, store.StatusFailed, err.Error(), doc.Encoding, normalize.Version)
	case rep == nil:
		return mark(ctx, st, res, store.StatusFailed, "normalize returned no report", doc.Encoding, normalize.Version)
	}
	if rep.ExtractorVersion == "" {
		rep.ExtractorVersion = normalize.Version
	}
	for _, f := range partFlags {
		rep.Flags = addFlag(rep.Flags, f)
	}
	rid, err := saveReport(ctx, st, id, rep, doc)
	if err != nil {
		return res, fmt.Errorf("process %s: %w", in.Source, err)
	}
	if err := st.MarkDocument(ctx, id, store.StatusReport, "", doc.Encoding, rep.ExtractorVersion); err != nil {
		return res, fmt.Errorf("process %s: %w", in.Source, err)
	}
	res.Status, res.ReportID = store.StatusReport, rid
	res.Cells, res.ChecksFailed = len(rep.Cells), rep.ChecksFailed()
	return res, nil
}

func mark(ctx context.Context, st *store.Store, res Result, status, reason, encoding, version string) (Result, error) {
	if err := st.MarkDocument(ctx, res.DocumentID, status, reason, encoding, version); err != nil {
		return res, fmt.Errorf("record outcome of document %d: %w", res.DocumentID, err)
	}
	res.Status, res.Reason = status, reason
	return res, nil
}

// safeExtract runs Extract, turning a panic of an extractor on hostile input into a failure
// of that one document.
func safeExtract(in Input) (doc *extract.Document, media string, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("pipeline: extractor panic", "source", in.Source, "panic", p, "stack", string(debug.Stack()))
			doc, err = nil, fmt.Errorf("extract: internal error: %v", p)
		}
	}()
	return Extract(in.Data, in.Name, in.ContentType)
}

// safeWithPictures runs withPictures, turning a panic of a picture's extractor into the
// picture_missing flag (the page is then read without its pictures).
func safeWithPictures(doc *extract.Document, in Input) (out *extract.Document, flags []string) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("pipeline: picture extractor panic", "source", in.Source, "panic", p, "stack", string(debug.Stack()))
			out, flags = doc, []string{FlagPictureMissing}
		}
	}()
	return withPictures(doc, in)
}

// safeNormalize runs normalize.Normalize, turning a panic into a failure of that document.
func safeNormalize(doc *extract.Document) (rep *normalize.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("pipeline: normalize panic", "panic", p, "stack", string(debug.Stack()))
			rep, err = nil, fmt.Errorf("normalize: internal error: %v", p)
		}
	}()
	return normalize.Normalize(doc)
}
