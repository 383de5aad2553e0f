import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImportMessages(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('having the lint rules of eslint.config.js', () => {
  const wrongArrows: readonly [string, string][] = [
    ['src/core/engine/x.ts', "import { Session } from 'onnxruntime-node';\nexport const s = Session;\n"],
    ['src/core/kv/x.ts', "import koffi from 'koffi';\nexport const k = koffi;\n"],
    ['src/core/scheduler/x.ts', "import { y } from '../../backends/eager/y.js';\nexport const z = y;\n"],
    ['src/core/engine/x.ts', "import { y } from '../../../sim/kernel/virtualClock.js';\nexport const z = y;\n"],
    ['src/backends/eager/x.ts', "import koffi from 'koffi';\nexport const k = koffi;\n"],
    ['src/backends/eager/x.ts', "import { TokenSampler } from '../../core/engine/sampling/tokenSampler.js';\nexport const t = TokenSampler;\n"],
    ['src/backends/sendnn/x.ts', "import { SamplingStateStore } from '../../core/engine/sampling/samplingStateStore.js';\nexport const s = SamplingStateStore;\n"],
    ['src/backends/sendnn/encoder/x.ts', "import { y } from '../../../core/kv/blockPool.js';\nexport const z = y;\n"],
    ['src/backends/eager/x.ts', "import { y } from '../../core/scheduler/spyreScheduler.js';\nexport const z = y;\n"],
    ['src/backends/eager/x.ts', "import { y } from '../../app/backendRegistry.js';\nexport const z = y;\n"],
    ['sim/kernel/x.ts', "import { y } from '../../src/backends/eager/y.js';\nexport const z = y;\n"],
    ['src/device/x.ts', "import { y } from '../core/contracts/errors.js';\nexport const z = y;\n"],
    ['src/device/x.ts', "import { readFileSync } from 'node:fs';\nexport const z = readFileSync;\n"],
  ];
  for (const [filePath, source] of wrongArrows) {
    it(`when ${filePath} imports ${source.split("'")[1]}, should fail the check`, async () => {
      expect(await restrictedImportMessages(filePath, source)).not.toEqual([]);
    });
  }

  it('when core imports its own contracts, a backend imports core/contracts and koffi stays in ffi/, should pass', async () => {
    expect(await restrictedImportMessages('src/core/engine/x.ts', "import { BLOCK_SIZE } from '../contracts/ids.js';\nexport const b = BLOCK_SIZE;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/backends/eager/x.ts', "import { BLOCK_SIZE } from '../../core/contracts/ids.js';\nexport const b = BLOCK_SIZE;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/backends/eager/x.ts', "import { TokenSampling } from '../../core/contracts/sampling.js';\nexport const t = TokenSampling;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/backends/sendnn/encoder/x.ts', "import { y } from '../../../core/scheduler/pooling/shapeMemory.js';\nexport const z = y;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/device/x.ts', "import { y } from './deviceProfile.js';\nexport const z = y;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/backends/sendnn/x.ts', "import { y } from '../../device/stepTime.js';\nexport const z = y;\n")).toEqual([]);
    expect(await restrictedImportMessages('sim/cost/x.ts', "import { y } from '../../src/device/stepTime.js';\nexport const z = y;\n")).toEqual([]);
    expect(await restrictedImportMessages('src/backends/sendnn/ffi/x.ts', "import koffi from 'koffi';\nexport const k = koffi;\n")).toEqual([]);
  });
});
