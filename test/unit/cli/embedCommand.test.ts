import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmbed } from '../../../src/cli/commands/embed.js';
import { buildTempEncoder, type TempEncoder } from '../../support/tinyEncoder.js';

async function capture(run: (stdout: NodeJS.WritableStream) => Promise<unknown>): Promise<string> {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await run(stream);
  return text;
}

describe('having `spyre embed` over the tiny-embed model', () => {
  let model: TempEncoder;
  beforeAll(() => {
    model = buildTempEncoder('tiny-embed');
  });
  afterAll(() => model.remove());

  const env = { VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2' };

  it('should print one JSON object with a unit vector per text and the token usage', async () => {
    const out = await capture((stdout) => runEmbed(['hello world', 'The quick brown fox'], { model: model.dir, logLevel: 'error' }, stdout, env));
    const parsed = JSON.parse(out) as { data: { index: number; embedding: number[] }[]; usage: { prompt_tokens: number } };
    expect(parsed.data.map((item) => item.index)).toEqual([0, 1]);
    for (const item of parsed.data) {
      expect(item.embedding).toHaveLength(64);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
    }
    expect(parsed.usage.prompt_tokens).toBe(8 + 14);
  });

  it('with --dims and --no-normalize, should print a summary line per text with the raw norm', async () => {
    const out = await capture((stdout) => runEmbed(['hello world'], { model: model.dir, logLevel: 'error', dims: true, normalize: false }, stdout, env));
    expect(out).toMatch(/^0: 64 dims, norm \d+\.\d{6}, 8 tokens, \[-?\d\.\d{4}, /);
    expect(out).not.toContain('norm 1.000000');
  });
});
