#!/usr/bin/env bash
# The timed protocol (spyre sim validate --against sendnn-timed): the tiny preset with 8 heads and 4 KV heads
# (so that it splits over 4 cards) on the sendnn emulator with the cards of timed-card.json, light,
# near-saturation and overloaded loads through the real HTTP server, TP 1 and TP 4, against the simulator.
# Usage: sim/examples/validation/timed.sh OUT_DIR   (REQUESTS per workload, default 300; REPEATS, default 3)
set -euo pipefail
out=${1:?usage: timed.sh OUT_DIR}
mkdir -p "$out"
npx tsx -e "import { buildModel } from './src/models/build/index.ts'; buildModel({ preset: 'tiny', outDir: '$out/tiny-8-heads', presetOverrides: { numAttentionHeads: 8, numKeyValueHeads: 4, headDim: 8, tokenizerMerges: 250 } });"
node bin/spyre.js sim validate --against sendnn-timed --model "$out/tiny-8-heads" --device-profile sim/examples/validation/timed-card.json \
  --requests "${REQUESTS:-300}" --repeats "${REPEATS:-3}" --tensor-parallel-sizes 1,4 --seed 1 --out "$out"
