/* FNV-1a over 64-bit words in four interleaved lanes (independent multiply chains, so the CPU overlaps
 * them), folded together with the tail bytes: any flipped bit changes the sum. */
#include <string.h>

#include "internal.h"

#define FNV_PRIME 0x100000001b3ull
#define FNV_OFFSET 0xcbf29ce484222325ull

uint64_t emu_checksum(const void *data, size_t num_bytes, uint64_t seed) {
  const unsigned char *bytes = (const unsigned char *)data;
  uint64_t lanes[4] = {seed ^ FNV_OFFSET, seed ^ (FNV_OFFSET + 1), seed ^ (FNV_OFFSET + 2), seed ^ (FNV_OFFSET + 3)};
  size_t i = 0;
  for (; i + 32 <= num_bytes; i += 32) {
    uint64_t words[4];
    memcpy(words, bytes + i, 32);
    for (int lane = 0; lane < 4; lane++) lanes[lane] = (lanes[lane] ^ words[lane]) * FNV_PRIME;
  }
  uint64_t hash = FNV_OFFSET ^ (uint64_t)num_bytes;
  for (int lane = 0; lane < 4; lane++) hash = (hash ^ lanes[lane]) * FNV_PRIME;
  for (; i < num_bytes; i++) hash = (hash ^ bytes[i]) * FNV_PRIME;
  return hash;
}
