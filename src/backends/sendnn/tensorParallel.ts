import { EngineError } from '../../core/contracts/errors.js';
import { tensorParallelRefusal } from '../../device/tensorParallel.js';
import type { SendnnModelDesc } from './sendnnTypes.js';

/** Refuses, at startup, a card count or a model that cannot be split across that many cards, naming the numbers. */
export function checkShardable(desc: SendnnModelDesc, cards: number): void {
  const refusal = tensorParallelRefusal(desc, cards, 'the sendnn backend');
  if (refusal !== undefined) throw new EngineError('invalid_config', refusal);
}
