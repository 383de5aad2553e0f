/* Last-error string (per thread), status names and the library's identity. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static __thread char last_error[2048];

int32_t emu_fail(int32_t status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}

void emu_clear_error(void) { last_error[0] = '\0'; }

const char *sendnn_last_error(void) { return last_error; }

uint32_t sendnn_abi_version(void) { return SENDNN_ABI_VERSION; }
const char *sendnn_library_name(void) { return EMU_LIBRARY_NAME; }
const char *sendnn_library_version(void) { return EMU_LIBRARY_VERSION; }

const char *sendnn_status_name(int32_t status) {
  switch (status) {
    case SENDNN_OK: return "SENDNN_OK";
    case SENDNN_E_INVALID_ARGUMENT: return "SENDNN_E_INVALID_ARGUMENT";
    case SENDNN_E_DEVICE_MEMORY: return "SENDNN_E_DEVICE_MEMORY";
    case SENDNN_E_NOT_COMPILED: return "SENDNN_E_NOT_COMPILED";
    case SENDNN_E_CACHE_MISS: return "SENDNN_E_CACHE_MISS";
    case SENDNN_E_ARTIFACT_MISMATCH: return "SENDNN_E_ARTIFACT_MISMATCH";
    case SENDNN_E_ARTIFACT_CORRUPT: return "SENDNN_E_ARTIFACT_CORRUPT";
    case SENDNN_E_IO: return "SENDNN_E_IO";
    case SENDNN_E_UNSUPPORTED: return "SENDNN_E_UNSUPPORTED";
    case SENDNN_E_DEVICE_FAULT: return "SENDNN_E_DEVICE_FAULT";
    case SENDNN_E_HOST_MEMORY: return "SENDNN_E_HOST_MEMORY";
    default: return "SENDNN_E_UNKNOWN";
  }
}
