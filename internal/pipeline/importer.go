package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ogireports/ogireports/internal/extract"
	"github.com/ogireports/ogireports/internal/store"
)

// Summary counts the outcome of an import. Every file falls in exactly one of Reports,
// NotReports, Failed, Unchanged and Pictures, so Files is their sum.
type Summary struct {
	// Files is the number of regular files found.
	Files int
	// Reports is the number of files processed into a report in this run.
	Reports int
	// Cells and ChecksFailed sum the cells and failed identity checks of those reports.
	Cells, ChecksFailed int
	// Failed counts files recorded as failed, plus files that could not be read.
	Failed int
	// NotReports counts files recorded as not being reports.
	NotReports int
	// Unchanged counts files whose bytes were already processed by this extractor version
	// (including a second copy of the same bytes in this run): only their path was recorded.
	Unchanged int
	// Unreadable counts files that could not be read (included in Failed; not in the store).
	Unreadable int
	// Pictures counts image files read as the pictures of an imported HTML page (a page saved
	// with its images, "page_files/…"), not on their own.
	Pictures int
}

// String renders the summary line printed by `crawl import`.
func (s Summary) String() string {
	line := fmt.Sprintf("import: files %d, reports %d, cells %d, checks failed %d, files failed %d, not reports %d, unchanged %d",
		s.Files, s.Reports, s.Cells, s.ChecksFailed, s.Failed, s.NotReports, s.Unchanged)
	if s.Pictures > 0 {
		line += fmt.Sprintf(", pictures of pages %d", s.Pictures)
	}
	return line
}

// Import processes every regular file under paths (files, or folders walked recursively,
// skipping hidden folders such as .git) through Process, with the file's absolute path as its
// source. It logs one line per failed or not-report file with its reason. A file that cannot
// be read is logged and counted in Failed and Unreadable, and the import goes on. The error is
// non-nil for a store failure or a cancelled ctx (fatal: the import stops), or when a path
// argument cannot be walked; the summary then counts what was done until then. Logs go to log
// (slog.Default() when nil).
func Import(ctx context.Context, st *store.Store, paths []string, log *slog.Logger) (Summary, error) {
	if log == nil {
		log = slog.Default()
	}
	var sum Summary
	var files []string
	for _, root := range paths {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == root {
					return err
				}
				log.Error("import: cannot read", "path", path, "err", err)
				sum.Files++
				sum.Failed++
				sum.Unreadable++
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				// A symbolic link is followed when it names a regular file.
				fi, err := os.Stat(path)
				if err != nil || !fi.Mode().IsRegular() {
					log.Debug("import: skipping non-regular file", "path", path)
					return nil
				}
			}
			files = append(files, path)
			return ctx.Err()
		})
		if err != nil {
			return sum, fmt.Errorf("import %s: %w", root, err)
		}
	}
	// A page saved with its images: the pictures the page shows are read with it, not alone.
	pics := map[string][]string{} // page path → its local pictures
	isPic := map[string]bool{}
	for _, path := range files {
		if ps := localPictures(path); len(ps) > 0 {
			pics[path] = ps
			for _, p := range ps {
				isPic[p] = true
			}
		}
	}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return sum, fmt.Errorf("import: %w", err)
		}
		if abs, err := filepath.Abs(path); err == nil && isPic[abs] && len(pics[path]) == 0 {
			sum.Files++
			sum.Pictures++
			continue
		}
		if err := importFile(ctx, st, path, pics[path], &sum, log); err != nil {
			return sum, fmt.Errorf("import %s: %w", path, err)
		}
	}
	return sum, afterBatch(ctx, st, log)
}

// pageExts are the file extensions of saved web pages whose pictures Import looks for.
var pageExts = map[string]bool{".html": true, ".htm": true, ".shtml": true, ".xhtml": true}

// pictureExts are the file extensions of pictures a saved page may show.
var pictureExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".tif": true, ".tiff": true, ".webp": true}

// localPictures returns the absolute paths of the local image files an HTML file shows (<img
// src> relative to its folder, as a browser's "save page, complete" writes them), each once, in
// page order; none for other files.
func localPictures(path string) []string {
	if !pageExts[strings.ToLower(filepath.Ext(path))] {
		return nil
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() > MaxFileBytes {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	doc, err := extract.HTML(data, "")
	if err != nil {
		return nil
	}
	dir, _ := filepath.Abs(filepath.Dir(path))
	var out []string
	seen := map[string]bool{}
	for _, im := range doc.Images {
		u, err := url.Parse(im.Src)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(u.Path))
		if seen[p] || !pictureExts[strings.ToLower(filepath.Ext(p))] {
			continue
		}
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		seen[p] = true
		out = append(out, p)
		if len(out) == MaxParts {
			break
		}
	}
	return out
}

func importFile(ctx context.Context, st *store.Store, path string, pictures []string, sum *Summary, log *slog.Logger) error {
	sum.Files++
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	var res Result
	if fi, err := os.Stat(path); err == nil && fi.Size() > MaxFileBytes {
		// Never read a huge file into memory: hash it as a stream and record the failure.
		res, err = recordTooLarge(ctx, st, path, abs, fi.Size())
		if errors.Is(err, errRead) {
			log.Error("import: cannot read", "path", path, "err", err)
			sum.Failed++
			sum.Unreadable++
			return nil
		}
		if err != nil {
			return err
		}
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			log.Error("import: cannot read", "path", path, "err", err)
			sum.Failed++
			sum.Unreadable++
			return nil
		}
		in := Input{Data: data, Name: path, Source: abs, SeenAt: time.Now()}
		for _, p := range pictures {
			part := Part{URL: p}
			if b, err := os.ReadFile(p); err != nil {
				part.Err = err.Error()
			} else {
				part.Data = b
			}
			in.Parts = append(in.Parts, part)
		}
		res, err = Process(ctx, st, in)
		if err != nil {
			return err
		}
	}
	switch {
	case res.Unchanged:
		sum.Unchanged++
		log.Debug("import: unchanged", "path", path, "status", res.Status)
	case res.Status == store.StatusReport:
		sum.Reports++
		sum.Cells += res.Cells
		sum.ChecksFailed += res.ChecksFailed
		log.Debug("import: report", "path", path, "cells", res.Cells, "checks_failed", res.ChecksFailed)
	case res.Status == store.StatusNotReport:
		sum.NotReports++
		log.Info("import: not a report", "path", path, "reason", res.Reason)
	default:
		sum.Failed++
		log.Warn("import: failed", "path", path, "media_type", res.MediaType, "reason", res.Reason)
	}
	return nil
}

// MaxFileBytes is the largest file Import reads into memory. A larger file is hashed as a
// stream and recorded as failed ("file too large"), never extracted. It is a variable so that
// tests can lower it.
var MaxFileBytes int64 = 512 << 20

var errRead = errors.New("read error")

// recordTooLarge records the file at path as a failed document without loading it.
func recordTooLarge(ctx context.Context, st *store.Store, path, source string, size int64) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", errRead, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s: %w", errRead, path, err)
	}
	id, isNew, err := st.PutDocument(ctx, store.DocumentInput{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
		Source: source, SeenAt: time.Now()})
	if err != nil {
		return Result{}, fmt.Errorf("record %s: %w", path, err)
	}
	reason := fmt.Sprintf("file too large: %d bytes (limit %d)", n, MaxFileBytes)
	// No extractor version: a later run with a higher limit tries again.
	return mark(ctx, st, Result{DocumentID: id, New: isNew}, store.StatusFailed, reason, "", "")
}
