package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// Val is one value of one exported row. Null means blank (empty in CSV, NULL in Parquet);
// otherwise I holds Int64, Int32 and Date (days since 1970-01-01) values, F Double values and S
// String values. A Date also keeps its printed text in S for CSV.
type Val struct {
	Null bool
	I    int64
	F    float64
	S    string
}

// Null is the blank value.
var Null = Val{Null: true}

// Str is a text value. For nullable columns use OptStr.
func Str(s string) Val { return Val{S: s} }

// OptStr is a text value that is blank when s is empty.
func OptStr(s string) Val {
	if s == "" {
		return Null
	}
	return Val{S: s}
}

// BoolVal is a boolean value (I = 1 for true).
func BoolVal(b bool) Val {
	if b {
		return Val{I: 1}
	}
	return Val{}
}

// Int is an integer value.
func Int(i int64) Val { return Val{I: i} }

// OptInt is an integer value that is blank when i is 0 (years, pages: 0 means unknown).
func OptInt(i int64) Val {
	if i == 0 {
		return Null
	}
	return Val{I: i}
}

// Num is a number; nil is blank and 0 is 0.
func Num(p *float64) Val {
	if p == nil {
		return Null
	}
	return Val{F: *p}
}

// DateVal parses YYYY-MM-DD; anything else is blank.
func DateVal(s string) Val {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Null
	}
	return Val{I: t.Unix() / 86400, S: s}
}

// rowWriter writes rows of one table to one destination.
type rowWriter interface {
	write(row []Val) error
	// close completes the file and moves it into place.
	close() error
	// abort removes the partial file.
	abort()
	// files returns the files written (after close), with their row counts.
	files(table string) []File
}

// atomicFile is a file written beside its final name and renamed into place on commit, so a
// failed export never leaves a truncated file under the final name.
type atomicFile struct {
	path string
	f    *os.File
}

func createAtomic(path string) (*atomicFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &atomicFile{path: path, f: f}, nil
}

func (a *atomicFile) commit() error {
	if err := a.f.Chmod(0o644); err != nil {
		a.abort()
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// ---- CSV ----

// csvWriter writes one RFC 4180 CSV file with a header row.
type csvWriter struct {
	t    *Table
	af   *atomicFile
	buf  *bufio.Writer
	w    *csv.Writer
	rec  []string
	rows int64
}

func newCSVWriter(path string, t *Table, bom bool) (*csvWriter, error) {
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(af.f, 1<<16)
	if bom {
		buf.WriteString("\uFEFF")
	}
	c := &csvWriter{t: t, af: af, buf: buf, w: csv.NewWriter(buf), rec: make([]string, len(t.Columns))}
	for i, col := range t.Columns {
		c.rec[i] = col.Name
	}
	if err := c.w.Write(c.rec); err != nil {
		af.abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return c, nil
}

func (c *csvWriter) write(row []Val) error {
	for i, col := range c.t.Columns {
		c.rec[i] = csvField(col.Type, row[i])
	}
	if err := c.w.Write(c.rec); err != nil {
		return fmt.Errorf("write %s: %w", c.af.path, err)
	}
	c.rows++
	return nil
}

// csvField renders one value: blank is empty, numbers in plain decimal (no exponent, no
// trailing .0), dates as YYYY-MM-DD, text neutralised against formula injection.
func csvField(t Type, v Val) string {
	if v.Null {
		return ""
	}
	switch t {
	case Int64, Int32:
		return strconv.FormatInt(v.I, 10)
	case Double:
		return strconv.FormatFloat(v.F, 'f', -1, 64)
	case Date:
		return v.S
	case Bool:
		return strconv.FormatBool(v.I != 0)
	default:
		return Neutralise(v.S)
	}
}

// Neutralise protects a text cell against spreadsheet formula injection: text that begins with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, unless it is a plain signed
// number or a lone sign ("-18", "+1036", "-"), which a spreadsheet reads as a number or text and
// never as a formula, and which must stay as printed.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
	default:
		return s
	}
	if plainNumber(s) {
		return s
	}
	return "'" + s
}

// plainNumber reports whether s is an optional sign followed only by digits, ',' and '.'.
func plainNumber(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' && s[i] != ',' {
			return false
		}
	}
	return true
}

func (c *csvWriter) close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.af.abort()
		return fmt.Errorf("write %s: %w", c.af.path, err)
	}
	if err := c.buf.Flush(); err != nil {
		c.af.abort()
		return fmt.Errorf("write %s: %w", c.af.path, err)
	}
	return c.af.commit()
}

func (c *csvWriter) abort() { c.af.abort() }
func (c *csvWriter) files(table string) []File {
	return []File{{Path: c.af.path, Table: table, Rows: c.rows}}
}

// ---- Parquet ----

// RowGroupValues bounds the values (rows × columns) buffered per Parquet row group, and so the
// writer's memory: about 47,000 rows of the cells file, 4,096 rows of the wide panel.
const RowGroupValues = 1 << 20

// DictionaryBytes caps the dictionary of one string column in one row group.
const DictionaryBytes = 256 << 10

// rowGroupRows is the row-group size of a table of ncols columns (at least 4,096 rows).
func rowGroupRows(ncols int) int64 {
	return int64(max(4096, RowGroupValues/max(ncols, 1)))
}

// pageBytes is the target size of a Parquet page for a table of ncols columns: the writer holds
// one page buffer per column (the panel has about 260 columns, times the years when
// partitioned), so wide tables get small pages: 4 to 64 KiB, 512 KiB per file.
func pageBytes(ncols int) int {
	return min(64<<10, max(4<<10, (512<<10)/max(ncols, 1)))
}

// orderedGroup is a Parquet group node that keeps its fields in declaration order
// (parquet.Group sorts them by name, which would scramble the column order of the files).
type orderedGroup []parquet.Field

// namedNode is one column of an orderedGroup.
type namedNode struct {
	parquet.Node
	name string
}

// Name is the column name.
func (f *namedNode) Name() string { return f.name }

// Value is unused: rows are written as parquet.Row values, never by reflection.
func (f *namedNode) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

// The parquet.Node methods of orderedGroup: a required group of its fields, in order.

func (g orderedGroup) ID() int { return 0 }
func (g orderedGroup) String() string {
	names := make([]string, len(g))
	for i, f := range g {
		names[i] = f.Name()
	}
	return "group(" + strings.Join(names, ", ") + ")"
}
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }

// GoType returns a struct type with one field per column (as parquet.Group does).
func (g orderedGroup) GoType() reflect.Type {
	fields := make([]reflect.StructField, len(g))
	for i, f := range g {
		fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: f.GoType(),
			Tag: reflect.StructTag(`parquet:` + strconv.Quote(f.Name()))}
	}
	return reflect.StructOf(fields)
}

// parquetSchema builds the schema of t: typed leaves, optional where nullable, strings
// dictionary-encoded, every column zstd-compressed.
func parquetSchema(t *Table) *parquet.Schema {
	g := make(orderedGroup, len(t.Columns))
	for i, c := range t.Columns {
		var n parquet.Node
		switch c.Type {
		case Int64:
			n = parquet.Int(64)
		case Int32:
			n = parquet.Int(32)
		case Double:
			n = parquet.Leaf(parquet.DoubleType)
		case Date:
			n = parquet.Date()
		case Bool:
			n = parquet.Leaf(parquet.BooleanType)
		default:
			n = parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
		}
		n = parquet.Compressed(n, &parquet.Zstd)
		if c.Nullable {
			n = parquet.Optional(n)
		} else {
			n = parquet.Required(n)
		}
		g[i] = &namedNode{Node: n, name: c.Name}
	}
	return parquet.NewSchema(t.Name, g)
}

// parquetWriter writes one Parquet file. Rows are batched and flushed to the writer, which
// cuts a row group every rowGroupRows rows, so memory stays bounded.
type parquetWriter struct {
	t     *Table
	kinds []Type
	nulls []bool
	af    *atomicFile
	buf   *bufio.Writer
	w     *parquet.Writer
	batch []parquet.Row
	n     int
	rows  int64
}

// parquetBatch is the number of rows converted before they are handed to the writer: about
// 4,096 values (16 rows of the panel, 186 of the cells file).
func parquetBatch(ncols int) int { return max(8, 4096/max(ncols, 1)) }

func newParquetWriter(path string, t *Table) (*parquetWriter, error) {
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(af.f, 1<<16)
	opts := []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(rowGroupRows(len(t.Columns))),
		// A column whose dictionary outgrows this (sources, hashes, details) falls back to
		// plain encoding for the rest of the row group: dictionaries stay small.
		parquet.DictionaryMaxBytes(DictionaryBytes),
		parquet.PageBufferSize(pageBytes(len(t.Columns))),
		parquet.ColumnPageBuffers(parquet.NewChunkBufferPool(pageBytes(len(t.Columns)))),
		parquet.CreatedBy("ogireports export", "", ""),
	}
	for _, c := range t.Columns {
		if c.Type == String {
			// Page bounds of text columns (URLs, titles, printed texts) serve no reader's
			// pruning, and the writer keeps them until the footer: memory that grows with
			// the file. Row-group statistics stay.
			opts = append(opts, parquet.SkipPageBounds(c.Name))
		}
	}
	w := parquet.NewWriter(buf, append([]parquet.WriterOption{parquetSchema(t)}, opts...)...)
	p := &parquetWriter{t: t, af: af, buf: buf, w: w, batch: make([]parquet.Row, parquetBatch(len(t.Columns)))}
	for i := range p.batch {
		p.batch[i] = make(parquet.Row, len(t.Columns))
	}
	for _, c := range t.Columns {
		p.kinds = append(p.kinds, c.Type)
		p.nulls = append(p.nulls, c.Nullable)
	}
	return p, nil
}

func (p *parquetWriter) write(row []Val) error {
	r := p.batch[p.n]
	for i, v := range row {
		r[i] = parquetValue(p.kinds[i], p.nulls[i], v, i)
	}
	p.n++
	p.rows++
	if p.n == len(p.batch) {
		return p.flush()
	}
	return nil
}

func (p *parquetWriter) flush() error {
	if p.n == 0 {
		return nil
	}
	if _, err := p.w.WriteRows(p.batch[:p.n]); err != nil {
		return fmt.Errorf("write %s: %w", p.af.path, err)
	}
	p.n = 0
	return nil
}

// parquetValue converts v for column c at index i. A nullable column has definition level 1
// for a value and 0 for NULL, so 0 stays 0 and blank stays NULL.
func parquetValue(typ Type, nullable bool, v Val, i int) parquet.Value {
	if v.Null {
		if !nullable {
			// A required column never receives a blank; write its zero rather than corrupt
			// the file (the columns' builders only produce Null for nullable columns).
			v = Val{}
		} else {
			return parquet.NullValue().Level(0, 0, i)
		}
	}
	var pv parquet.Value
	switch typ {
	case Int64:
		pv = parquet.Int64Value(v.I)
	case Int32, Date:
		pv = parquet.Int32Value(int32(v.I))
	case Double:
		pv = parquet.DoubleValue(v.F)
	case Bool:
		pv = parquet.BooleanValue(v.I != 0)
	default:
		pv = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(v.S), len(v.S)))
	}
	def := 0
	if nullable {
		def = 1
	}
	return pv.Level(0, def, i)
}

func (p *parquetWriter) close() error {
	if err := p.flush(); err != nil {
		p.af.abort()
		return err
	}
	if err := p.w.Close(); err != nil {
		p.af.abort()
		return fmt.Errorf("write %s: %w", p.af.path, err)
	}
	if err := p.buf.Flush(); err != nil {
		p.af.abort()
		return fmt.Errorf("write %s: %w", p.af.path, err)
	}
	return p.af.commit()
}

func (p *parquetWriter) abort() { p.af.abort() }
func (p *parquetWriter) files(table string) []File {
	return []File{{Path: p.af.path, Table: table, Rows: p.rows}}
}

// partitioned writes a hive-partitioned folder DIR/<table>/year=<Y>/part-0.parquet, one file
// per report year (year=__HIVE_DEFAULT_PARTITION__ for reports of unknown year). The year
// column lives in the folder name, not in the files. Files are opened on first use.
type partitioned struct {
	dir   string
	t     *Table // without the year column
	yearI int    // index of year in the full row
	open  map[string]*parquetWriter
	order []string
	row   []Val
}

// HiveNull is the partition value of rows whose year is unknown (the Hive/Spark convention).
const HiveNull = "__HIVE_DEFAULT_PARTITION__"

func newPartitioned(dir string, full *Table) *partitioned {
	return &partitioned{dir: dir, t: full.without("year"), yearI: full.index("year"),
		open: map[string]*parquetWriter{}}
}

func (p *partitioned) write(row []Val) error {
	y := row[p.yearI]
	key := HiveNull
	if !y.Null {
		key = strconv.FormatInt(y.I, 10)
	}
	w, ok := p.open[key]
	if !ok {
		var err error
		w, err = newParquetWriter(filepath.Join(p.dir, "year="+key, "part-0.parquet"), p.t)
		if err != nil {
			return err
		}
		p.open[key] = w
		p.order = append(p.order, key)
	}
	p.row = append(p.row[:0], row[:p.yearI]...)
	p.row = append(p.row, row[p.yearI+1:]...)
	return w.write(p.row)
}

func (p *partitioned) close() error {
	var first error
	for _, k := range p.order {
		if first != nil {
			p.open[k].abort()
			continue
		}
		first = p.open[k].close()
	}
	return first
}

func (p *partitioned) abort() {
	for _, k := range p.order {
		p.open[k].abort()
	}
}

func (p *partitioned) files(table string) []File {
	var out []File
	for _, k := range p.order {
		out = append(out, p.open[k].files(table)...)
	}
	return out
}
