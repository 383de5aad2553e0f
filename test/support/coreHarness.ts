import { Container } from 'inversify';
import { Clock } from '../../src/core/contracts/clock.js';
import { EngineConfig } from '../../src/core/contracts/config.js';
import { asRequestId, type RequestId } from '../../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import type { GenerationRequest } from '../../src/core/contracts/requests.js';
import type { SampledToken, StepPlan, StepResult } from '../../src/core/contracts/stepPlan.js';
import type { EngineFlags } from '../../src/core/config/engineFlags.js';
import { resolveEngineConfig } from '../../src/core/config/resolveEngineConfig.js';
import { EngineCore, type StepReport } from '../../src/core/engine/engineCore.js';
import { BlockPool } from '../../src/core/kv/blockPool.js';
import { KvCacheManager } from '../../src/core/kv/kvCacheManager.js';
import { registerCore } from '../../src/core/registerCore.js';
import { SpyreScheduler } from '../../src/core/scheduler/spyreScheduler.js';
import { VirtualClock } from '../../sim/kernel/virtualClock.js';

/** A real engine core wired by the real DI module, on a virtual clock, for tests. */
export interface CoreHarness {
  readonly config: EngineConfig;
  readonly core: EngineCore;
  readonly pool: BlockPool;
  readonly kv: KvCacheManager;
  readonly scheduler: SpyreScheduler;
}

export function createCoreHarness(flags: Omit<EngineFlags, 'model'>, env: Record<string, string> = {}): CoreHarness {
  const container = new Container();
  const config = resolveEngineConfig({ model: 'test-model', ...flags }, env, SILENT_LOGGER);
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(new VirtualClock());
  registerCore(container);
  const core = container.get(EngineCore);
  core.setTracing(true);
  return { config, core, pool: container.get(BlockPool), kv: container.get(KvCacheManager), scheduler: container.get(SpyreScheduler) };
}

/** Emits `tokenOf(requestId, outputIndex)` for every token a step samples. */
export function sampleWith(plan: StepPlan | undefined, tokenOf: (requestId: RequestId) => number): StepResult {
  if (plan === undefined) return { sampled: [] };
  // A last chunk samples the request and each copy it forks (parallel sampling), in that order.
  const rows = plan.kind === 'prefill' ? (plan.isLastChunk ? [plan.requestId, ...(plan.forks ?? []).map((fork) => fork.requestId)] : []) : plan.rows.map((row) => row.requestId);
  return { sampled: rows.map((requestId): SampledToken => ({ requestId, tokenId: tokenOf(requestId) })) };
}

/** Runs one step with the given token choice. */
export function runStep(harness: CoreHarness, tokenOf: (requestId: RequestId) => number = () => 7): StepReport {
  const plan = harness.core.beginStep();
  return harness.core.finishStep(sampleWith(plan, tokenOf));
}

export function request(id: string, promptTokenIds: readonly number[], maxTokens: number, extra: Partial<GenerationRequest> = {}): GenerationRequest {
  return { requestId: asRequestId(id), promptTokenIds, maxTokens, ignoreEos: true, ...extra };
}

/** Prompt tokens `[offset, offset + length)` modulo 1000: distinct prompts share no block unless asked. */
export function promptOf(length: number, offset = 0): number[] {
  return Array.from({ length }, (_, index) => (offset + index) % 1000);
}
