#!/usr/bin/env bash
# Regenerates the pictures of docs/ from the current code: the sim tune reports (README.md,
# docs/simulator.md) as headless-Chromium screenshots of their report.html, and the sim plan plot
# (docs/cluster.md) as the plan.svg it writes. Needs Debian's chromium (apt-get install chromium).
# Run from the repository root: bash docs/img/regenerate.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-out/docs-img}"
command -v chromium >/dev/null || { echo "docs/img/regenerate.sh needs Debian's chromium: apt-get install chromium" >&2; exit 1; }
scenario=sim/examples/chat-poisson.scenario.json

screenshot() { # screenshot REPORT.html PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3,$4" --screenshot="$2" "$1" 2>/dev/null
}

npx spyre sim tune "$scenario" --itl-p99 100 --ttft-p99 20000 --max-num-seqs 2,4 --out "$out/tune"
screenshot "$out/tune/report.html" docs/img/simulator-tune.png 1500 1600

npx spyre sim tune "$scenario" --itl-p99 100 --ttft-p99 20000 --tp 1,2,4 --out "$out/tune-tp"
screenshot "$out/tune-tp/report.html" docs/img/simulator-tune-tp.png 1500 1800

npx spyre sim plan "$scenario" --qps 4 --ttft-p99 1000 --itl-p99 150 --max-num-seqs 4,8 --cards-per-replica 1,2,4 --out "$out/plan"
cp "$out/plan/plan.svg" docs/img/cluster-plan-chat.svg
