/**
 * tkv arithmetic of the rectangular decode batch (SPEC §2.4). Every row is left-padded with copies of the
 * null block up to the batch's largest block count; a row's tkv is `padBlocks*64 + computed + 1`.
 */

/** A decoding row as the tkv arithmetic sees it. */
export interface DecodeRowShape {
  /** Tokens computed before the step. */
  readonly numComputedTokens: number;
  /** Blocks held, counting the one reserved for this step's token. */
  readonly numBlocks: number;
}

/** A row's tkv: its padding blocks, its computed tokens, and the token it feeds this step. */
export function rowTkv(paddingBlocks: number, numComputedTokens: number, blockSize: number): number {
  return paddingBlocks * blockSize + numComputedTokens + 1;
}

export function decodeBatchTkv(rows: readonly DecodeRowShape[], blockSize: number): number {
  let maxBlocks = 0;
  for (const row of rows) maxBlocks = Math.max(maxBlocks, row.numBlocks);
  let tkv = 0;
  for (const row of rows) tkv = Math.max(tkv, rowTkv(maxBlocks - row.numBlocks, row.numComputedTokens, blockSize));
  return tkv;
}

/** Blocks a row holds after reserving room for its next token. */
export function blocksForNextToken(numComputedTokens: number, numBlocks: number, blockSize: number): number {
  return numComputedTokens + 1 > numBlocks * blockSize ? numBlocks + 1 : numBlocks;
}

/**
 * The batch tkv reported after the last chunk of a prompt of `numPromptTokens` joins a batch whose tkv
 * was `tkv` (SPEC §2.4): both are aligned to the larger block count.
 */
export function tkvAfterJoin(numPromptTokens: number, tkv: number, blockSize: number): number {
  const numBlocks = Math.max(Math.ceil(numPromptTokens / blockSize), Math.ceil(tkv / blockSize));
  const base = (numBlocks - 1) * blockSize;
  return Math.max(base + ((numPromptTokens - 1) % blockSize) + 1, base + ((tkv - 1) % blockSize) + 1);
}
