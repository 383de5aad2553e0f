// GPT-2's byte-to-character table. Byte-level BPE works on these printable stand-ins so that every
// byte sequence, and so every UTF-8 string, can be written as vocabulary tokens: that is what makes
// the round trip of arbitrary text (emoji, CJK, control bytes) possible without an unknown token.

function buildByteToChar(): readonly string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = new Array<string>(256);
  let nextShifted = 256;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : nextShifted++);
  }
  return table;
}

/** `BYTE_TO_CHAR[b]` is the single character that stands for byte `b` in vocabulary and merges. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const encoder = new TextEncoder();

/** Maps a piece of text to its byte-level characters, one per UTF-8 byte. */
export function toByteLevelChars(text: string): string[] {
  return Array.from(encoder.encode(text), (b) => BYTE_TO_CHAR[b] as string);
}

/** The GPT-2 pre-tokenization pattern, the same one the ByteLevel pre-tokenizer applies before BPE. */
export const GPT2_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
