package normalize

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"

	"github.com/ogireports/ogireports/internal/cells"
	"github.com/ogireports/ogireports/internal/extract"
)

// Report-level flags set by Normalize.
const (
	ReportFlagT2Missing    = "t2_missing"
	ReportFlagT3Missing    = "t3_missing"
	ReportFlagT4Missing    = "t4_missing"
	ReportFlagFlattened    = "flattened_text"
	ReportFlagRealigned    = "realigned"
	ReportFlagSubtotalDrop = "subtotal_dropped"
	ReportFlagChecksFailed = "checks_failed"
	// ReportFlagNoValues marks a report whose tables were found but carry no number at all.
	ReportFlagNoValues = "no_values"
)

// Check ids of the subtotal checks Normalize adds to those of cells.md.
const (
	// CheckIDT3Subtotal checks a printed 小计 column against the sum of the five columns under
	// 法人或其他组织, per row (Column is the row key).
	CheckIDT3Subtotal = "t3.subtotal"
	// CheckIDT3GroupSubtotal checks a subtotal row of （三）–（六） against its sub-rows, per column
	// (Column is "gN.col").
	CheckIDT3GroupSubtotal = "t3.group_subtotal"
)

const (
	hintLookbackTextBlocks  = 6
	minRealignPassingChecks = 1
)

// Normalize turns an extracted document into the canonical cells of cells.md. It reads the
// metadata (ReadMeta), finds tables 二, 三 and 四 among the document's grids by their labels (with
// the section headings before them as a hint), falls back to grids rebuilt from flattened text
// (TablesFromText) when the grids hold no table 三, detects each table's layout, reads every cell,
// runs the identity checks and, where the straightforward alignment fails them and a geometric
// alternative passes, takes the alternative. A document with neither table 三 nor 四 is not a
// report: Normalize returns an error wrapping ErrNotReport.
func Normalize(doc *extract.Document) (*Report, error) {
	if doc == nil {
		return nil, fmt.Errorf("normalize: nil document: %w", ErrNotReport)
	}
	meta := ReadMeta(doc)
	rep := &Report{
		Title: meta.Title, Agency: meta.Agency, AgencySource: meta.AgencySource,
		Year: meta.Year, YearSource: meta.YearSource, Published: meta.Published,
		SiteIDCode: meta.SiteIDCode, Layouts: map[cells.Table]cells.Layout{},
		ExtractorVersion: Version,
	}
	found := findTables(gridPieces(doc))
	if found.t3 == nil {
		if tabs := TablesFromText(doc); len(tabs) > 0 {
			var ps []*piece
			for _, t := range tabs {
				if t != nil && len(t.Rows) > 0 {
					ps = append(ps, splitPieces(t, "", true)...)
				}
			}
			txt := findTables(ps)
			if txt.t3 != nil {
				found.t3 = txt.t3
				rep.Flags = append(rep.Flags, ReportFlagFlattened)
			}
			if found.t4 == nil && txt.t4 != nil {
				found.t4 = txt.t4
			}
			if found.t2 == nil && txt.t2 != nil {
				found.t2 = txt.t2
			}
			found.notes = append(found.notes, txt.notes...)
		}
	}
	rep.Notes = append(rep.Notes, found.notes...)
	if found.t3 == nil && found.t4 == nil {
		reason := meta.NotReportReason
		if reason == "" {
			reason = "no table 三 or 四 found"
		}
		return nil, fmt.Errorf("normalize %q: %s: %w", meta.Title, reason, ErrNotReport)
	}
	if meta.NotReportReason != "" {
		rep.Notes = append(rep.Notes, "title suggests not a report ("+meta.NotReportReason+") but tables were found")
	}

	t4Layout := cells.Gov2021
	if found.t3 != nil {
		l := found.t3.layout()
		t4Layout = l
		rep.Layouts[cells.T3] = l
		rep.addT3(found.t3, l)
	} else {
		rep.Flags = append(rep.Flags, ReportFlagT3Missing)
	}
	if found.t4 != nil {
		rep.Layouts[cells.T4] = t4Layout
		rep.addT4(found.t4, t4Layout)
	} else {
		rep.Flags = append(rep.Flags, ReportFlagT4Missing)
	}
	if found.t2 != nil {
		rep.Layouts[cells.T2] = found.t2.layout
		spec, _ := cells.SpecFor(cells.T2, found.t2.layout)
		rep.addCells(spec, found.t2.raw, found.t2.units, found.t2.fromText, nil)
		rep.Notes = append(rep.Notes, found.t2.notes...)
	} else {
		rep.Flags = append(rep.Flags, ReportFlagT2Missing)
	}
	if !rep.hasValues() {
		// An empty form: the format notices that publish the blank tables, or a template.
		if meta.NotReportReason != "" {
			return nil, fmt.Errorf("normalize %q: %s, and its tables are an empty form: %w",
				meta.Title, meta.NotReportReason, ErrNotReport)
		}
		rep.Flags = append(rep.Flags, ReportFlagNoValues)
	}
	if rep.ChecksFailed() > 0 {
		rep.Flags = append(rep.Flags, ReportFlagChecksFailed)
	}
	slog.Debug("normalized", "title", rep.Title, "layouts", rep.Layouts, "cells", len(rep.Cells),
		"checks_failed", rep.ChecksFailed(), "flags", rep.Flags)
	return rep, nil
}

// gridPieces returns the pieces of every table block, with the section heading of the text
// blocks just before the table as a hint.
func gridPieces(doc *extract.Document) []*piece {
	var out []*piece
	for i, b := range doc.Blocks {
		if b.Kind != extract.TableBlock || b.Table == nil || len(b.Table.Rows) == 0 {
			continue
		}
		var hint cells.Table
		seen := 0
		for k := i - 1; k >= 0 && seen < hintLookbackTextBlocks; k-- {
			if doc.Blocks[k].Kind == extract.TableBlock {
				break
			}
			seen++
			if s := sectionOf(doc.Blocks[k].Text); s != "" {
				hint = s
				break
			}
		}
		out = append(out, splitPieces(b.Table, hint, false)...)
	}
	return out
}

// foundTables are the tables read from a set of pieces.
type foundTables struct {
	t2    *t2Table
	t3    *t3Table
	t4    *t4Table
	notes []string
}

// findTables classifies pieces and reads t2 (all its pieces), t3 (the logical table with the
// most rows: a piece and its continuations) and t4 (the first piece that reads).
func findTables(ps []*piece) foundTables {
	var f foundTables
	classifyPieces(ps)
	var groups [][]*piece
	var t2s []*piece
	prev := cells.Table("")
	for _, p := range ps {
		switch p.class {
		case cells.T3:
			if prev == cells.T3 && len(groups) > 0 && !pieceHasT3Key(p, "new_received") {
				groups[len(groups)-1] = append(groups[len(groups)-1], p)
			} else {
				groups = append(groups, []*piece{p})
			}
		case cells.T2:
			t2s = append(t2s, p)
		case cells.T4:
			if f.t4 == nil {
				t4, err := readT4(p)
				if err != nil {
					f.notes = append(f.notes, err.Error())
				} else {
					f.t4 = t4
					f.notes = append(f.notes, t4.notes...)
				}
			}
		}
		prev = p.class
	}
	for _, g := range groups {
		t3, err := readT3(g)
		if err != nil {
			f.notes = append(f.notes, err.Error())
			continue
		}
		if f.t3 == nil || len(t3.entries) > len(f.t3.entries) {
			f.t3 = t3
		}
	}
	if len(t2s) > 0 {
		t2, err := readT2(t2s)
		if err != nil {
			f.notes = append(f.notes, err.Error())
		} else {
			f.t2 = t2
		}
	}
	return f
}

func pieceHasT3Key(p *piece, key string) bool {
	for _, row := range p.rows {
		for _, t := range distinctTexts(row, 0, len(row)) {
			if isLabelText(t) {
				if k, g := classifyT3Label(t, 0); !g && k == key {
					return true
				}
			}
		}
	}
	return false
}

// addT3 resolves group rows, checks t3, realigns it where a geometric alternative passes, and
// adds its cells.
func (r *Report) addT3(t *t3Table, l cells.Layout) {
	groupChecks := t.groupChecks
	r.Notes = append(r.Notes, t.notes...)
	spec, _ := cells.SpecFor(cells.T3, l)
	orig := t.raw(t.colKeys, nil)
	origChecks := t3Checks(orig, l, t.entries)
	chosen, checks, realigned := orig, origChecks, map[string]bool(nil)
	if suspect(append(append([]cells.Check(nil), origChecks...), groupChecks...), t.unreadNumbers()) {
		var alts []alternative
		layouts := keyLayouts(t.colKeys)
		for _, name := range sortedKeys(layouts) {
			alts = append(alts, alternative{name: name, raw: t.raw(layouts[name], nil), all: true})
		}
		failing := map[int]bool{}
		for _, c := range origChecks {
			if c.ID == cells.IDT3RowTotal && c.Status != cells.Pass {
				for i, e := range t.entries {
					if e.key == c.Column {
						failing[i] = true
					}
				}
			}
		}
		for _, sh := range []int{1, -1} {
			all := map[int]int{}
			for i := range failing {
				all[i] = sh
				alts = append(alts, alternative{name: fmt.Sprintf("row %s shifted %+d column", t.entries[i].key, sh),
					raw: t.raw(t.colKeys, map[int]int{i: sh}), rows: []string{t.entries[i].key}})
			}
			if len(failing) > 1 {
				var rows []string
				for i := range all {
					rows = append(rows, t.entries[i].key)
				}
				alts = append(alts, alternative{name: fmt.Sprintf("failing rows shifted %+d column", sh), raw: t.raw(t.colKeys, all), rows: rows})
			}
		}
		for from := range t.printed {
			for _, d := range []int{1, -1} {
				if d < 0 && from > 0 && t.printed[from-1].key != "" && t.printed[from-1].hasValue {
					// The row above is a data row keeping its numbers: taking them again for the
					// rows below would read one printed row twice, not undo a label row read as
					// data (which holds no numbers).
					continue
				}
				var rows []string
				for _, e := range t.entries {
					if e.seq >= from {
						rows = append(rows, e.key)
					}
				}
				what := "values taken from the row below"
				if d < 0 {
					what = "values taken from the row above (a label row read as data)"
				}
				alts = append(alts, alternative{name: fmt.Sprintf("from printed row %q on, %s", t.printed[from].label, what),
					raw: t.rawRowsShifted(from, d), rows: rows, rowsMoved: true})
			}
		}
		if a, ac := chooseAlternative(origChecks, alts, func(raw map[string]rawCell) []cells.Check { return t3Checks(raw, l, t.entries) }); a != nil {
			chosen, checks = a.raw, ac
			realigned = a.realignedKeys(cells.T3)
			if a.rowsMoved && len(groupChecks) > 0 {
				// The "subtotal" rows held their neighbours' values: their checks meant nothing.
				groupChecks = nil
			}
			r.Notes = append(r.Notes, "t3 realigned: "+a.name+" (the printed alignment failed identity checks; this one passes)")
			r.Flags = append(r.Flags, ReportFlagRealigned)
		}
	}
	if t.subCol {
		r.Flags = append(r.Flags, ReportFlagSubtotalDrop)
		r.Notes = append(r.Notes, "t3: the 小计 column was checked (t3.subtotal) and dropped")
	}
	r.Checks = append(r.Checks, checks...)
	r.Checks = append(r.Checks, groupChecks...)
	if len(groupChecks) > 0 && !t.subCol {
		r.Flags = append(r.Flags, ReportFlagSubtotalDrop)
	}
	r.addCells(spec, chosen, nil, t.fromText, realigned)
}

// addT4 checks t4, realigns it where a geometric alternative passes, and adds its cells.
func (r *Report) addT4(t *t4Table, l cells.Layout) {
	r.Notes = append(r.Notes, t.notes...)
	spec, _ := cells.SpecFor(cells.T4, l)
	origChecks := t4Checks(t.raw)
	chosen, checks, realigned := t.raw, origChecks, map[string]bool(nil)
	if suspect(origChecks, len(t.seqAll) > 15) {
		var alts []alternative
		if len(t.seq) == 15 && t.how != "positional" {
			alts = append(alts, alternative{name: "the 15 values in printed order", raw: seqToT4(t.seq), all: true})
		}
		if t.how == "positional" || len(t.seqAll) >= 15 {
			seq := t.seqAll
			if len(seq) > 15 {
				for o := 1; o+15 <= len(seq); o++ {
					alts = append(alts, alternative{name: fmt.Sprintf("values from printed position %d", o+1), raw: seqToT4(seq[o : o+15]), all: true})
				}
				for p := range seq {
					s := append(append([]rawCell{}, seq[:p]...), seq[p+1:]...)
					alts = append(alts, alternative{name: fmt.Sprintf("value %d skipped as spurious", p+1), raw: seqToT4(s), all: true})
				}
			}
			if seq := t.seq; len(seq) >= 15 {
				alts = append(alts, alternative{name: "values shifted one column left", raw: seqToT4(seq[1:]), all: true})
				alts = append(alts, alternative{name: "values shifted one column right", raw: seqToT4(append([]rawCell{{}}, seq...)), all: true})
			}
		}
		for _, c := range origChecks {
			if c.Status != cells.Fail {
				continue
			}
			for _, sh := range []int{1, -1} {
				raw := map[string]rawCell{}
				for k, v := range t.raw {
					raw[k] = v
				}
				for j, col := range cells.T4Cols {
					delete(raw, cells.Key(cells.T4, c.Column, col.Key))
					if src := j - sh; src >= 0 && src < len(cells.T4Cols) {
						if v, ok := t.raw[cells.Key(cells.T4, c.Column, cells.T4Cols[src].Key)]; ok {
							raw[cells.Key(cells.T4, c.Column, col.Key)] = v
						}
					}
				}
				alts = append(alts, alternative{name: fmt.Sprintf("row %s shifted %+d column", c.Column, sh), raw: raw, rows: []string{c.Column}})
			}
		}
		if a, ac := chooseAlternative(origChecks, alts, t4Checks); a != nil {
			chosen, checks = a.raw, ac
			realigned = a.realignedKeys(cells.T4)
			r.Notes = append(r.Notes, "t4 realigned: "+a.name+" (the printed alignment failed identity checks; this one passes)")
			r.Flags = append(r.Flags, ReportFlagRealigned)
		}
	}
	r.Checks = append(r.Checks, checks...)
	r.addCells(spec, chosen, nil, t.fromText, realigned)
}

// alternative is one plausible geometric reading of a table.
type alternative struct {
	name string
	raw  map[string]rawCell
	all  bool     // the whole table moved
	rows []string // else: the rows that moved
	// rowsMoved is set when values moved between rows (not within a row).
	rowsMoved bool
}

func (a *alternative) realignedKeys(t cells.Table) map[string]bool {
	out := map[string]bool{}
	for k := range a.raw {
		tt, row, _, ok := cells.SplitKey(k)
		if !ok || tt != t {
			continue
		}
		if a.all {
			out[k] = true
			continue
		}
		for _, r := range a.rows {
			if r == row {
				out[k] = true
			}
		}
	}
	return out
}

// suspect reports whether a reading should be compared with its geometric alternatives: some
// check fails, or some check cannot be assessed while printed numbers were left unread (values
// read one column off leave a column blank and push numbers out of the keyed columns). A check
// that cannot be assessed while every printed number was read (a 总计 printed blank) is no
// evidence against the printed alignment: realigning then would move numbers into cells
// printed blank.
func suspect(cs []cells.Check, unread bool) bool {
	for _, c := range cs {
		if c.Status == cells.Fail || (c.Status == cells.NotAssessable && unread) {
			return true
		}
	}
	return false
}

// unreadNumbers reports whether a printed number of a keyed row sits in no keyed column.
func (t *t3Table) unreadNumbers() bool {
	for _, e := range t.entries {
		for j, c := range e.cells {
			if j < len(t.colKeys) && t.colKeys[j] != "" {
				continue
			}
			if v, _ := ParseValue(c.text, false, ""); v != nil {
				return true
			}
		}
	}
	return false
}

// chooseAlternative returns the alternative that fails no check, passes every check the printed
// alignment could assess (so a failing check must pass, not merely become unassessable) and
// more checks than the printed alignment, and among those the one passing most; nil when none
// does. Alternatives
// only move printed cells: a table whose numbers break an identity keeps its printed reading.
func chooseAlternative(orig []cells.Check, alts []alternative, check func(map[string]rawCell) []cells.Check) (*alternative, []cells.Check) {
	op, _ := tally(orig)
	assessable := map[string]bool{}
	for _, c := range orig {
		if c.Status != cells.NotAssessable {
			assessable[c.ID+"/"+c.Column] = true
		}
	}
	var best *alternative
	var bestChecks []cells.Check
	bestPass := -1
	for i := range alts {
		cs := check(alts[i].raw)
		p, f := tally(cs)
		if f > 0 || p <= op || p < minRealignPassingChecks {
			continue
		}
		// Every check the printed reading can assess must pass: a failing check that merely
		// becomes unassessable (a cell moved off the table) is no evidence.
		ok := true
		for _, c := range cs {
			if assessable[c.ID+"/"+c.Column] && c.Status != cells.Pass {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if p > bestPass {
			best, bestChecks, bestPass = &alts[i], cs, p
		}
	}
	return best, bestChecks
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// addCells adds one cell per key of spec: the printed text and its parsed value (nil for blank
// or for a key whose row or column was not found).
func (r *Report) addCells(spec cells.Spec, raw map[string]rawCell, units map[string]string, fromText bool, realigned map[string]bool) {
	for _, k := range spec.Keys() {
		rc, read := raw[k]
		_, _, col, _ := cells.SplitKey(k)
		v, flags := ParseValue(rc.text, cells.IsMoney(col), units[k])
		if !read {
			// The table was found but not this cell's row or column: nothing was read, which
			// is not a printed blank.
			flags = append(flags, FlagNotFound)
		}
		if fromText {
			flags = append(flags, FlagFromText)
		}
		if realigned[k] {
			flags = append(flags, FlagRealigned)
		}
		for _, f := range rc.flags {
			if (f == FlagOCR || f == FlagLowConf) && !slices.Contains(flags, f) {
				flags = append(flags, f)
			}
		}
		r.Cells = append(r.Cells, Cell{Key: k, Value: v, ValueText: rc.text, Flags: flags, Confidence: rc.conf, Page: rc.page})
	}
}

// hasValues reports whether any cell of the report holds a number.
func (r *Report) hasValues() bool {
	for _, c := range r.Cells {
		if c.Value != nil {
			return true
		}
	}
	return false
}

// IsNotReport reports whether err says the document is not an annual OGI report.
func IsNotReport(err error) bool { return errors.Is(err, ErrNotReport) }
