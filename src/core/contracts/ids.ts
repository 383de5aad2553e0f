/** A request's identity inside the engine. Branded so that a plain string cannot be passed by mistake. */
export type RequestId = string & { readonly __brand: 'RequestId' };

/**
 * Index of a 64-token KV block in the pool. Block 0 is the null/padding block.
 * Kept a plain number alias: block ids live in typed arrays on hot paths.
 */
export type BlockId = number;

/** The id of the null block: never allocated to a request, the target of masked writes. */
export const NULL_BLOCK_ID: BlockId = 0;

/** Tokens per KV block. Fixed by the device. */
export const BLOCK_SIZE = 64;

export function asRequestId(id: string): RequestId {
  return id as RequestId;
}
