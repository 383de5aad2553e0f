// An engine core wired to the sendnn backend over the emulator, and a drive loop, for this folder's tests.
import 'reflect-metadata';
import { Container } from 'inversify';
import { Clock } from '../../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../../src/core/contracts/config.js';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
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
