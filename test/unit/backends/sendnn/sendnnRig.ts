// An engine core wired to the sendnn backend over the emulator, and a drive loop, for this folder's tests.
import 'reflect-metadata';
import { Container } from 'inversify';
import { Clock } from '../../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../../src/core/contracts/config.js';
import { asRequestId, type RequestId } from '../../../../src/core/contracts/ids.js';
import type { StepExecutor } from '../../../../src/core/contracts/backend.js';
import type { SamplingParams } from '../../../../src/core/contracts/requests.js';
import type { Logger } from '../../../../src/core/contracts/logger.js';
import type { EngineFlags } from '../../../../src/core/config/engineFlags.js';
import { resolveEngineConfig } from '../../../../src/core/config/resolveEngineConfig.js';
import { EngineCore } from '../../../../src/core/engine/engineCore.js';
import { registerCore } from '../../../../src/core/registerCore.js';
import { SendnnRunner } from '../../../../src/backends/sendnn/sendnnRunner.js';
import type { SendnnSession } from '../../../../src/backends/sendnn/sendnnSession.js';
import { startSendnnBackend } from '../../../../src/backends/sendnn/startSendnnBackend.js';
import type { SendnnBackendOptions } from '../../../../src/backends/sendnn/sendnnOptions.js';

export interface SendnnRig {
  readonly core: EngineCore;
  readonly runner: SendnnRunner;
  readonly session: SendnnSession;
  readonly config: EngineConfig;
}

/** Records log lines, for assertions on warnings. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void { this.lines.push(message); }
  info(message: string): void { this.lines.push(message); }
  warn(message: string): void { this.lines.push(message); }
  error(message: string): void { this.lines.push(message); }
}

let fakeNow = 0;
const stepClock: Clock = { nowS: () => (fakeNow += 0.001) };

export function sendnnConfig(modelDir: string, flags: Omit<EngineFlags, 'model'>, env: Record<string, string> = {}, logger: Logger = new RecordingLogger()): EngineConfig {
  return resolveEngineConfig({ model: modelDir, ...flags }, { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', ...env }, logger);
}

export function sendnnRig(
  modelDir: string, flags: Omit<EngineFlags, 'model'>, env: Record<string, string> = {}, logger: Logger = new RecordingLogger(),
  options: SendnnBackendOptions = { deviceMemoryBytes: 1024 ** 3 },
): SendnnRig {
  const config = sendnnConfig(modelDir, flags, env, logger);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(stepClock);
  registerCore(container);
  const { session } = startSendnnBackend(container, config, logger, options);
  return { core: container.get(EngineCore), runner: container.get(SendnnRunner), session, config };
}

export interface PromptCase {
  readonly id: string;
  readonly prompt: readonly number[];
  readonly maxTokens: number;
}

export interface DriveResult {
  readonly outputs: Map<string, readonly number[]>;
  readonly errors: Map<string, string>;
}

/** Adds the requests and steps the core until every request ended. */
export async function drive(rig: SendnnRig, cases: readonly PromptCase[]): Promise<DriveResult> {
  for (const c of cases) {
    rig.core.addRequest({ requestId: asRequestId(c.id), promptTokenIds: c.prompt, maxTokens: c.maxTokens, ignoreEos: true, sampling: { temperature: 0 } });
  }
  const outputs = new Map<string, readonly number[]>();
  const errors = new Map<string, string>();
  while (rig.core.hasUnfinishedRequests()) {
    const plan = rig.core.beginStep();
    const report = rig.core.finishStep(plan ? await rig.runner.execute(plan) : { sampled: [] });
    for (const ended of report.ended) {
      outputs.set(ended.requestId, ended.outputTokenIds);
      if (ended.error !== undefined) errors.set(ended.requestId, ended.error);
    }
  }
  return { outputs, errors };
}

/** A step executor whose sampled rows' logits can be observed (both runners). */
export type ObservableExecutor = StepExecutor & { logitsObserver: ((id: RequestId, logits: Float32Array) => void) | undefined };

export interface ObservedRun {
  readonly tokens: Map<string, readonly number[]>;
  /** The logits of each request's first sampled token. */
  readonly firstLogits: Map<string, Float32Array>;
}

/** Adds `prompts` as r0, r1, … with `sampling(i)`, steps until all ended (an ended request's error throws), and keeps each one's first logits. */
export async function runObserved(
  core: EngineCore, executor: ObservableExecutor, prompts: readonly (readonly number[])[], maxTokens: number, sampling: (i: number) => SamplingParams,
): Promise<ObservedRun> {
  const firstLogits = new Map<string, Float32Array>();
  executor.logitsObserver = (id, logits) => { if (!firstLogits.has(id)) firstLogits.set(id, logits.slice()); };
  prompts.forEach((prompt, i) => core.addRequest({ requestId: asRequestId(`r${i}`), promptTokenIds: prompt, maxTokens, ignoreEos: true, sampling: sampling(i) }));
  const tokens = new Map<string, readonly number[]>();
  while (core.hasUnfinishedRequests()) {
    const plan = core.beginStep();
    const report = core.finishStep(plan ? await executor.execute(plan) : { sampled: [] });
    for (const ended of report.ended) {
      if (ended.error !== undefined) throw new Error(`${ended.requestId} failed: ${ended.error}`);
      tokens.set(ended.requestId, ended.outputTokenIds);
    }
  }
  return { tokens, firstLogits };
}

/** The largest absolute difference between two logit vectors. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  a.forEach((value, i) => (max = Math.max(max, Math.abs(value - (b[i] as number)))));
  return max;
}
