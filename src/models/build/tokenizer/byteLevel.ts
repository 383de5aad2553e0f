// Byte-level BPE works on GPT-2's printable stand-ins for bytes (the table is src/tokenizer/byteLevelTable.ts,
// which the runtime tokenizer reads too) so that every byte sequence, and so every UTF-8 string, can be written
// as vocabulary tokens: that is what makes the round trip of arbitrary text (emoji, CJK, control bytes)
// possible without an unknown token.

import { BYTE_TO_CHAR } from '../../../tokenizer/byteLevelTable.js';

export { BYTE_TO_CHAR };

const encoder = new TextEncoder();

/** Maps a piece of text to its byte-level characters, one per UTF-8 byte. */
export function toByteLevelChars(text: string): string[] {
  return Array.from(encoder.encode(text), (b) => BYTE_TO_CHAR[b] as string);
}

/** The GPT-2 pre-tokenization pattern, the same one the ByteLevel pre-tokenizer applies before BPE. */
export const GPT2_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
