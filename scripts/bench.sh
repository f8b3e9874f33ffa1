#!/usr/bin/env bash
# make bench: the throughput and memory figures quoted in README.md and in notes. Prints the
# machine it ran on, the raw `go test -bench` lines (kept in bench-out/), and a summary.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
RAW=bench-out/raw.txt
: >"$RAW"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # run PKG REGEX [extra go test args...]
  local pkg=$1 re=$2; shift 2
  echo "== $pkg $re" | tee -a "$RAW"
  go test -run '^$' -bench "$re" "$@" "$pkg" 2>&1 | grep -E '^(Benchmark|ok|FAIL|---|\s+\S+_test.go)' | tee -a "$RAW"
}

# Extraction, one core: whole reports (bytes → extract → normalize).
run ./internal/reportgen/ 'Report(HTML|Text)$' -cpu 1 -benchtime 3s
# Raw HTML/text extractor speed.
run ./internal/extract/ '^Benchmark(HTML|Text)$' -cpu 1 -benchtime 2s
# PDF: our Extract vs the engine's bare text extraction on the same files (pages/s).
run ./internal/extract/pdf/ '^Benchmark(Extract|EngineText)$' -cpu 1 -benchtime 3x
# DOCX reports per second.
run ./internal/extract/docx/ '^BenchmarkDOCX$' -cpu 1 -benchtime 2s
# Report pages whose tables are pictures: OCR of the pictures (tesseract on every core).
run ./internal/pipeline/ '^BenchmarkTablesAsPictures$' -benchtime 8x
# Crawl efficiency on 500 simulated hosts (ideal politeness-bound time / actual), peak memory.
OGIREPORTS_BENCH_HOSTS=${OGIREPORTS_BENCH_HOSTS:-500} run ./internal/crawl/ '^BenchmarkCrawl' -benchtime 1x -timeout 30m
# Export throughput and peak memory on a synthetic store (OGIREPORTS_BENCH_REPORTS, default 100000).
OGIREPORTS_BENCH_REPORTS=${OGIREPORTS_BENCH_REPORTS:-100000} run ./internal/export/ '^BenchmarkExport' -benchtime 1x -timeout 60m

echo
echo "summary (ns/op → per second; custom metrics as reported):"
awk '/^Benchmark/ {
  name=$1; ns=""; extra="";
  for (i=2;i<NF;i++) { if ($(i+1)=="ns/op") ns=$i; if ($(i+1) ~ /\/s$|MB$|ratio|^pages$|^docs$/) extra=extra"  "$i" "$(i+1) }
  if (ns!="" && ns < 1e9) printf "  %-40s %10.1f ops/s%s\n", name, 1e9/ns, extra
  else printf "  %-40s %16s%s\n", name, "", extra
}' "$RAW"
