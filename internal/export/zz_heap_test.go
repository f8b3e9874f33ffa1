package export

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/ogireports/ogireports/internal/store"
)

func TestZZHeap(t *testing.T) {
	db := os.Getenv("ZZDB")
	if db == "" {
		t.Skip()
	}
	st, _ := store.Open(db)
	defer st.Close()
	opts := Options{Dir: t.TempDir(), Parquet: true, PartitionYear: os.Getenv("ZZPART") != ""}
	opts.Progress = func(n int64) {
		if n == 1900 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			t.Logf("after GC at 1900: HeapInuse %d MB HeapAlloc %d MB", m.HeapInuse>>20, m.HeapAlloc>>20)
			f, _ := os.Create("/tmp/heap.out")
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	if _, err := Run(context.Background(), st, opts); err != nil {
		t.Fatal(err)
	}
}
