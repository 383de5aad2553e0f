#!/usr/bin/env bash
# Calibrates the simulator from real runs of the calibration workloads, then at once runs the three
# validation workloads on the real engine and in the simulator, back to back on the same machine.
# Usage: sim/examples/validation/run.sh MODEL_DIR OUT_DIR [SCENARIO_DIR]
#   SCENARIO_DIR: the validation scenarios (default sim/examples/validation; the tiny preset's rates
#   are in sim/examples/validation/tiny). REPEATS (default 3): real runs per workload, compared by their
#   median, which also shows how far the machine's own runs spread.
set -euo pipefail
model=${1:?usage: run.sh MODEL_DIR OUT_DIR [SCENARIO_DIR]}
out=${2:?usage: run.sh MODEL_DIR OUT_DIR [SCENARIO_DIR]}
scenarios=${3:-sim/examples/validation}
repeats=${REPEATS:-3}
spyre="node bin/spyre.js"
mkdir -p "$out"
$spyre sim calibrate --executor eager --model "$model" --out "$out/profile.json" \
  --workload sim/examples/calibration/sparse.scenario.json \
  --workload sim/examples/calibration/dense.scenario.json \
  --workload sim/examples/calibration/closed-loop.scenario.json
for s in light near-saturation overloaded; do
  echo "== $s"
  $spyre sim validate "$scenarios/$s.scenario.json" --model "$model" --profile "$out/profile.json" --repeats "$repeats" --out "$out/$s"
done
