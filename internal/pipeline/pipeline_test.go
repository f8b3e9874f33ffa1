package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/normalize"
	"github.com/ogireports/ogireports/internal/reportgen"
	"github.com/ogireports/ogireports/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// junk is binary data with no known signature.
var junk = []byte{0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x9c, 0x10, 0x00, 0x80, 0x81, 0x00, 0x00, 0x07, 0x1b}

// storedCells returns the stored cells of report id by key.
func storedCells(t *testing.T, st *store.Store, reportID int64) map[string]store.CellRow {
	t.Helper()
	out := map[string]store.CellRow{}
	err := st.EachCell(context.Background(), func(c store.CellRow) error {
		if c.ReportID == reportID {
			out[c.Key] = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func show(p *float64) string {
	if p == nil {
		return "blank"
	}
	return fmt.Sprint(*p)
}

func TestExtract(t *testing.T) {
	v := reportgen.Variants(1)[0]
	tests := []struct {
		name      string
		data      []byte
		file      string
		wantMedia string
		wantErr   string
		wantIs    error
	}{
		{"empty", nil, "a.html", "", "empty file", ErrEmptyFile},
		{"junk", junk, "a.bin", extract.MediaBinary, "unsupported media type application/octet-stream", ErrUnsupported},
		{"html", v.HTML(), "a.html", extract.MediaHTML, "", nil},
		{"text", v.FlatText(), "a.txt", extract.MediaText, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, media, err := Extract(tc.data, tc.file, "")
			if media != tc.wantMedia {
				t.Errorf("media %q, want %q", media, tc.wantMedia)
			}
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr || !errors.Is(err, tc.wantIs) || doc != nil {
					t.Fatalf("err = %v (doc %v), want %q", err, doc != nil, tc.wantErr)
				}
				return
			}
			if err != nil || doc == nil || doc.MediaType != tc.wantMedia || len(doc.Blocks) == 0 {
				t.Fatalf("doc %+v err %v", doc, err)
			}
		})
	}
}

// withRegistry runs the test with a private extractor registry.
func withRegistry(t *testing.T) {
	t.Helper()
	registry.Lock()
	saved := registry.m
	registry.m = nil
	registry.Unlock()
	t.Cleanup(func() {
		registry.Lock()
		registry.m = saved
		registry.Unlock()
	})
}

func TestRegisteredExtractor(t *testing.T) {
	withRegistry(t)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	st := openStore(t)
	ctx := context.Background()

	// Unregistered: failed, with no extractor version so that a later run retries.
	res, err := Process(ctx, st, Input{Data: pdf, Name: "r.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != store.StatusFailed || res.Reason != "unsupported media type application/pdf" {
		t.Fatalf("unregistered pdf: %+v", res)
	}

	// Registered: the extractor's document is normalised (here: not a report), and the earlier
	// failure is retried although the bytes are known.
	var called int
	RegisterExtractor(extract.MediaPDF, func(data []byte) (*extract.Document, error) {
		called++
		return &extract.Document{Blocks: []extract.Block{{Kind: extract.TextBlock, Text: "会议通知"}}}, nil
	})
	if got := Registered(); strings.Join(got, " ") != "application/pdf text/html text/plain" {
		t.Errorf("Registered() = %v", got)
	}
	res, err = Process(ctx, st, Input{Data: pdf, Name: "r.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if called != 1 || res.Unchanged || res.New || res.Status != store.StatusNotReport || res.MediaType != extract.MediaPDF {
		t.Fatalf("registered pdf: called %d, %+v", called, res)
	}
	d, _ := st.Document(ctx, res.DocumentID)
	if d.MediaType != extract.MediaPDF || d.ExtractorVersion != normalize.Version {
		t.Errorf("document %+v", d)
	}

	// A panicking extractor fails its document, not the process (its stack goes to the log).
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	RegisterExtractor(extract.MediaPDF, func([]byte) (*extract.Document, error) { panic("boom") })
	res, err = Process(ctx, st, Input{Data: append(pdf, 'x'), Name: "s.pdf"})
	if err != nil || res.Status != store.StatusFailed || !strings.Contains(res.Reason, "boom") {
		t.Fatalf("panicking extractor: %+v %v", res, err)
	}
	// An extractor error is recorded as the reason.
	RegisterExtractor(extract.MediaPDF, func([]byte) (*extract.Document, error) { return nil, errors.New("encrypted") })
	res, err = Process(ctx, st, Input{Data: append(pdf, 'y'), Name: "t.pdf"})
	if err != nil || res.Status != store.StatusFailed || res.Reason != "extract application/pdf: encrypted" {
		t.Fatalf("failing extractor: %+v %v", res, err)
	}
}

func TestProcessReportVariants(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	variants := reportgen.Variants(7)
	if len(variants) == 0 {
		t.Fatal("no variants")
	}
	// Every fourth variant: the pipeline end to end over both layouts, both encodings and a
	// spread of quirks (normalize's own acceptance tests cover every variant).
	for i, v := range variants {
		if i%4 != 0 {
			continue
		}
		for _, form := range []struct {
			ext  string
			data []byte
		}{{".html", v.HTML()}, {".txt", v.FlatText()}} {
			name := v.ID + form.ext
			res, err := Process(ctx, st, Input{Data: form.data, Name: name, Source: "file:///" + name})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if res.Status != store.StatusReport || !res.New || res.ReportID == 0 || res.Cells == 0 {
				t.Errorf("%s: %+v", name, res)
				continue
			}
			got := storedCells(t, st, res.ReportID)
			if len(got) != res.Cells {
				t.Errorf("%s: %d stored cells, result says %d", name, len(got), res.Cells)
			}
			var wrong []string
			for key, want := range v.Truth {
				c, ok := got[key]
				switch {
				case !ok:
					wrong = append(wrong, key+" missing")
				case (c.Value == nil) != (want == nil) || (want != nil && *c.Value != *want):
					wrong = append(wrong, fmt.Sprintf("%s=%s want %s", key, show(c.Value), show(want)))
				}
			}
			if len(wrong) > 0 {
				t.Errorf("%s: %d of %d truth cells wrong, e.g. %v", name, len(wrong), len(v.Truth), wrong[:min(3, len(wrong))])
			}
		}
	}
}

func TestProcessOutcomes(t *testing.T) {
	v := reportgen.Variants(3)[0]
	good := v.HTML()
	nonReports := reportgen.NonReports(3)
	if len(nonReports) == 0 {
		t.Fatal("no non-reports")
	}
	tests := []struct {
		name       string
		data       []byte
		file       string
		wantStatus []string // any of
		wantReason string   // substring
	}{
		{"report", good, "r.html", []string{store.StatusReport}, ""},
		{"empty", []byte{}, "e.html", []string{store.StatusFailed}, "empty file"},
		{"junk", junk, "j.dat", []string{store.StatusFailed}, "unsupported media type application/octet-stream"},
		{"truncated html", good[:len(good)/2], "t.html", []string{store.StatusReport, store.StatusNotReport}, ""},
		{"plain page", []byte("<html><head><title>通知</title></head><body><p>关于召开会议的通知</p></body></html>"), "n.html",
			[]string{store.StatusNotReport}, normalize.ErrNotReport.Error()},
	}
	for _, nr := range nonReports {
		tests = append(tests, struct {
			name       string
			data       []byte
			file       string
			wantStatus []string
			wantReason string
		}{"nonreport " + nr.ID, nr.HTML, nr.ID + ".html", []string{store.StatusNotReport}, normalize.ErrNotReport.Error()})
	}
	st := openStore(t)
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Process(ctx, st, Input{Data: tc.data, Name: tc.file, SeenAt: time.Now()})
			if err != nil {
				t.Fatalf("bad input is not fatal, got %v", err)
			}
			ok := false
			for _, s := range tc.wantStatus {
				ok = ok || res.Status == s
			}
			if !ok || !strings.Contains(res.Reason, tc.wantReason) {
				t.Fatalf("status %q reason %q, want %v with %q", res.Status, res.Reason, tc.wantStatus, tc.wantReason)
			}
			d, err := st.Document(ctx, res.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != res.Status || d.Reason != res.Reason || d.Size != int64(len(tc.data)) || d.Source != tc.file {
				t.Errorf("stored %+v, result %+v", d, res)
			}
			if res.Status == store.StatusReport && d.Reason != "" {
				t.Errorf("report with reason %q", d.Reason)
			}
		})
	}
}

func TestProcessSameBytesTwice(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	data := reportgen.Variants(5)[1].HTML()
	first, err := Process(ctx, st, Input{Data: data, Name: "a/r.html"})
	if err != nil || first.Status != store.StatusReport {
		t.Fatalf("first: %+v %v", first, err)
	}
	before, _ := st.Counts(ctx)
	cellsBefore := storedCells(t, st, first.ReportID)

	for _, src := range []string{"a/r.html", "b/copy.html"} {
		res, err := Process(ctx, st, Input{Data: data, Name: src})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Unchanged || res.New || res.DocumentID != first.DocumentID || res.Status != store.StatusReport {
			t.Errorf("%s again: %+v", src, res)
		}
	}
	after, _ := st.Counts(ctx)
	before.Sources++ // b/copy.html is a new sighting; nothing else changes
	if after != before {
		t.Errorf("counts %+v, want %+v", after, before)
	}
	if got := storedCells(t, st, first.ReportID); len(got) != len(cellsBefore) {
		t.Errorf("cells changed: %d → %d", len(cellsBefore), len(got))
	}
	srcs, _ := st.DocumentSources(ctx, first.DocumentID)
	if strings.Join(srcs, " ") != "a/r.html b/copy.html" {
		t.Errorf("sources %v", srcs)
	}

	// A document processed by another extractor version is processed again and its report
	// replaced in place (same report id).
	if err := st.MarkDocument(ctx, first.DocumentID, store.StatusReport, "", "utf-8", "0.0.0-old"); err != nil {
		t.Fatal(err)
	}
	res, err := Process(ctx, st, Input{Data: data, Name: "a/r.html"})
	if err != nil || res.Unchanged || res.Status != store.StatusReport || res.ReportID != first.ReportID {
		t.Fatalf("after version change: %+v %v", res, err)
	}
	if c, _ := st.Counts(ctx); c.Reports != 1 || c.Cells != before.Cells {
		t.Errorf("after reprocessing: %+v", c)
	}
	if d, _ := st.Document(ctx, first.DocumentID); d.ExtractorVersion != normalize.Version {
		t.Errorf("extractor version after reprocessing: %q", d.ExtractorVersion)
	}
}

func TestProcessStoreErrorIsFatal(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Process(context.Background(), st, Input{Data: []byte("x"), Name: "x.txt"}); err == nil {
		t.Fatal("Process on a closed store returned no error")
	}
}
