package simweb

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkListPage measures serving a 年报 list page (the item list and reportgen titles are
// recomputed on every request).
func BenchmarkListPage(b *testing.B) {
	w := New(Config{Seed: 1, Sites: 12, Faults: &Faults{}, LogCap: 100})
	h := w.Handler()
	u := w.sites[0].pub.ReportColumnURL
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
	}
}

// BenchmarkTruth300 measures Truth() over a 300-site web (it scales linearly with sites).
func BenchmarkTruth300(b *testing.B) {
	w := New(Config{Seed: 1, Sites: 300, Faults: &Faults{}})
	for b.Loop() {
		if len(w.Truth()) == 0 {
			b.Fatal("empty truth")
		}
	}
}
