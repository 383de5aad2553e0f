import { describe, expect, it } from 'vitest';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import { buildPrefillChunkPlan, ChunkTokenBuffer } from '../../../../src/core/scheduler/prefillChunkPlan.js';
import { chunkIndexFor, chunkTokenSpan, countWithoutLeftPadding, prefillGeometry, usablePrefixBlocks } from '../../../../src/core/scheduler/prefillGeometry.js';

describe('having the chunk size 128 of SPEC §2.3', () => {
  const cases: readonly [number, number, number][] = [
    [10, 1, 64],
    [51, 1, 64],
    [63, 1, 64],
    [95, 1, 0],
    [127, 1, 0],
    [148, 2, 64],
    [251, 2, 0],
    [260, 3, 64],
    [420, 4, 64],
  ];
  for (const [promptLength, chunks, leftPadding] of cases) {
    it(`when the prompt has ${promptLength} tokens, should take ${chunks} chunk(s) with ${leftPadding} left padding`, () => {
      const geometry = prefillGeometry(promptLength, 128, 64);
      expect(geometry.numChunks).toBe(chunks);
      expect(geometry.leftPaddingTokens).toBe(leftPadding);
      expect((geometry.leftPaddingTokens + geometry.paddedTokens) % 128).toBe(0);
    });
  }

  it('when a 420-token prompt is split, should place chunk 0 after 64 pad slots and cover the prompt once', () => {
    const geometry = prefillGeometry(420, 128, 64);
    const spans = [0, 1, 2, 3].map((chunk) => chunkTokenSpan(geometry, chunk));
    expect(spans[0]).toEqual({ firstTokenIndex: 0, endTokenIndex: 64, firstValidSlot: 64, endValidSlot: 128 });
    expect(spans[1]).toEqual({ firstTokenIndex: 64, endTokenIndex: 192, firstValidSlot: 0, endValidSlot: 128 });
    expect(spans[3]).toEqual({ firstTokenIndex: 320, endTokenIndex: 420, firstValidSlot: 0, endValidSlot: 100 });
  });

  it('when the runner picks the chunk from the computed count, should follow the plan (corrected count 64 → chunk 1)', () => {
    const geometry = prefillGeometry(300, 128, 64);
    expect(chunkIndexFor(geometry, 0, 64)).toBe(0);
    expect(chunkIndexFor(geometry, 64, 64)).toBe(1);
    expect(chunkIndexFor(geometry, 192, 64)).toBe(2);
  });

  it('when a prompt is fully cached, should still recompute its last chunk (whole-chunk rule)', () => {
    expect(usablePrefixBlocks(prefillGeometry(250, 128, 64), 3)).toBe(2);
    expect(usablePrefixBlocks(prefillGeometry(144, 128, 64), 2)).toBe(1);
    expect(usablePrefixBlocks(prefillGeometry(127, 128, 64), 1)).toBe(0);
    expect(usablePrefixBlocks(prefillGeometry(300, 128, 64), 1)).toBe(1);
    expect(usablePrefixBlocks(prefillGeometry(256, 128, 64), 1)).toBe(0);
  });
});

describe('having a chunk plan with left padding and prefix-hit blocks', () => {
  it('should map padding and hit blocks to the null block and keep the table truncated to the chunk', () => {
    const geometry = prefillGeometry(286, 128, 64);
    const plan = buildPrefillChunkPlan({
      requestId: asRequestId('p3'),
      sampling: {},
      geometry,
      chunkIndex: 2,
      promptTokenIds: Array.from({ length: 286 }, (_, index) => index + 1),
      blockIds: [1, 2, 3, 4, 5],
      numPrefixHitBlocks: 4,
      isLastChunk: true,
    });
    expect(plan.blockTable).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.slotBlocks).toEqual([0, 5]);
    expect(plan.tokenIds.slice(0, 3)).toEqual([193, 194, 195]);
    expect(plan.endValidSlot).toBe(94);
    expect(plan.tokenIds[94]).toBe(0);
  });
});

describe('having the first-chunk correction (SPEC §2.3)', () => {
  // 148 tokens in chunks of 128: 64 pad slots lead the first chunk.
  const geometry = prefillGeometry(148, 128, 64);

  it('when the first chunk has run, should not count its 64 pad slots as prompt tokens', () => {
    expect(countWithoutLeftPadding(geometry, 128, 0)).toBe(64);
  });

  it('when the count has passed the first chunk, should leave it alone', () => {
    expect(countWithoutLeftPadding(geometry, 192, 0)).toBe(192);
  });

  it('when a usable prefix hit is larger than what the correction leaves, should keep the hit', () => {
    expect(countWithoutLeftPadding(geometry, 100, 64)).toBe(64);
  });
});

describe('having a chunk plan written into a reused token array', () => {
  it('should overwrite every slot: the chunk tokens, and zeros in the padding on both sides', () => {
    const geometry = prefillGeometry(30, 128, 64);
    const input = {
      requestId: asRequestId('reused'),
      sampling: {},
      geometry,
      chunkIndex: 0,
      promptTokenIds: Array.from({ length: 30 }, (_, index) => index + 1),
      blockIds: [1],
      numPrefixHitBlocks: 0,
      isLastChunk: true,
    };
    const buffer = new ChunkTokenBuffer(128);
    // A longer chunk first, whose tokens the next one must clear where it pads.
    buildPrefillChunkPlan({ ...input, geometry: prefillGeometry(128, 128, 64), promptTokenIds: new Array<number>(128).fill(7), blockIds: [1, 2], tokenBuffer: buffer });
    const plan = buildPrefillChunkPlan({ ...input, tokenBuffer: buffer });
    expect(plan.tokenIds).toBe(buffer.tokenIds);
    expect(plan.tokenIds).toEqual(buildPrefillChunkPlan(input).tokenIds);
    expect([plan.firstValidSlot, plan.endValidSlot]).toEqual([64, 94]);
    expect(plan.tokenIds.filter((tokenId, slot) => tokenId !== 0 && (slot < 64 || slot >= 94))).toEqual([]);
  });
});
