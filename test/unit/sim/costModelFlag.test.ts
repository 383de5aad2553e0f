import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costModelFromFlag } from '../../../sim/cost/costModelFlag.js';

describe('having a --cost-model flag', () => {
  it('when it names a hardware profile, should select that profile', () => {
    expect(costModelFromFlag('spyre-illustrative')).toEqual({ profile: 'spyre-illustrative' });
  });

  it('when it names a device profile or device:FILE, should select the roofline over it', () => {
    expect(costModelFromFlag('spyre-card')).toEqual({ device: 'spyre-card' });
    expect(costModelFromFlag('device:cards/small.json')).toEqual({ device: resolve('cards/small.json') });
  });

  it('when it is a path, should read that calibration file, its fit by default or its table with :table', () => {
    expect(costModelFromFlag('out/eager.json')).toEqual({ file: resolve('out/eager.json'), use: 'linear' });
    expect(costModelFromFlag('out/eager.json:table')).toEqual({ file: resolve('out/eager.json'), use: 'table' });
  });
});
