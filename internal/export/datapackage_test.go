package export

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Frictionless rules (datapackage v1 / table schema), checked on the generic JSON so that the
// test does not trust the writer's own structs.
var (
	fdNamePattern = regexp.MustCompile(`^[a-z0-9._-]+$`)
	fdFieldTypes  = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "object": true,
		"array": true, "date": true, "time": true, "datetime": true, "year": true, "yearmonth": true,
		"duration": true, "geopoint": true, "geojson": true, "any": true}
)

func strList(t *testing.T, v any, what string) []string {
	t.Helper()
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				t.Fatalf("%s: %v is not a string", what, e)
			}
			out = append(out, s)
		}
		return out
	}
	t.Fatalf("%s: %v is neither a string nor a list of strings", what, v)
	return nil
}

// validateDataPackage checks dir/datapackage.json against the Frictionless rules, and every
// CSV resource's data against its schema.
func validateDataPackage(t *testing.T, dir string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg map[string]any
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	if pkg["profile"] != "tabular-data-package" {
		t.Errorf("profile %v", pkg["profile"])
	}
	if n, _ := pkg["name"].(string); !fdNamePattern.MatchString(n) {
		t.Errorf("package name %q", n)
	}
	resources, _ := pkg["resources"].([]any)
	if len(resources) == 0 {
		t.Fatal("no resources")
	}
	schemas := map[string]map[string]any{}
	fieldsOf := map[string][]string{}
	seen := map[string]bool{}
	for _, ri := range resources {
		r := ri.(map[string]any)
		name, _ := r["name"].(string)
		if !fdNamePattern.MatchString(name) || seen[name] {
			t.Errorf("resource name %q invalid or repeated", name)
		}
		seen[name] = true
		if r["profile"] != "tabular-data-resource" {
			t.Errorf("%s: profile %v", name, r["profile"])
		}
		for _, p := range strList(t, r["path"], name+".path") {
			if path.IsAbs(p) || strings.HasPrefix(path.Clean(p), "..") || strings.Contains(p, `\`) {
				t.Errorf("%s: path %q must be relative POSIX", name, p)
			}
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				t.Errorf("%s: path %q: %v", name, p, err)
			}
		}
		s, ok := r["schema"].(map[string]any)
		if !ok {
			t.Fatalf("%s: no schema", name)
		}
		schemas[name] = s
		fields, _ := s["fields"].([]any)
		if len(fields) == 0 {
			t.Fatalf("%s: no fields", name)
		}
		names := map[string]bool{}
		for _, fi := range fields {
			f := fi.(map[string]any)
			fn, _ := f["name"].(string)
			if fn == "" || names[fn] {
				t.Errorf("%s: field name %q empty or repeated", name, fn)
			}
			names[fn] = true
			fieldsOf[name] = append(fieldsOf[name], fn)
			if ft, _ := f["type"].(string); !fdFieldTypes[ft] {
				t.Errorf("%s.%s: type %q not a table-schema type", name, fn, ft)
			}
		}
		mv := strList(t, s["missingValues"], name+".missingValues")
		if len(mv) != 1 || mv[0] != "" {
			t.Errorf("%s: missingValues %v, want [\"\"]", name, mv)
		}
		pk := strList(t, s["primaryKey"], name+".primaryKey")
		for _, k := range pk {
			if !names[k] {
				t.Errorf("%s: primaryKey field %s does not exist", name, k)
			}
		}
	}
	// Foreign keys point at existing resources and fields.
	for name, s := range schemas {
		fks, _ := s["foreignKeys"].([]any)
		for _, fki := range fks {
			fk := fki.(map[string]any)
			ref := fk["reference"].(map[string]any)
			res, _ := ref["resource"].(string)
			if res == "" {
				res = name
			}
			if schemas[res] == nil {
				t.Errorf("%s: foreign key to missing resource %q", name, res)
				continue
			}
			local, remote := strList(t, fk["fields"], "fk"), strList(t, ref["fields"], "fk ref")
			if len(local) != len(remote) {
				t.Errorf("%s: foreign key arity", name)
			}
			for _, f := range local {
				if !contains(fieldsOf[name], f) {
					t.Errorf("%s: foreign key field %s missing", name, f)
				}
			}
			for _, f := range remote {
				if !contains(fieldsOf[res], f) {
					t.Errorf("%s: referenced field %s.%s missing", name, res, f)
				}
			}
		}
	}
	// CSV data: header equals the fields in order; every value casts to its type; required
	// fields are present; primary keys are unique; foreign keys resolve.
	keys := map[string]map[string]bool{}
	for _, ri := range resources {
		r := ri.(map[string]any)
		if r["format"] != "csv" {
			continue
		}
		name := r["name"].(string)
		header, rows := readCSV(t, filepath.Join(dir, r["path"].(string)))
		if strings.Join(header, ",") != strings.Join(fieldsOf[name], ",") {
			t.Errorf("%s: header %v differs from the schema fields %v", name, header, fieldsOf[name])
		}
		pk := strList(t, schemas[name]["primaryKey"], "pk")
		keys[name] = map[string]bool{}
		for _, row := range rows {
			for _, fi := range schemas[name]["fields"].([]any) {
				f := fi.(map[string]any)
				fn, ft := f["name"].(string), f["type"].(string)
				v := row[fn]
				if v == "" {
					if c, ok := f["constraints"].(map[string]any); ok && c["required"] == true {
						t.Errorf("%s.%s: required but blank", name, fn)
					}
					continue
				}
				if !castOK(ft, v) {
					t.Errorf("%s.%s: %q is not a valid %s", name, fn, v, ft)
				}
			}
			var k []string
			for _, f := range pk {
				k = append(k, row[f])
			}
			ks := strings.Join(k, "\x00")
			if keys[name][ks] {
				t.Errorf("%s: primary key %q repeated", name, ks)
			}
			keys[name][ks] = true
		}
	}
	for name := range keys {
		if name == "reports" {
			continue
		}
		_, rows := readCSV(t, filepath.Join(dir, name+".csv"))
		for _, row := range rows {
			if !keys["reports"][row["report_id"]] {
				t.Errorf("%s: report_id %s not in reports", name, row["report_id"])
			}
		}
	}
	return seen
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func castOK(typ, v string) bool {
	switch typ {
	case "integer":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "number":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil && !strings.ContainsAny(v, "eE")
	case "date":
		_, err := time.Parse("2006-01-02", v)
		return err == nil
	}
	return true
}

func TestDataPackage(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		resources []string
	}{
		{"csv and parquet", Options{CSV: true, Parquet: true},
			[]string{"cells", "reports", "panel", "checks", "cells-parquet", "reports-parquet", "panel-parquet", "checks-parquet"}},
		{"csv only, excel", Options{CSV: true, Excel: true}, []string{"cells", "reports", "panel", "checks"}},
		{"partitioned parquet", Options{Parquet: true, PartitionYear: true},
			[]string{"cells-parquet", "reports-parquet", "panel-parquet", "checks-parquet"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, _ := exportFixture(t, 12, tc.opts)
			if tc.opts.Excel {
				// The BOM is not part of the header: strip it for this validator.
				for _, n := range []string{"cells", "reports", "panel", "checks"} {
					p := filepath.Join(out, n+".csv")
					b, _ := os.ReadFile(p)
					os.WriteFile(p, []byte(strings.TrimPrefix(string(b), "\uFEFF")), 0o644)
				}
			}
			got := validateDataPackage(t, out)
			if len(got) != len(tc.resources) {
				t.Errorf("resources %v, want %v", got, tc.resources)
			}
			for _, r := range tc.resources {
				if !got[r] {
					t.Errorf("resource %s missing", r)
				}
			}
		})
	}
}

func TestCodebookCoversEveryColumn(t *testing.T) {
	out, _, _ := exportFixture(t, 3, Options{CSV: true})
	header, rows := readCSV(t, filepath.Join(out, "codebook.csv"))
	if strings.Join(header, ",") != strings.Join(CodebookHeader, ",") {
		t.Errorf("codebook header %v", header)
	}
	documented := map[string]map[string]string{}
	for _, r := range rows {
		documented[r["file"]+"."+r["column"]] = r
	}
	md, err := os.ReadFile(filepath.Join(out, "codebook.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cells", "reports", "panel", "checks"} {
		h, _ := readCSV(t, filepath.Join(out, name+".csv"))
		for _, c := range h {
			r := documented[name+"."+c]
			if r == nil {
				t.Errorf("%s.%s not in codebook.csv", name, c)
				continue
			}
			if r["label_zh"] == "" || r["label_en"] == "" || r["definition"] == "" || r["type"] == "" {
				t.Errorf("%s.%s: incomplete codebook row %v", name, c, r)
			}
			if !strings.Contains(string(md), "| `"+c+"` |") {
				t.Errorf("%s.%s not in codebook.md", name, c)
			}
		}
	}
	tests := []struct{ col, unit, layouts, labelZH string }{
		{"panel.t3_new_received_total", "count", "gov2019;gov2021", "一、本年新收政府信息公开申请数量 / 总计"},
		{"panel.t2_fees_amount_10k_yuan", "10k_yuan", "gov2021", "行政事业性收费 / 本年收费金额（单位：万元）"},
		{"panel.t2_fees_prev_items", "count", "gov2019", "行政事业性收费 / 上一年项目数量"},
		{"panel.t3_other_no_correction_total", "count", "gov2021", ""},
		{"panel.share_granted", "ratio", "gov2019;gov2021", "予以公开及部分公开占比"},
	}
	for _, tc := range tests {
		r := documented[tc.col]
		if r == nil || r["unit"] != tc.unit || r["layouts"] != tc.layouts || tc.labelZH != "" && r["label_zh"] != tc.labelZH {
			t.Errorf("%s: %v", tc.col, r)
		}
	}
}
