// Byte-level BPE training on word types (distinct pre-tokenized pieces with their counts), the way
// the Hugging Face trainer does it: repeatedly merge the most frequent adjacent pair. Pair counts
// are kept up to date incrementally; only the words that contain the merged pair are touched.
import { BYTE_TO_CHAR, GPT2_SPLIT_PATTERN, toByteLevelChars } from './byteLevel.js';
import { PairHeap } from './pairHeap.js';

export interface TrainedBpe {
  /** Token strings by id, starting with the special tokens, then the 256 bytes, then merge results. */
  readonly tokens: readonly string[];
  readonly merges: ReadonlyArray<readonly [string, string]>;
}

interface WordType {
  symbols: number[];
  readonly count: number;
}

const KEY_BASE = 1 << 20;
const pairKey = (left: number, right: number): number => left * KEY_BASE + right;

function countWordTypes(texts: ReadonlyArray<readonly [string, number]>, charToId: ReadonlyMap<string, number>): WordType[] {
  const counts = new Map<string, number>();
  for (const [text, count] of texts) {
    for (const piece of text.match(GPT2_SPLIT_PATTERN) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + count);
  }
  return [...counts].map(([piece, count]) => ({
    symbols: toByteLevelChars(piece).map((ch) => charToId.get(ch) as number),
    count,
  }));
}

class PairStats {
  readonly counts = new Map<number, number>();
  readonly wordsWithPair = new Map<number, Set<number>>();
  readonly heap = new PairHeap();
  // Net count change per pair since the last flush. A merge removes and re-adds every pair of each
  // word it touches; most of those cancel out, and only real changes should reach the heap.
  private readonly pendingDeltas = new Map<number, number>();

  add(word: WordType, wordIndex: number, sign: 1 | -1): void {
    for (let i = 0; i + 1 < word.symbols.length; i++) {
      const key = pairKey(word.symbols[i] as number, word.symbols[i + 1] as number);
      this.counts.set(key, (this.counts.get(key) ?? 0) + sign * word.count);
      this.pendingDeltas.set(key, (this.pendingDeltas.get(key) ?? 0) + sign * word.count);
      if (sign > 0) {
        let words = this.wordsWithPair.get(key);
        if (!words) this.wordsWithPair.set(key, (words = new Set()));
        words.add(wordIndex);
      }
    }
  }

  flush(): void {
    for (const [key, delta] of this.pendingDeltas) {
      const count = this.counts.get(key) ?? 0;
      if (delta !== 0 && count > 0) this.heap.push(count, key);
    }
    this.pendingDeltas.clear();
  }

  /** The current most frequent pair, skipping heap entries made stale by later updates. */
  popBest(): number | undefined {
    for (let top = this.heap.pop(); top; top = this.heap.pop()) {
      if (this.counts.get(top.key) === top.count) return top.key;
    }
    return undefined;
  }
}

function mergeInWord(symbols: readonly number[], left: number, right: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(symbols[i] as number);
    }
  }
  return out;
}

/**
 * Learns up to `maxMerges` merges. Stops early when no pair is left (every word is one token).
 * Deterministic: ties between equally frequent pairs go to the lower (left id, right id).
 */
export function trainByteLevelBpe(
  texts: ReadonlyArray<readonly [string, number]>,
  specialTokens: readonly string[],
  maxMerges: number,
): TrainedBpe {
  const tokens: string[] = [...specialTokens, ...BYTE_TO_CHAR];
  const idOf = new Map<string, number>(tokens.map((token, id) => [token, id]));
  const words = countWordTypes(texts, idOf);
  const stats = new PairStats();
  words.forEach((word, index) => stats.add(word, index, 1));
  stats.flush();
  const merges: Array<readonly [string, string]> = [];
  while (merges.length < maxMerges) {
    const key = stats.popBest();
    if (key === undefined) break;
    const left = Math.floor(key / KEY_BASE);
    const right = key % KEY_BASE;
    const mergedText = (tokens[left] as string) + (tokens[right] as string);
    // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"); the vocabulary keeps one id.
    let merged = idOf.get(mergedText);
    if (merged === undefined) {
      merged = tokens.push(mergedText) - 1;
      idOf.set(mergedText, merged);
    }
    merges.push([tokens[left] as string, tokens[right] as string]);
    for (const wordIndex of stats.wordsWithPair.get(key) ?? []) {
      const word = words[wordIndex] as WordType;
      stats.add(word, wordIndex, -1);
      word.symbols = mergeInWord(word.symbols, left, right, merged);
      stats.add(word, wordIndex, 1);
    }
    stats.counts.delete(key);
    stats.wordsWithPair.delete(key);
    stats.flush();
  }
  return { tokens, merges };
}
