package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ogireports/ogireports/internal/cells"
)

// CodebookHeader are the columns of codebook.csv.
var CodebookHeader = []string{"file", "column", "type", "nullable", "label_zh", "label_en", "unit",
	"layouts", "definition"}

func layoutList(ls []cells.Layout) string {
	seen := map[cells.Layout]bool{}
	var out []string
	for _, l := range ls {
		if !seen[l] {
			seen[l] = true
			out = append(out, string(l))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ";")
}

// writeDocs writes codebook.csv, codebook.md and datapackage.json describing tables and the
// data files written.
func writeDocs(opts Options, tables []*Table, files []File) ([]File, error) {
	var out []File
	n, err := writeCodebookCSV(filepath.Join(opts.Dir, "codebook.csv"), tables, opts.Excel)
	if err != nil {
		return nil, err
	}
	out = append(out, File{Path: filepath.Join(opts.Dir, "codebook.csv"), Rows: n})
	if err := writeText(filepath.Join(opts.Dir, "codebook.md"), codebookMD(tables, opts)); err != nil {
		return nil, err
	}
	out = append(out, File{Path: filepath.Join(opts.Dir, "codebook.md")})
	dp, err := DataPackage(opts, tables, files)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode datapackage.json: %w", err)
	}
	if err := writeText(filepath.Join(opts.Dir, "datapackage.json"), string(b)+"\n"); err != nil {
		return nil, err
	}
	return append(out, File{Path: filepath.Join(opts.Dir, "datapackage.json")}), nil
}

func writeText(path, s string) error {
	af, err := createAtomic(path)
	if err != nil {
		return err
	}
	if _, err := af.f.WriteString(s); err != nil {
		af.abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return af.commit()
}

func writeCodebookCSV(path string, tables []*Table, bom bool) (int64, error) {
	af, err := createAtomic(path)
	if err != nil {
		return 0, err
	}
	buf := bufio.NewWriter(af.f)
	if bom {
		buf.WriteString("\uFEFF")
	}
	w := csv.NewWriter(buf)
	w.Write(CodebookHeader)
	var n int64
	for _, t := range tables {
		for _, c := range t.Columns {
			w.Write([]string{t.Name, c.Name, c.Type.String(), fmt.Sprint(c.Nullable), Neutralise(c.LabelZH),
				Neutralise(c.LabelEN), c.Unit, layoutList(c.Layouts), Neutralise(c.Definition)})
			n++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		af.abort()
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := buf.Flush(); err != nil {
		af.abort()
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, af.commit()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func codebookMD(tables []*Table, opts Options) string {
	var b strings.Builder
	b.WriteString("# Codebook of the ogireports export\n\n")
	b.WriteString("Every column of every file. Blank (empty in CSV, NULL in Parquet) means the report left the cell " +
		"blank or the value is unknown; 0 is a printed 0. Cell keys follow cells.md " +
		"(`t3.new_received.total`); panel columns replace the dots by underscores. t2 keys are " +
		"layout-specific: gov2019 and gov2021 table 二 columns that differ are separate columns, never one series " +
		"(t2.fees is fee items in gov2019 and money in gov2021). In CSV, text that begins with = + - @ " +
		"(other than a plain signed number) is prefixed with ' against formula injection.\n\n")
	if opts.PartitionYear {
		b.WriteString("Parquet tables are hive-partitioned folders `<table>/year=<Y>/part-0.parquet` " +
			"(`year=" + HiveNull + "` for unknown years); the year column is in the folder name.\n\n")
	}
	for _, t := range tables {
		fmt.Fprintf(&b, "## %s\n\n%s Primary key: `%s`.\n\n", t.Name, t.Definition, strings.Join(t.PrimaryKey, "`, `"))
		b.WriteString("| column | type | 中文 | English | unit | layouts | definition |\n|---|---|---|---|---|---|---|\n")
		for _, c := range t.Columns {
			typ := c.Type.String()
			if c.Nullable {
				typ += "?"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", c.Name, typ, mdEscape(c.LabelZH),
				mdEscape(c.LabelEN), c.Unit, layoutList(c.Layouts), mdEscape(c.Definition))
		}
		b.WriteString("\n")
	}
	b.WriteString("`type?` marks a column that can be blank.\n")
	return b.String()
}

// Field is a Frictionless table-schema field.
type Field struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Constraints *FieldConstraints `json:"constraints,omitempty"`
}

// FieldConstraints are the Frictionless field constraints used here.
type FieldConstraints struct {
	Required bool `json:"required,omitempty"`
}

// ForeignKey is a Frictionless foreign key.
type ForeignKey struct {
	Fields    []string `json:"fields"`
	Reference struct {
		Resource string   `json:"resource"`
		Fields   []string `json:"fields"`
	} `json:"reference"`
}

// Schema is a Frictionless table schema.
type Schema struct {
	Fields        []Field      `json:"fields"`
	PrimaryKey    []string     `json:"primaryKey,omitempty"`
	ForeignKeys   []ForeignKey `json:"foreignKeys,omitempty"`
	MissingValues []string     `json:"missingValues"`
}

// Resource is a Frictionless data resource. Path is a string or, for a partitioned Parquet
// table, a list of paths.
type Resource struct {
	Name        string  `json:"name"`
	Path        any     `json:"path"`
	Profile     string  `json:"profile"`
	Title       string  `json:"title,omitempty"`
	Description string  `json:"description,omitempty"`
	Format      string  `json:"format"`
	MediaType   string  `json:"mediatype"`
	Encoding    string  `json:"encoding,omitempty"`
	Schema      *Schema `json:"schema"`
}

// Package is a Frictionless tabular data package.
type Package struct {
	Profile     string     `json:"profile"`
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Resources   []Resource `json:"resources"`
}

// neverEmpty are the non-nullable text columns that always hold a value.
var neverEmpty = map[string]bool{"table": true, "row": true, "col": true, "key": true,
	"document_sha256": true, "identity": true, "status": true}

func schemaOf(t *Table, refResource string) *Schema {
	s := &Schema{PrimaryKey: t.PrimaryKey, MissingValues: []string{""}}
	for _, c := range t.Columns {
		f := Field{Name: c.Name, Type: c.Type.Frictionless(), Title: c.LabelEN + " / " + c.LabelZH, Description: c.Definition}
		// With missingValues [""] an empty text reads as missing: only text columns that are
		// never empty can be required.
		if !c.Nullable && (c.Type != String || neverEmpty[c.Name]) {
			f.Constraints = &FieldConstraints{Required: true}
		}
		s.Fields = append(s.Fields, f)
	}
	for _, k := range t.ForeignKeys {
		if refResource == "" {
			break
		}
		var fk ForeignKey
		fk.Fields = []string{k}
		fk.Reference.Resource = refResource
		fk.Reference.Fields = []string{"report_id"}
		s.ForeignKeys = append(s.ForeignKeys, fk)
	}
	return s
}

// DataPackage describes the written files as a Frictionless tabular data package: one
// resource per CSV file, and one per Parquet table (format parquet; a list of part files when
// partitioned). Paths are relative to opts.Dir.
func DataPackage(opts Options, tables []*Table, files []File) (*Package, error) {
	p := &Package{Profile: "tabular-data-package", Name: "ogireports",
		Title: "ogireports: statistics of China's annual government information disclosure reports",
		Description: "Tables 二, 三 and 四 of 政府信息公开工作年度报告 as cells (long), reports, panel (wide) and " +
			"identity checks. See codebook.md."}
	byTable := map[string][]string{}
	for _, f := range files {
		rel, err := filepath.Rel(opts.Dir, f.Path)
		if err != nil {
			return nil, fmt.Errorf("datapackage: %w", err)
		}
		byTable[f.Table] = append(byTable[f.Table], filepath.ToSlash(rel))
	}
	for _, format := range []string{"csv", "parquet"} {
		if (format == "csv" && !opts.CSV) || (format == "parquet" && !opts.Parquet) {
			continue
		}
		for _, t := range tables {
			var paths []string
			for _, path := range byTable[t.Name] {
				if strings.HasSuffix(path, "."+format) {
					paths = append(paths, path)
				}
			}
			name, ref := t.Name, "reports"
			if format == "parquet" {
				name, ref = t.Name+"-parquet", "reports-parquet"
			}
			tt := t
			r := Resource{Name: name, Profile: "tabular-data-resource", Title: t.Title, Description: t.Definition,
				Format: format}
			switch {
			case format == "csv":
				r.Path, r.MediaType, r.Encoding = paths[0], "text/csv", "utf-8"
			case opts.PartitionYear:
				tt = t.without("year")
				r.Path, r.MediaType = paths, "application/vnd.apache.parquet"
				r.Description += " Hive-partitioned by year: year is in the folder names (year=<Y>), not in the files."
				if len(paths) == 0 {
					continue // no rows, no part files
				}
			default:
				r.Path, r.MediaType = paths[0], "application/vnd.apache.parquet"
			}
			if t.Name == "reports" {
				ref = ""
			}
			r.Schema = schemaOf(tt, ref)
			p.Resources = append(p.Resources, r)
		}
	}
	return p, nil
}
