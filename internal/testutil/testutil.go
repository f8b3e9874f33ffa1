// Package testutil owns what tests share: finding ../shared beside the checkout, and the rule
// for optional system tools (skip with a clear message when absent, fail instead when
// OGIREPORTS_REQUIRE_TOOLS=1, as CI sets it).
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RepoRoot returns the module root (the folder holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns ../shared beside the checkout (or $OGIREPORTS_SHARED), skipping the test
// with a clear message when it is absent. It never fails: the shared folder is not a system tool.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("OGIREPORTS_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "spec", "cells.md")); err != nil {
		t.Skipf("../shared is absent (looked in %s): this test reads the real reports in place; "+
			"check out the project beside its shared/ folder or set OGIREPORTS_SHARED", dir)
	}
	return dir
}

// RealData returns the path of a file in ../shared/realdata, skipping when ../shared is absent.
func RealData(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(SharedDir(t), "realdata", name)
}

// ToolsRequired reports whether OGIREPORTS_REQUIRE_TOOLS=1 is set (CI).
func ToolsRequired() bool { return os.Getenv("OGIREPORTS_REQUIRE_TOOLS") == "1" }

// NeedTool returns the path of an optional system tool (soffice, tesseract, chromium, pdftotext,
// ...). When it is absent the test is skipped with a message naming the Debian package, or
// failed when OGIREPORTS_REQUIRE_TOOLS=1.
func NeedTool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	Missing(t, name+" is not installed (Debian package "+debianPackage+"); this test needs it")
	return ""
}

// Missing applies the optional-tool rule to something other than a program on PATH (a font, a
// language model): it skips the test with msg, which should name the Debian package, or fails
// it when OGIREPORTS_REQUIRE_TOOLS=1.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if ToolsRequired() {
		t.Fatalf("%s, and OGIREPORTS_REQUIRE_TOOLS=1 forbids skipping", msg)
	}
	t.Skip(msg + "; skipped (set OGIREPORTS_REQUIRE_TOOLS=1 to make this a failure)")
}
