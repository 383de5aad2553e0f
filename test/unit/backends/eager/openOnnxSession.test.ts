import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOnnxSession } from '../../../../src/backends/eager/openOnnxSession.js';
import { engineErrorOf } from '../../../support/engineErrors.js';

describe('having a model file onnxruntime cannot parse', () => {
  it('should fail startup with an invalid_config error that names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spyre-onnx-'));
    const path = join(dir, 'model.onnx');
    writeFileSync(path, 'this is not a protobuf');
    const thrown = await openOnnxSession(path, undefined).then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = engineErrorOf(() => {
      throw thrown;
    }, 'invalid_config');
    expect(error.message).toContain(path);
    expect(error.message).toContain('onnxruntime could not load the model');
    rmSync(dir, { recursive: true, force: true });
  });
});
