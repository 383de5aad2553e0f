// The encoder importer's refusals: an operator or activation the sendnn encoder programs do not compute is named.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSendnnEncoderModel } from '../../../../src/backends/sendnn/encoder/sendnnEncoderModel.js';
import { swapFirstOperator, writableCopy } from '../../../support/onnxRewrite.js';

const DISTILBERT = '/work/shared/fixtures/real-models/optimum-tiny-distilbert-classifier';
let copy: string | undefined;
afterEach(() => {
  if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
});

describe('loadSendnnEncoderModel', () => {
  it('should read the DistilBERT export as a ReLU-headed classifier without token types', () => {
    expect(loadSendnnEncoderModel(DISTILBERT).desc).toMatchObject({ hiddenSize: 2, numLayers: 2, numHeads: 2, typeVocabSize: 1, numLabels: 2, classifierActivation: 'relu', maxPositions: 512 });
  });

  it('should name the activation when the intermediate GELU is not the exact one', () => {
    copy = writableCopy(DISTILBERT, 'onnx/model.onnx');
    swapFirstOperator(join(copy, 'onnx', 'model.onnx'), 'Erf', 'Tanh');
    expect(() => loadSendnnEncoderModel(copy as string)).toThrow('layer 0: the intermediate activation is not the exact (erf) GELU');
  });

  it('should name an operator it does not compute', () => {
    copy = writableCopy(DISTILBERT, 'onnx/model.onnx');
    const node = swapFirstOperator(join(copy, 'onnx', 'model.onnx'), 'Relu', 'LeakyRelu');
    expect(() => loadSendnnEncoderModel(copy as string)).toThrow(`operator LeakyRelu (node ${node}) is not part of a BERT-style encoder the sendnn programs compute`);
  });
});
