// An LlmEngine over the real core with a scripted backend and a one-character-per-token codec.
import 'reflect-metadata';
import { Container } from 'inversify';
import { StepExecutor } from '../../../../src/core/contracts/backend.js';
import { Clock } from '../../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../../src/core/contracts/config.js';
import { Logger, SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import type { RequestId } from '../../../../src/core/contracts/ids.js';
import type { StepPlan, StepResult } from '../../../../src/core/contracts/stepPlan.js';
import { TextCodec, type IncrementalTextDecoder } from '../../../../src/core/contracts/textCodec.js';
import { resolveEngineConfig } from '../../../../src/core/config/resolveEngineConfig.js';
import { LlmEngine } from '../../../../src/core/engine/llmEngine.js';
import { registerCore } from '../../../../src/core/registerCore.js';

/** ids 0–25 are 'a'–'z', 26 is ' ', 27 is EOS (no text). */
export const EOS = 27;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz ';

export function idsOf(text: string): number[] {
  return [...text].map((char) => ALPHABET.indexOf(char));
}

export const LETTER_CODEC: TextCodec = {
  encode: (text) => idsOf(text),
  decode: (ids) => ids.map((id) => ALPHABET[id] ?? '').join(''),
  applyChatTemplate: (turns) => turns.map((turn) => `${turn.role} ${turn.content} `).join(''),
  createDetokenizer: (): IncrementalTextDecoder => ({ push: (id) => ALPHABET[id] ?? '', flush: () => '' }),
  eosTokenIds: [EOS],
};

/** Emits each request's script in order (then 'z' forever); fails the requests named in `failing`. */
export class ScriptedExecutor implements StepExecutor {
  readonly scripts = new Map<string, readonly number[]>();
  readonly failing = new Set<string>();
  private readonly produced = new Map<RequestId, number>();
  numSteps = 0;

  async execute(plan: StepPlan): Promise<StepResult> {
    await Promise.resolve();
    this.numSteps += 1;
    const ids = plan.kind === 'prefill' ? (plan.isLastChunk ? [plan.requestId] : []) : plan.rows.map((row) => row.requestId);
    const failed = ids.filter((id) => this.failing.has(id)).map((requestId) => ({ requestId, message: `scripted failure of ${requestId}` }));
    const sampled = ids.filter((id) => !this.failing.has(id)).map((requestId) => ({ requestId, tokenId: this.next(requestId) }));
    return failed.length > 0 ? { sampled, failed } : { sampled };
  }

  private next(requestId: RequestId): number {
    const index = this.produced.get(requestId) ?? 0;
    this.produced.set(requestId, index + 1);
    return this.scripts.get(requestId)?.[index] ?? 25;
  }
}

export function llmEngineRig(maxModelLen = 256): { engine: LlmEngine; executor: ScriptedExecutor } {
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(resolveEngineConfig({ model: 'letters', maxModelLen, maxNumSeqs: 4, maxNumBatchedTokens: 64 }, {}, SILENT_LOGGER));
  let now = 0;
  container.bind(Clock).toConstantValue({ nowS: () => (now += 0.01) });
  container.bind(Logger).toConstantValue(SILENT_LOGGER);
  container.bind(TextCodec).toConstantValue(LETTER_CODEC);
  const executor = new ScriptedExecutor();
  container.bind(StepExecutor).toConstantValue(executor);
  registerCore(container);
  container.bind(LlmEngine).toSelf().inSingletonScope();
  return { engine: container.get(LlmEngine), executor };
}
