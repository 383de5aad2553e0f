// GPT-2's byte-to-character table: byte-level BPE writes every byte as one printable character, so that any
// UTF-8 text is a string of vocabulary characters. The model builder trains on it; tokenBytes reads it back.

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
