// The sendnn backend over the emulator: warmup cold vs from the cache, decode tokens/s against the eager
// backend on the same model, and what the FFI costs per call and per step.
// Run: npx tsx bench/sendnn.bench.ts [--preset tiny|small-100m | --model DIR] [--seqs 4] [--chunk 128] [--max-model-len 512] [--tokens 32] [--repeats 3]
import 'reflect-metadata';
import { Container } from 'inversify';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEagerModel } from '../src/backends/eager/eagerModel.js';
import { loadSendnnBindings } from '../src/backends/sendnn/ffi/sendnnBindings.js';
import { SendnnLibrary } from '../src/backends/sendnn/ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from '../src/backends/sendnn/nativeLibraryPath.js';
import { registerSendnnBackend } from '../src/backends/sendnn/registerSendnnBackend.js';
import { RunBuffers } from '../src/backends/sendnn/runBuffers.js';
import { loadSendnnModel } from '../src/backends/sendnn/sendnnModel.js';
import { SendnnRunner } from '../src/backends/sendnn/sendnnRunner.js';
import { SendnnSession, openSendnnSession } from '../src/backends/sendnn/sendnnSession.js';
import { warmupPrograms } from '../src/backends/sendnn/sendnnWarmup.js';
import { decoderProgramShapes } from '../src/core/catalog/requiredPrograms.js';
import { resolveEngineConfig } from '../src/core/config/resolveEngineConfig.js';
import type { StepExecutor } from '../src/core/contracts/backend.js';
import { Clock } from '../src/core/contracts/clock.js';
import { EngineConfig } from '../src/core/contracts/config.js';
import { asRequestId } from '../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import type { DecodeBatchPlan } from '../src/core/contracts/stepPlan.js';
import type { EngineCore } from '../src/core/engine/engineCore.js';
import { EngineCore as EngineCoreToken } from '../src/core/engine/engineCore.js';
import { registerCore } from '../src/core/registerCore.js';
import { buildModel, type PresetName } from '../src/models/build/index.js';
import { eagerCoreRig, randomIds } from '../test/support/tinyModel.js';

const argValue = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const preset = (argValue('--preset') ?? 'tiny') as PresetName;
const seqs = Number(argValue('--seqs') ?? 4);
const chunk = Number(argValue('--chunk') ?? 128);
const maxModelLen = Number(argValue('--max-model-len') ?? 512);
const outputTokens = Number(argValue('--tokens') ?? 32);
const repeats = Number(argValue('--repeats') ?? 3);
const flags = { maxModelLen, maxNumSeqs: seqs, maxNumBatchedTokens: chunk };

function modelDir(): string {
  const given = argValue('--model');
  if (given !== undefined) return given;
  const dir = join('.cache', 'bench-models', preset);
  if (!existsSync(join(dir, 'config.json'))) {
    process.stderr.write(`building the ${preset} preset into ${dir} …\n`);
    buildModel({ preset, outDir: dir });
  }
  return dir;
}

const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const dir = modelDir();
const library = SendnnLibrary.open(resolveSendnnLibraryPath(process.env.SPYRE_SENDNN_LIBRARY));
const model = loadSendnnModel(dir);
const shapes = decoderProgramShapes({ maxModelLen, maxNumSeqs: seqs, chunkSize: chunk });
const DEVICE_BYTES = 64 * 1024 ** 3;

/** Seconds to make every program of the configuration resident: compiled into `cacheDir`, or loaded from it. */
function warmupS(cacheDir: string): number {
  const device = library.openDevice(1, DEVICE_BYTES);
  const start = performance.now();
  const programs = warmupPrograms(library, device, 1, model, shapes, { cacheDir, compilationDisabled: false }, SILENT_LOGGER);
  const seconds = (performance.now() - start) / 1000;
  for (const program of programs) library.freeProgram(program.handle);
  library.closeDevice(device);
  return seconds;
}

function warmupFigures(): Record<string, number> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'spyre-sendnn-bench-'));
    try {
      cold.push(warmupS(cacheDir));
      warm.push(warmupS(cacheDir));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  return { warmup_cold_s: median(cold), warmup_cached_s: median(warm), cached_speedup_x: median(cold) / median(warm) };
}

/** Decode tokens/s of `executor` with `batch` concurrent requests, counting decode steps only. */
async function decodeTokensPerS(core: EngineCore, executor: StepExecutor, batch: number, tag: string): Promise<number> {
  for (let i = 0; i < batch; i++) {
    core.addRequest({ requestId: asRequestId(`${tag}-${i}`), promptTokenIds: randomIds(i + 1, 40, 3, model.desc.vocabSize), maxTokens: outputTokens, ignoreEos: true, sampling: { temperature: 0 } });
  }
  let decodeS = 0;
  let decodeTokens = 0;
  while (core.hasUnfinishedRequests()) {
    const plan = core.beginStep();
    const start = performance.now();
    const result = plan ? await executor.execute(plan) : { sampled: [] };
    if (plan?.kind === 'decode') {
      decodeS += (performance.now() - start) / 1000;
      decodeTokens += plan.rows.length;
    }
    core.finishStep(result);
  }
  return decodeTokens / decodeS;
}

function sendnnCore(): { core: EngineCore; runner: SendnnRunner; session: SendnnSession } {
  const config = resolveEngineConfig({ model: dir, ...flags }, { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn' }, SILENT_LOGGER);
  const session = openSendnnSession(config, SILENT_LOGGER, { deviceMemoryBytes: DEVICE_BYTES });
  const container = new Container();
  let now = 0;
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue({ nowS: () => (now += 0.001) });
  container.bind(SendnnSession).toConstantValue(session);
  registerCore(container);
  registerSendnnBackend(container);
  return { core: container.get(EngineCoreToken), runner: container.get(SendnnRunner), session };
}

async function decodeFigures(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const sendnn = sendnnCore();
  const eagerModel = await loadEagerModel(dir);
  try {
    for (const batch of [1, seqs]) {
      const eager = eagerCoreRig(eagerModel, flags);
      figures[`eager_decode_b${batch}_tok_s`] = await decodeTokensPerS(eager.core, eager.runner, batch, `e${batch}`);
      figures[`sendnn_decode_b${batch}_tok_s`] = await decodeTokensPerS(sendnn.core, sendnn.runner, batch, `s${batch}`);
    }
    Object.assign(figures, ffiFigures(sendnn.session));
  } finally {
    sendnn.session.close();
    await eagerModel.session.release();
  }
  return figures;
}

/** One trivial call (sendnn_abi_version), and a batch-1 decode step split into JS marshalling and the native run. */
function ffiFigures(session: SendnnSession): Record<string, number> {
  const calls = 1_000_000;
  let start = performance.now();
  for (let i = 0; i < calls; i++) session.library.abiVersionCall();
  const callNs = ((performance.now() - start) * 1e6) / calls;
  const program = session.decodeProgramFor(1)!;
  const buffers = new RunBuffers(program.shape, model.desc.vocabSize);
  const plan: DecodeBatchPlan = { kind: 'decode', tkv: 64, rows: [{ requestId: asRequestId('x'), sampling: {}, tokenId: 5, position: 40, blockTable: [1], paddingBlocks: 0, numPromptTokens: 40 }] };
  const steps = Math.max(20, Math.min(2000, Math.round(2e8 / model.weights.byteLength)));
  start = performance.now();
  for (let i = 0; i < steps; i++) buffers.fillDecode(plan);
  const fillUs = ((performance.now() - start) * 1000) / steps;
  const inputs = buffers.fillDecode(plan);
  start = performance.now();
  for (let i = 0; i < steps; i++) session.library.runProgram(program.handle, session.kv, inputs);
  const runUs = ((performance.now() - start) * 1000) / steps;
  // The run call's own marshalling (11 arguments, 7 typed arrays): a row count the program refuses at once.
  const raw = loadSendnnBindings(session.library.path);
  start = performance.now();
  for (let i = 0; i < calls / 10; i++) {
    raw.sendnn_program_run(program.handle, session.kv, -1, 1, inputs.tokenIds, inputs.positions, inputs.slotMask, inputs.blockTables, inputs.slotBlocks, inputs.rowInfo, inputs.logits);
  }
  const runCallNs = ((performance.now() - start) * 1e6) / (calls / 10);
  return { ffi_call_ns: callNs, ffi_run_call_ns: runCallNs, decode_step_fill_us: fillUs, decode_step_native_run_us: runUs };
}

const figures = { ...warmupFigures(), ...(await decodeFigures()) };
process.stdout.write(`model ${dir} (${(model.weights.byteLength / 1e6).toFixed(1)} MB fp32), max_model_len ${maxModelLen}, max_num_seqs ${seqs}, chunk ${chunk}, ${shapes.length} programs, ${outputTokens} output tokens, library ${library.name} ${library.version}\n`);
console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value: Number(value.toFixed(value < 10 ? 3 : 1)) })));
process.stdout.write(`${JSON.stringify(figures)}\n`);
