// The curl line `spyre serve` prints after it starts: with --api-key, every task's example sends the key, from
// the variable the server reads when --api-key is absent (VLLM_API_KEY), so it works when pasted.
import { describe, expect, it } from 'vitest';
import { API_KEY_ENV_VAR } from '../../../src/core/config/engineFlagTable.js';
import { curlExample, poolingCurlExample } from '../../../src/server/serve/curlExample.js';

const BASE = 'http://127.0.0.1:8000';
const examples = (withApiKey: boolean): [string, string][] => [
  ['generate', curlExample(BASE, 'models/tiny', withApiKey)],
  ...['embed', 'score', 'classify'].map((task): [string, string] => [task, poolingCurlExample(BASE, 'models/enc', task, withApiKey)]),
];

describe('having the example request printed by spyre serve', () => {
  it.each(examples(true))('with an API key, should send it in the %s example from $VLLM_API_KEY', (_task, example) => {
    expect(API_KEY_ENV_VAR).toBe('VLLM_API_KEY');
    expect(example).toContain(`-H "Authorization: Bearer $${API_KEY_ENV_VAR}"`);
  });

  it.each(examples(false))('without an API key, should send no Authorization header in the %s example', (_task, example) => {
    expect(example).not.toContain('Authorization');
    expect(example).toMatch(/^curl http:\/\/127\.0\.0\.1:8000\//);
  });
});
