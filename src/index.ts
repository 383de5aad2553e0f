/**
 * spyre-engine's library API: the engine core and its contracts. Backends, the server and the simulator
 * have their own entry points and build on these.
 * @packageDocumentation
 */
export * from './core/contracts/backend.js';
export * from './core/contracts/clock.js';
export * from './core/contracts/config.js';
export * from './core/contracts/errors.js';
export * from './core/contracts/ids.js';
export * from './core/contracts/logger.js';
export * from './core/contracts/requests.js';
export * from './core/contracts/stepPlan.js';
export * from './core/contracts/trace.js';
export type { EngineFlags, ModelShapeHints } from './core/config/engineFlags.js';
export type { EnvSource } from './core/config/envVars.js';
export { resolveEngineConfig, startupSummary } from './core/config/resolveEngineConfig.js';
export { EngineCore, type EndedRequest, type EngineCoreStats, type StepReport } from './core/engine/engineCore.js';
export type { AddRequestOptions } from './core/engine/requestValidation.js';
export { registerCore } from './core/registerCore.js';
export { KvCacheManager, type PrefixHit } from './core/kv/kvCacheManager.js';
export { BlockPool } from './core/kv/blockPool.js';
export { SpyreScheduler } from './core/scheduler/spyreScheduler.js';
export type { SchedulerLimits } from './core/scheduler/schedulerLimits.js';
export type { RequestLimits, RequestStatus, SchedulerRequest } from './core/scheduler/schedulerRequest.js';
export type { Produced, StepUpdate } from './core/scheduler/applyStepResult.js';
export type { ReusedDecodeRow } from './core/scheduler/decodeBatchPlan.js';
