/* FNV-1a over 64-bit words (then the tail bytes): fast, and any flipped bit changes the sum. */
#include <string.h>

#include "internal.h"

#define FNV_PRIME 0x100000001b3ull

uint64_t emu_checksum(const void *data, size_t num_bytes, uint64_t seed) {
  const unsigned char *bytes = (const unsigned char *)data;
  uint64_t hash = seed ^ 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= num_bytes; i += 8) {
    uint64_t word;
    memcpy(&word, bytes + i, 8);
    hash = (hash ^ word) * FNV_PRIME;
  }
  for (; i < num_bytes; i++) hash = (hash ^ bytes[i]) * FNV_PRIME;
  return hash;
}
