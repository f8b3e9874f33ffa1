#!/usr/bin/env bash
# make demo: start the simulated government web (a dozen sites, six CMS styles), crawl it
# politely with the demo's short delays, export the dataset, and print what was found and where.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-demo-out}
rm -rf "$OUT" && mkdir -p "$OUT"
BIN=bin

"$BIN/simweb" --sites "${DEMO_SITES:-12}" --seed "${DEMO_SEED:-1}" --listen 127.0.0.1:0 \
  --crawl-delay-unit 100ms --sites-csv "$OUT/sites.csv" >"$OUT/simweb.txt" 2>"$OUT/simweb.log" &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$OUT/simweb.txt" ] && break
  sleep 0.1
done
PROXY=$(head -1 "$OUT/simweb.txt")
echo "simulated web: $(tail -n +2 "$OUT/simweb.txt" | wc -l) sites behind proxy $PROXY"

"$BIN/crawl" --sites "$OUT/sites.csv" --db "$OUT/ogireports.db" --data "$OUT/data" \
  --proxy "$PROXY" --delay "${DEMO_DELAY:-100ms}" --contact https://github.com/ogireports/ogireports \
  2> >(tee "$OUT/crawl.log" >&2) || {
  # 3 = finished, with site errors: the simulated web has a WAF-blocked site on purpose.
  rc=$?; [ "$rc" -eq 3 ] || exit "$rc"
  echo "crawl finished with site errors (exit 3), as planted: see crawl status below"
}

"$BIN/export" --db "$OUT/ogireports.db" --out "$OUT/export" --html "$OUT/site" --archive "$OUT/data/archive"

echo
echo "demo done:"
echo "  database      $OUT/ogireports.db"
echo "  archive       $OUT/data"
echo "  exports       $OUT/export ($(ls "$OUT/export" | tr '\n' ' '))"
echo "  crawl log     $OUT/crawl.log"
echo
"$BIN/crawl" status --db "$OUT/ogireports.db" 2>/dev/null | head -40 || true
echo
echo "overview page (open it in a browser, no server needed):"
echo "  $(cd "$OUT/site" && pwd)/index.html"
