/**
 * Chained hashes of full 64-token blocks: H(parent, tokens, extra key). Two independent 32-bit
 * multiply-xorshift lanes combined into a 53-bit integer, so a hash is a plain JS number usable as a Map
 * key, and a collision needs ~2^26 distinct cached blocks to become likely — far beyond any pool here.
 */

const LANE_MASK_HIGH = 0x1fffff; // 21 bits of the second lane + 32 bits of the first = 53 bits

function mix32(h: number, value: number): number {
  let x = Math.imul(value | 0, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  h ^= x;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish32(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function stringCodes(text: string | undefined): number[] {
  if (text === undefined) return [];
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) codes.push(text.charCodeAt(i));
  return codes;
}

/**
 * The hash of the block holding `tokens[start, start+64)`, chained on `parentHash`.
 * `extraKey` (a cache salt) distinguishes otherwise equal blocks.
 */
export function hashBlockTokens(
  parentHash: number,
  tokens: ArrayLike<number>,
  start: number,
  blockSize: number,
  extraKey?: string,
): number {
  const parentLow = parentHash % 0x100000000;
  const parentHigh = Math.floor(parentHash / 0x100000000);
  let a = mix32(0x9747b28c, parentLow);
  let b = mix32(0x5bd1e995, parentHigh);
  a = mix32(a, parentHigh);
  b = mix32(b, parentLow);
  for (let i = start; i < start + blockSize; i++) {
    const token = tokens[i]!;
    a = mix32(a, token);
    b = mix32(b, token ^ 0x27d4eb2f);
  }
  for (const code of stringCodes(extraKey)) {
    a = mix32(a, code + 0x10000);
    b = mix32(b, code + 0x20000);
  }
  const low = finish32(a, blockSize);
  const high = finish32(b, blockSize + 1) & LANE_MASK_HIGH;
  return high * 0x100000000 + low;
}
