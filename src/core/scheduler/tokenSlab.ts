/** Doubles per slab: 512 KB, a few thousand prompts; a live request keeps at most its slab alive. */
const SLAB_LENGTH = 1 << 16;
/** Larger buffers get an ArrayBuffer of their own. */
const LARGEST_CARVED = SLAB_LENGTH >> 3;

let slab = new Float64Array(SLAB_LENGTH);
let slabUsed = 0;

/**
 * A zeroed typed buffer of `length` token slots for a request, carved from a shared slab: creating a view is
 * several times cheaper than a new ArrayBuffer (an allocation outside the JS heap per request), and like one
 * it keeps the tokens off the heap the garbage collector copies and scans. Views never overlap; a slab is
 * freed when none of its views is referenced any more.
 */
export function tokenBuffer(length: number): Float64Array {
  if (length > LARGEST_CARVED) return new Float64Array(length);
  if (slabUsed + length > SLAB_LENGTH) {
    slab = new Float64Array(SLAB_LENGTH);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += length;
  return view;
}
