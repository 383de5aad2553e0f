// The training text for the BPE tokenizer, made here rather than downloaded so that the same seed
// gives the same tokenizer offline. Real sentences give the frequent merges (" the", "ing"); a long
// tail of pronounceable pseudo-words gives enough distinct pairs for a vocabulary of several thousand.
import { splitmix32 } from '../prng.js';

const SENTENCES: readonly string[] = [
  'The quick brown fox jumps over the lazy dog.',
  'A serving engine schedules requests, batches them and streams the generated tokens back to the client.',
  'Each step runs either one prefill chunk or one decode of every running request, never both.',
  'The key and value cache is stored in blocks of sixty-four positions, and a block can be shared by prefix.',
  'When the queue is full, new requests wait until a running one finishes and frees its blocks.',
  'Hello, world! How are you today? I am fine, thank you, and you?',
  'Numbers like 0, 1, 2, 3, 42, 100, 2048 and 3.14159 appear in text as well as words.',
  'function add(a, b) { return a + b; } const x = add(1, 2); console.log(x);',
  'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }',
  'def main():\n    print("hello")\n    return 0\n',
  'It was the best of times, it was the worst of times, it was the age of wisdom.',
  'In the beginning there was nothing, and then there was a small language model.',
  'She said that they would be there in the morning, but they did not come until the evening.',
  'Tokens, words and characters are not the same thing; bytes are what the model finally sees.',
  'Machine learning models learn patterns from data and use them to make predictions.',
  '東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.',
  'Emoji are text too: 🙂 🚀 🎉 👍🏽 and flags like 🇫🇷 are several code points each.',
  'Ça va? Où est la bibliothèque? Der Bär läuft über die Straße. ¿Qué tal, señor?',
];

const ONSETS: readonly string[] = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'ch', 'cl', 'dr', 'fl', 'gr', 'pl', 'pr', 'sh', 'st', 'th', 'tr'];
const NUCLEI: readonly string[] = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'ie', 'oo', 'ou'];
const CODAS: readonly string[] = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'ng', 'nd', 'st', 'ck'];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[next() % items.length] as T;
}

function pseudoWord(next: () => number): string {
  const syllables = 1 + (next() % 4);
  let word = '';
  for (let s = 0; s < syllables; s++) word += pick(ONSETS, next) + pick(NUCLEI, next) + pick(CODAS, next);
  return word;
}

/**
 * Returns (piece of text, count) pairs to train on. Counts stand in for repetition, so the
 * trainer sees a large corpus without a large string. Pseudo-word counts fall off like Zipf's law.
 */
export function buildCorpus(seed: number, numPseudoWords: number): ReadonlyArray<readonly [string, number]> {
  const next = splitmix32(seed);
  const texts: Array<readonly [string, number]> = SENTENCES.map((sentence) => [sentence, 50] as const);
  for (let rank = 1; rank <= numPseudoWords; rank++) {
    const word = pseudoWord(next);
    const capitalised = rank % 7 === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    texts.push([` ${capitalised}`, Math.max(1, Math.floor(2000 / rank))]);
  }
  return texts;
}
