package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/store"
)

// cellsHeader are the columns of cells.csv. key is the full cells.md key; table, row and col
// are its three parts. value is empty for a blank cell, else the number in plain decimal
// (no exponent, no trailing .0). flags are joined with ";". confidence is empty unless the cell
// was read by OCR.
var cellsHeader = []string{"report_id", "source", "agency", "year", "table", "row", "col", "key",
	"value", "value_text", "flags", "confidence", "document_sha256"}

// reportsHeader are the columns of reports.csv. year is empty when unknown, layout_tN empty for
// a table not found, flags joined with ";".
var reportsHeader = []string{"report_id", "source", "agency", "year", "published", "title",
	"layout_t2", "layout_t3", "layout_t4", "checks_failed", "checks_not_assessable", "flags",
	"extractor_version", "document_sha256", "media_type"}

// written is one output file.
type written struct {
	Path string
	Rows int
}

// writeCSV writes dir/cells.csv and dir/reports.csv from st.
func writeCSV(ctx context.Context, st *store.Store, dir string) ([]written, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var out []written
	n, err := writeFile(filepath.Join(dir, "cells.csv"), cellsHeader, func(w *csv.Writer) (int, error) {
		rows := 0
		err := st.EachCell(ctx, func(c store.CellRow) error {
			t, row, col, _ := cells.SplitKey(c.Key)
			rows++
			return w.Write([]string{
				strconv.FormatInt(c.ReportID, 10), c.Source, c.Agency, year(c.Year),
				string(t), row, col, c.Key, number(c.Value), c.ValueText,
				strings.Join(c.Flags, ";"), confidence(c.Confidence), c.DocumentSHA256,
			})
		})
		return rows, err
	})
	if err != nil {
		return out, err
	}
	out = append(out, written{filepath.Join(dir, "cells.csv"), n})
	n, err = writeFile(filepath.Join(dir, "reports.csv"), reportsHeader, func(w *csv.Writer) (int, error) {
		rows := 0
		err := st.EachReport(ctx, func(r store.ReportRow) error {
			rows++
			return w.Write([]string{
				strconv.FormatInt(r.ID, 10), r.Source, r.Agency, year(r.Year), r.Published, r.Title,
				r.LayoutT2, r.LayoutT3, r.LayoutT4, strconv.Itoa(r.ChecksFailed),
				strconv.Itoa(r.ChecksNotAssessable), strings.Join(r.Flags, ";"),
				r.ExtractorVersion, r.DocumentSHA256, r.MediaType,
			})
		})
		return rows, err
	})
	if err != nil {
		return out, err
	}
	return append(out, written{filepath.Join(dir, "reports.csv"), n}), nil
}

// writeFile writes a CSV file to a temporary name beside path, then renames it into place, so
// that a failed export never leaves a truncated file under the final name.
func writeFile(path string, header []string, body func(*csv.Writer) (int, error)) (rows int, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := csv.NewWriter(tmp)
	if err := w.Write(header); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if rows, err = body(w); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return rows, nil
}

// number prints a value without exponent and without a trailing .0; blank (nil) is "".
func number(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func confidence(c float64) string {
	if c == 0 {
		return ""
	}
	return strconv.FormatFloat(c, 'f', -1, 64)
}
