import { buildCorpus } from './corpus.js';
import { trainByteLevelBpe, type TrainedBpe } from './bpeTrainer.js';
import { SPECIAL_TOKEN_CONTENTS } from './specialTokens.js';

// Enough distinct pseudo-words that the larger preset's merge budget is reached before pairs run out.
const NUM_PSEUDO_WORDS = 12_000;

/** Trains the deterministic byte-level BPE that every built model uses; vocabulary = tokens.length. */
export function buildTokenizer(seed: number, maxMerges: number): TrainedBpe {
  return trainByteLevelBpe(buildCorpus(seed, NUM_PSEUDO_WORDS), SPECIAL_TOKEN_CONTENTS, maxMerges);
}
