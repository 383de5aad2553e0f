// The body worker (the tokenizer worker with the server's entry): a request body's bytes are transferred to
// it, not copied (the caller's buffer is detached); it answers the route's preparation, and a preparation's
// ApiError comes back as an ApiError with its kind, text and param, fastify's JSON error with its code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPreset } from '../../../src/models/build/index.js';
import { buildTokenizer } from '../../../src/models/build/tokenizer/buildTokenizer.js';
import { tokenizerConfigJson, tokenizerJson } from '../../../src/models/build/tokenizer/tokenizerFiles.js';
import type { TokenizerFiles } from '../../../src/models/dir/modelDirInfo.js';
import { BODY_WORKER_ENTRY, reviveBodyFailure } from '../../../src/server/body/bodyPreparer.js';
import type { GenerationBodyEnv } from '../../../src/server/body/generationPreparers.js';
import { ApiError } from '../../../src/server/errors/apiError.js';
import { toHttpError } from '../../../src/server/errors/openAiError.js';
import { TextTokenizer } from '../../../src/tokenizer/index.js';
import { TokenizerWorkerPool } from '../../../src/tokenizer/worker/tokenizerWorkerPool.js';

let root: string;
let files: TokenizerFiles;
let pool: TokenizerWorkerPool;
const ENV: GenerationBodyEnv = { acceptedModelNames: new Set(['tiny']), config: { maxModelLen: 64, blockSize: 16, servedModelName: 'tiny' }, vocabSize: 512 };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'spyre-body-worker-'));
  const preset = getPreset('tiny');
  files = { tokenizerJsonPath: join(root, 'tokenizer.json'), tokenizerConfigPath: join(root, 'tokenizer_config.json') };
  writeFileSync(files.tokenizerJsonPath, JSON.stringify(tokenizerJson(buildTokenizer(0, preset.tokenizerMerges))));
  writeFileSync(files.tokenizerConfigPath as string, JSON.stringify(tokenizerConfigJson(preset.maxPositionEmbeddings)));
  pool = new TokenizerWorkerPool(files, { entry: BODY_WORKER_ENTRY, reviveFailure: reviveBodyFailure });
});
afterAll(async () => {
  await pool?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The body as fastify hands it over: one Buffer that owns its memory. */
const bytesOf = (body: string): Buffer => Buffer.concat([Buffer.from(body)]);

describe('having a pool over the body worker', () => {
  it('should take the body by transfer and answer the preparation with the inline ids', async () => {
    // Larger than Buffer's pool (small Buffers share one ArrayBuffer, which is copied instead).
    const body = bytesOf(JSON.stringify({ prompt: 'Hello world', pad: 'x'.repeat(16_384) }));
    expect(body.buffer.byteLength).toBe(body.length);
    const answer = pool.prepare('tokenize', body, ENV);
    expect(body.buffer.byteLength).toBe(0);
    const tokens = TextTokenizer.fromFiles(files).encode('Hello world');
    expect(await answer).toEqual({ count: tokens.length, max_model_len: 64, tokens });
  });

  it("should raise a preparation's ApiError with its kind, text and param", async () => {
    const failure = await pool.prepare('completion', bytesOf(JSON.stringify({ model: 'other', prompt: 'hi' })), ENV).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ kind: 'model_not_found', param: 'model', message: "The model 'other' does not exist. This server serves 'tiny'." });
  });

  it("should raise fastify's error for a body that is not JSON, answered as inline", async () => {
    const failure = await pool.prepare('chat', bytesOf('{"model": '), ENV).catch((error: unknown) => error);
    expect(toHttpError(failure)).toEqual({ status: 400, body: { error: { message: "The request body is not valid JSON: Body is not valid JSON but content-type is set to 'application/json'", type: 'invalid_request_error', param: null, code: null } } });
  });

  it('should refuse a route it does not know, and go on serving', async () => {
    await expect(pool.prepare('nope', bytesOf('{}'), ENV)).rejects.toThrow("The body worker knows no route 'nope'.");
    expect(await pool.prepare('detokenize', bytesOf(JSON.stringify({ tokens: [5, 6] })), ENV)).toEqual({ prompt: TextTokenizer.fromFiles(files).decode([5, 6]) });
  });
});
