import { describe, expect, it } from 'vitest';
import { servesPoolingModel } from '../../../src/server/serve/startServe.js';
import { buildTempEncoder } from '../../support/tinyEncoder.js';

describe('having spyre serve deciding which engine to start', () => {
  describe('when --task names a task', () => {
    it('should start the pooling engine for embed, score and classify, the generative one for generate', () => {
      expect(['embed', 'score', 'classify', 'generate'].map((task) => servesPoolingModel({ model: '/nowhere', task } as never))).toEqual([true, true, true, false]);
    });
  });

  describe('when --task is absent', () => {
    it("should follow the model directory's config: an encoder is pooled; a missing directory goes the generative way (which reports it)", () => {
      const encoder = buildTempEncoder('tiny-embed');
      try {
        expect(servesPoolingModel({ model: encoder.dir })).toBe(true);
        expect(servesPoolingModel({ model: '/nowhere/at/all' })).toBe(false);
      } finally {
        encoder.remove();
      }
    });
  });
});
