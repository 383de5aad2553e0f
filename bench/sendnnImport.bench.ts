// What tracing the ONNX graph costs when sendnn loads a model: loadSendnnModel (graph walk, roles by data flow,
// float16 widening, packing, fingerprint) against packing the same tensors by the project's names (what the
// loader did before it traced graphs), on the 100M preset; medians of alternated runs, in one process. Also the
// three real exports' import times.
// Run: npx tsx bench/sendnnImport.bench.ts [--repeats 5]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSendnnEncoderModel } from '../src/backends/sendnn/encoder/sendnnEncoderModel.js';
import { packWeights } from '../src/backends/sendnn/packedWeights.js';
import { loadSendnnModel } from '../src/backends/sendnn/sendnnModel.js';
import { buildModel } from '../src/models/build/index.js';
import { loadReferenceModel } from '../src/models/reference/index.js';
import { namedPackOrder } from '../test/support/namedPackOrder.js';

const index = process.argv.indexOf('--repeats');
const repeats = index >= 0 ? Number(process.argv[index + 1]) : 5;
const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const timeMs = (run: () => unknown): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};

function byNames(dir: string): void {
  const reference = loadReferenceModel(dir);
  const s = reference.shape;
  packWeights(dir, reference.weights, namedPackOrder(s.numHiddenLayers, s.tieWordEmbeddings), s);
}

const dir = join('.cache', 'bench-models', 'small-100m');
if (!existsSync(join(dir, 'config.json'))) {
  process.stderr.write(`building small-100m into ${dir} …\n`);
  buildModel({ preset: 'small-100m', outDir: dir });
}
const traced: number[] = [];
const named: number[] = [];
for (let i = 0; i < repeats; i++) {
  traced.push(timeMs(() => loadSendnnModel(dir)));
  named.push(timeMs(() => byNames(dir)));
}
console.log(`small-100m (444 MB of fp32 weights): traced ${median(traced).toFixed(0)} ms, by names ${median(named).toFixed(0)} ms, ratio ${(median(traced) / median(named)).toFixed(2)} (medians of ${repeats})`);
const fixtures = '/work/shared/fixtures/real-models';
for (const [name, load] of [
  ['ortgenai-tiny-llama-fp16', loadSendnnModel], ['ortgenai-tiny-gpt2-legacy-past', loadSendnnModel], ['optimum-tiny-distilbert-classifier', loadSendnnEncoderModel],
] as const) {
  const times = Array.from({ length: repeats }, () => timeMs(() => load(join(fixtures, name))));
  console.log(`${name}: ${median(times).toFixed(1)} ms`);
}
