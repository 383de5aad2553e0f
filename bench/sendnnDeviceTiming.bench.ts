// Device timing (SPYRE_DEVICE_TIMING=profile): how far each step's wall time lands above the time the profile
// gives it, on 1 and 2 cards, prefill and decode. A profile file with a 3 ms launch overhead and a slow fp16
// rate gives the tiny preset's steps a few ms (decode) to tens of ms (prefill chunks); the engine core drives
// the sendnn runner as the engine does, and each step's wall time is taken around the runner's execute.
// Prints, per card count and step kind, the distribution of (wall - modelled) / modelled (min, p50, p90, p99,
// max, share within 10%) and the runs the emulator counted as overruns (compute longer than modelled).
// Run: npx tsx bench/sendnnDeviceTiming.bench.ts [--rounds 3] [--requests 6] [--tokens 24]
import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { WALL_CLOCK } from '../src/app/wallClock.js';
import { sendnnOptionsFromEnv } from '../src/backends/sendnn/sendnnOptions.js';
import { SendnnRunner } from '../src/backends/sendnn/sendnnRunner.js';
import { startSendnnBackend } from '../src/backends/sendnn/startSendnnBackend.js';
import { DeviceTimer } from '../src/backends/sendnn/timing/deviceTimer.js';
import { resolveEngineConfig } from '../src/core/config/resolveEngineConfig.js';
import { Clock } from '../src/core/contracts/clock.js';
import { EngineConfig } from '../src/core/contracts/config.js';
import { asRequestId } from '../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../src/core/contracts/logger.js';
import { EngineCore } from '../src/core/engine/engineCore.js';
import { registerCore } from '../src/core/registerCore.js';
import { SPYRE_CARD_PROFILE, type DeviceProfile } from '../src/device/deviceProfile.js';
import { buildModel } from '../src/models/build/index.js';

const argValue = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const rounds = Number(argValue('--rounds') ?? 3);
const requests = Number(argValue('--requests') ?? 6);
const tokens = Number(argValue('--tokens') ?? 24);
const flags = { maxModelLen: 256, maxNumSeqs: 4, maxNumBatchedTokens: 64 };

// 3 ms per launch; at 1 GFLOP/s a 64-token prefill chunk of the tiny preset adds tens of ms, a decode step ~1 ms.
const PROFILE: DeviceProfile = { ...SPYRE_CARD_PROFILE, name: 'bench-slow-card', launchOverheadS: 0.003, fp16FlopsPerS: 1e9, memoryBandwidthBytesPerS: 20e9 };

function modelDir(): string {
  const dir = join('.cache', 'bench-models', 'tiny');
  if (!existsSync(join(dir, 'config.json'))) buildModel({ preset: 'tiny', outDir: dir });
  return dir;
}

interface Sample { readonly kind: 'prefill' | 'decode'; readonly excess: number; readonly modelledS: number }

/** Drives `rounds` × `requests` greedy requests of mixed prompt lengths through the timed runner on `cards` cards. */
async function measure(dir: string, profileFile: string, cards: number): Promise<{ samples: Sample[]; overruns: number }> {
  const env = { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', SPYRE_DEVICE_TIMING: 'profile', SPYRE_DEVICE_PROFILE: profileFile, SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) };
  const config = resolveEngineConfig({ model: dir, ...flags, tensorParallelSize: cards }, env, SILENT_LOGGER);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(WALL_CLOCK);
  registerCore(container);
  const backend = startSendnnBackend(container, config, SILENT_LOGGER, sendnnOptionsFromEnv(env));
  const samples: Sample[] = [];
  try {
    const core = container.get(EngineCore);
    const runner = container.get(SendnnRunner);
    const timer = container.get(DeviceTimer);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < requests; i++) {
        const length = 8 + ((i * 37 + round * 11) % 120);
        const prompt = Array.from({ length }, (_, j) => 1 + ((j * 7 + i * 13 + round) % 200));
        core.addRequest({ requestId: asRequestId(`c${cards}-r${round}-${i}`), promptTokenIds: prompt, maxTokens: tokens, ignoreEos: true, sampling: { temperature: 0 } });
      }
      while (core.hasUnfinishedRequests()) {
        const plan = core.beginStep();
        if (plan === undefined) {
          core.finishStep({ sampled: [] });
          continue;
        }
        const start = process.hrtime.bigint();
        const result = await runner.execute(plan);
        const wallS = Number(process.hrtime.bigint() - start) / 1e9;
        const run = timer.lastRun;
        if (run === undefined) throw new Error('the device timer recorded no run');
        samples.push({ kind: plan.kind, excess: (wallS - run.modelledS) / run.modelledS, modelledS: run.modelledS });
        core.finishStep(result);
      }
    }
    return { samples, overruns: timer.overruns };
  } finally {
    backend.close();
  }
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const pct = (value: number): string => `${(value * 100).toFixed(2)}%`;

const scratch = mkdtempSync(join(tmpdir(), 'spyre-bench-timing-'));
try {
  const profileFile = join(scratch, 'profile.json');
  writeFileSync(profileFile, JSON.stringify(PROFILE));
  const dir = modelDir();
  process.stdout.write(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${rounds} rounds × ${requests} requests × ${tokens} tokens)\n`);
  process.stdout.write('| cards | step | steps | modelled ms (min–max) | min | p50 | p90 | p99 | max | within 10% | overruns (all steps) |\n|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const cards of [1, 2]) {
    const { samples, overruns } = await measure(dir, profileFile, cards);
    for (const kind of ['prefill', 'decode'] as const) {
      const mine = samples.filter((s) => s.kind === kind);
      const excess = mine.map((s) => s.excess).sort((a, b) => a - b);
      const modelled = mine.map((s) => s.modelledS * 1e3);
      const within = excess.filter((e) => e >= 0 && e <= 0.1).length / excess.length;
      process.stdout.write(
        `| ${cards} | ${kind} | ${mine.length} | ${Math.min(...modelled).toFixed(1)}–${Math.max(...modelled).toFixed(1)} | ${pct(excess[0] as number)} | ${pct(quantile(excess, 0.5))} | ` +
        `${pct(quantile(excess, 0.9))} | ${pct(quantile(excess, 0.99))} | ${pct(excess.at(-1) as number)} | ${pct(within)} | ${kind === 'prefill' ? overruns : ''} |\n`,
      );
    }
  }
  process.stdout.write(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
