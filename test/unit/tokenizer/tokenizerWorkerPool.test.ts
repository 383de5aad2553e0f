// The tokenizer worker pool gives exactly the inline tokenizer's ids, texts and templates; a broken
// tokenizer or a dead worker is a clear rejected promise, never a crash; close() leaves no thread.
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../../src/models/build/index.js';
import { buildTokenizer } from '../../../src/models/build/tokenizer/buildTokenizer.js';
import { tokenizerConfigJson, tokenizerJson } from '../../../src/models/build/tokenizer/tokenizerFiles.js';
import type { TokenizerFiles } from '../../../src/models/dir/modelDirInfo.js';
import { ChatTemplateError } from '../../../src/tokenizer/chatTemplate.js';
import { TextTokenizer } from '../../../src/tokenizer/index.js';
import { AbandonedTokenizerJob, TokenizerWorkerPool } from '../../../src/tokenizer/worker/tokenizerWorkerPool.js';
import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import { MULTIBYTE_SAMPLES } from './tinyTokenizer.js';

let root: string;
let tinyFiles: TokenizerFiles;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spyre-tokenizer-pool-'));
  const preset = getPreset('tiny');
  tinyFiles = { tokenizerJsonPath: join(root, 'tokenizer.json'), tokenizerConfigPath: join(root, 'tokenizer_config.json') };
  writeFileSync(tinyFiles.tokenizerJsonPath, JSON.stringify(tokenizerJson(buildTokenizer(0, preset.tokenizerMerges))));
  writeFileSync(tinyFiles.tokenizerConfigPath as string, JSON.stringify(tokenizerConfigJson(preset.maxPositionEmbeddings)));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// Random Unicode (any code point, emoji, CJK, combining marks) in runs long enough to be worth offloading.
const texts = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom(...MULTIBYTE_SAMPLES)), { maxLength: 80 }).map((parts) => parts.join(''));

function expectSameAsInline(label: string, files: () => TokenizerFiles): void {
  describe(`having a pool over ${label}`, () => {
    let inline: TextTokenizer;
    let pool: TokenizerWorkerPool;
    beforeAll(() => {
      inline = TextTokenizer.fromFiles(files());
      pool = new TokenizerWorkerPool(files(), { numWorkers: 2 });
    });
    afterAll(async () => {
      await pool.close();
    });

    it('should encode random texts to the inline ids, with and without special tokens', async () => {
      await fc.assert(
        fc.asyncProperty(texts, fc.boolean(), async (text, addSpecialTokens) => {
          expect(await pool.encode(text, addSpecialTokens)).toEqual(inline.encode(text, { addSpecialTokens }));
        }),
        { numRuns: 60, seed: 18 },
      );
    });

    it('should decode random id lists (split characters included) to the inline text', async () => {
      const ids = fc.array(fc.integer({ min: 0, max: inline.vocabSize - 1 }), { minLength: 1, maxLength: 3000 });
      await fc.assert(
        fc.asyncProperty(ids, fc.boolean(), async (list, skipSpecialTokens) => {
          expect(await pool.decode(list, skipSpecialTokens)).toBe(inline.decode(list, { skipSpecialTokens }));
        }),
        { numRuns: 40, seed: 18 },
      );
    });

    it('should run jobs sent together, each to its own answer', async () => {
      const many = MULTIBYTE_SAMPLES.map((sample, index) => sample.repeat(index * 50 + 1));
      const answers = await Promise.all(many.map((text) => pool.encode(text, true)));
      expect(answers).toEqual(many.map((text) => inline.encode(text)));
    });
  });
}

expectSameAsInline('the tiny preset (byte-level BPE, ChatML template)', () => tinyFiles);
const llamaDir = join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-llama-fp16');
if (existsSync(llamaDir)) expectSameAsInline('the Llama export of the fixtures (Metaspace-style normalizer, byte fallback)', () => ({ tokenizerJsonPath: join(llamaDir, 'tokenizer.json'), tokenizerConfigPath: join(llamaDir, 'tokenizer_config.json') }));

describe('having the tiny preset chat template', () => {
  it('should render many messages to the inline text, and a template that raises to the same error class', async () => {
    const inline = TextTokenizer.fromFiles(tinyFiles);
    const pool = new TokenizerWorkerPool(tinyFiles);
    try {
      const messages = Array.from({ length: 300 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `turn ${index} 東京 🙂` }));
      expect(await pool.applyChatTemplate(messages, true)).toBe(inline.applyChatTemplate(messages, { addGenerationPrompt: true }));
    } finally {
      await pool.close();
    }
    const raising = join(root, 'raising');
    const files = { tokenizerJsonPath: tinyFiles.tokenizerJsonPath, tokenizerConfigPath: `${raising}.json` };
    writeFileSync(files.tokenizerConfigPath, JSON.stringify({ chat_template: "{{ raise_exception('no system turns, please') }}" }));
    const raisingPool = new TokenizerWorkerPool(files);
    try {
      const refused = raisingPool.applyChatTemplate([{ role: 'system', content: 'hi' }], true);
      await expect(refused).rejects.toBeInstanceOf(ChatTemplateError);
      await expect(refused).rejects.toThrow(/no system turns, please/);
    } finally {
      await raisingPool.close();
    }
  });
});

describe('having workers that fail', () => {
  it('should reject every job with the tokenizer file and its fault when tokenizer.json does not load', async () => {
    const broken = join(root, 'broken-tokenizer.json');
    writeFileSync(broken, '{"model": ');
    const pool = new TokenizerWorkerPool({ tokenizerJsonPath: broken, tokenizerConfigPath: undefined });
    try {
      await expect(pool.encode('hello', true)).rejects.toThrow(/The tokenizer worker stopped \(.*broken-tokenizer\.json: not valid JSON/);
      await expect(pool.decode([1, 2], true)).rejects.toThrow(/broken-tokenizer\.json/);
    } finally {
      await pool.close();
    }
  });

  it('should reject the job of a worker that runs out of memory, and serve the next job on a new worker', async () => {
    const pool = new TokenizerWorkerPool(tinyFiles, { resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    try {
      expect(await pool.encode('hello', true)).toEqual(TextTokenizer.fromFiles(tinyFiles).encode('hello'));
      await expect(pool.encode('ab c🙂 '.repeat(2_000_000), true)).rejects.toThrow(/The tokenizer worker stopped/);
      expect(pool.numLiveWorkers).toBe(0);
      expect(await pool.encode('hello again', true)).toEqual(TextTokenizer.fromFiles(tinyFiles).encode('hello again'));
    } finally {
      await pool.close();
    }
  });

  it('should drop a queued job whose signal aborts, and stop the worker of a running one, then serve the next job', async () => {
    const pool = new TokenizerWorkerPool(tinyFiles);
    try {
      expect(await pool.encode('warm', true)).toHaveLength(TextTokenizer.fromFiles(tinyFiles).encode('warm').length);
      const running = new AbortController();
      const queued = new AbortController();
      const long = 'ab c🙂 '.repeat(200_000);
      const first = pool.encode(long, true, { signal: running.signal }).then(() => 'answered', (error: Error) => error);
      const second = pool.encode(long, true, { signal: queued.signal }).then(() => 'answered', (error: Error) => error);
      queued.abort();
      running.abort();
      expect(await first).toBeInstanceOf(AbandonedTokenizerJob);
      expect(await second).toBeInstanceOf(AbandonedTokenizerJob);
      expect(pool.numLiveWorkers).toBe(0);
      expect(await pool.encode('hello again', true)).toEqual(TextTokenizer.fromFiles(tinyFiles).encode('hello again'));
      const already = new AbortController();
      already.abort();
      await expect(pool.decode([1], true, { signal: already.signal })).rejects.toBeInstanceOf(AbandonedTokenizerJob);
    } finally {
      await pool.close();
    }
  });

  it('should stop every worker on close, refuse later jobs, and refuse the jobs still queued', async () => {
    const pool = new TokenizerWorkerPool(tinyFiles, { numWorkers: 2 });
    await Promise.all([pool.encode('a', true), pool.encode('b', true)]);
    expect(pool.numLiveWorkers).toBe(2);
    const queued = Array.from({ length: 4 }, () => pool.encode('long text '.repeat(20_000), true).then(() => 'answered', (error: Error) => error.message));
    await pool.close();
    expect(pool.numLiveWorkers).toBe(0);
    expect(await Promise.all(queued)).toEqual(Array.from({ length: 4 }, () => 'The tokenizer pool is closed (the server is stopping).'));
    await expect(pool.encode('c', true)).rejects.toThrow(/The tokenizer pool is closed/);
  });
});
