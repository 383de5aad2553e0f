import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_EMULATOR_PATH, buildBundledEmulator, resolveSendnnLibraryPath } from '../../../../src/backends/sendnn/nativeLibraryPath.js';
import { DEFAULT_DEVICE_MEMORY_BYTES, sendnnOptionsFromEnv } from '../../../../src/backends/sendnn/sendnnOptions.js';

describe('sendnnOptionsFromEnv', () => {
  describe('when SPYRE_SENDNN_DEVICE_MEMORY_BYTES is unset or blank', () => {
    it('should use the default capacity', () => {
      expect(sendnnOptionsFromEnv({}).deviceMemoryBytes).toBe(DEFAULT_DEVICE_MEMORY_BYTES);
      expect(sendnnOptionsFromEnv({ SPYRE_SENDNN_DEVICE_MEMORY_BYTES: ' ' }).deviceMemoryBytes).toBe(DEFAULT_DEVICE_MEMORY_BYTES);
    });
  });
  describe('when it is a positive integer', () => {
    it('should use it', () => expect(sendnnOptionsFromEnv({ SPYRE_SENDNN_DEVICE_MEMORY_BYTES: '123456' }).deviceMemoryBytes).toBe(123456));
  });
  describe('when it is not a positive integer', () => {
    it('should fail naming the variable and the value', () => {
      for (const raw of ['0', '-5', '1e9', '2GB']) {
        expect(() => sendnnOptionsFromEnv({ SPYRE_SENDNN_DEVICE_MEMORY_BYTES: raw })).toThrow(`SPYRE_SENDNN_DEVICE_MEMORY_BYTES must be a positive integer, but it was set to '${raw}'`);
      }
    });
  });
});

describe('resolveSendnnLibraryPath', () => {
  describe('having SPYRE_SENDNN_LIBRARY set', () => {
    it('should use that path as given (absolute), without building anything', () => {
      expect(resolveSendnnLibraryPath('vendor/libsendnn.so')).toBe(resolve('vendor/libsendnn.so'));
    });
  });
  describe('having nothing set', () => {
    it('should give the bundled emulator, built under build/native', () => {
      expect(resolveSendnnLibraryPath(undefined)).toBe(BUNDLED_EMULATOR_PATH);
      expect(BUNDLED_EMULATOR_PATH.endsWith('build/native/libsendnn_emu.so')).toBe(true);
    });
  });
});

describe('buildBundledEmulator', () => {
  describe('when no C compiler or make can be found', () => {
    it('should say what is missing, the path it tried, and how to build or choose a library', () => {
      const path = process.env.PATH;
      process.env.PATH = '/nonexistent-spyre-bin';
      try {
        expect(() => buildBundledEmulator()).toThrow(
          `sendnn library not found: tried ${BUNDLED_EMULATOR_PATH}, and it cannot be built here (no C compiler (cc, gcc or clang) on PATH). Install gcc and make and run \`npm run build:native\`, or set SPYRE_SENDNN_LIBRARY to the path of a library that implements the sendnn ABI.`,
        );
      } finally {
        process.env.PATH = path;
      }
    });
  });
});
