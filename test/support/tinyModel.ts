// A tiny generated model in a temporary directory, and an engine core wired to the eager backend.
import 'reflect-metadata';
import { Container } from 'inversify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EagerModel, loadEagerModel } from '../../src/backends/eager/eagerModel.js';
import { EagerRunner } from '../../src/backends/eager/eagerRunner.js';
import { registerEagerBackend } from '../../src/backends/eager/registerEagerBackend.js';
import { Clock } from '../../src/core/contracts/clock.js';
import { EngineConfig } from '../../src/core/contracts/config.js';
import { SILENT_LOGGER } from '../../src/core/contracts/logger.js';
import type { EngineFlags } from '../../src/core/config/engineFlags.js';
import { resolveEngineConfig } from '../../src/core/config/resolveEngineConfig.js';
import { EngineCore } from '../../src/core/engine/engineCore.js';
import { registerCore } from '../../src/core/registerCore.js';
import { buildModel, type BuildModelOptions } from '../../src/models/build/index.js';

export interface TinyModelDir {
  readonly dir: string;
  remove(): void;
}

/**
 * Builds the `tiny` preset (a few MB, well under 5 s) into a fresh temporary directory; without
 * `exportNewKv` the graph has only the Optimum outputs, like other exporters' decoders.
 */
export function buildTinyModel(seed = 0, exportNewKv = true, presetOverrides: BuildModelOptions['presetOverrides'] = {}, preset: BuildModelOptions['preset'] = 'tiny'): TinyModelDir {
  const root = mkdtempSync(join(tmpdir(), 'spyre-eager-'));
  const dir = join(root, 'model');
  buildModel({ preset, outDir: dir, seed, exportNewKv, presetOverrides });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random ids in [low, high). */
export function randomIds(seed: number, length: number, low: number, high: number): number[] {
  let state = (seed * 2654435761 + 1) >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return low + ((state >>> 8) % (high - low));
  });
}

export interface EagerCoreRig {
  readonly core: EngineCore;
  readonly runner: EagerRunner;
  readonly config: EngineConfig;
}

let fakeNow = 0;
const stepClock: Clock = { nowS: () => (fakeNow += 0.001) };

/** An engine core driven by the eager runner over `model` (load once per file, share across rigs). */
export function eagerCoreRig(model: EagerModel, flags: Omit<EngineFlags, 'model'>, env: Record<string, string> = {}): EagerCoreRig {
  const container = new Container();
  const config = resolveEngineConfig({ model: model.info.dir, ...flags }, env, SILENT_LOGGER);
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(stepClock);
  container.bind(EagerModel).toConstantValue(model);
  registerCore(container);
  registerEagerBackend(container);
  return { core: container.get(EngineCore), runner: container.get(EagerRunner), config };
}

export { loadEagerModel };
