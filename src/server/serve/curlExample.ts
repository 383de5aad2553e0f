import { API_KEY_ENV_VAR } from '../../core/config/engineFlagTable.js';

/**
 * The header of a request to a server started with an API key: the key from `$VLLM_API_KEY`, the variable
 * the server itself reads when `--api-key` is not given.
 */
function authHeader(withApiKey: boolean): string {
  return withApiKey ? ` \\\n  -H "Authorization: Bearer $${API_KEY_ENV_VAR}"` : '';
}

/** A copy-paste request against a freshly started server. */
export function curlExample(baseUrl: string, servedModelName: string, withApiKey: boolean): string {
  const auth = authHeader(withApiKey);
  const body = JSON.stringify({ model: servedModelName, prompt: 'Hello, my name is', max_tokens: 16, temperature: 0 });
  return `curl ${baseUrl}/v1/completions -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
}

/** A copy-paste request for a pooling model's task: embeddings, or a rerank for a cross-encoder. */
export function poolingCurlExample(baseUrl: string, servedModelName: string, task: string, withApiKey: boolean): string {
  const auth = authHeader(withApiKey);
  if (task === 'score') {
    const body = JSON.stringify({ model: servedModelName, query: 'What is the capital of France?', documents: ['Paris is the capital of France.', 'The sky is blue.'] });
    return `curl ${baseUrl}/v1/rerank -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
  }
  if (task === 'classify') {
    return `curl ${baseUrl}/classify -H 'Content-Type: application/json'${auth} \\\n  -d '${JSON.stringify({ model: servedModelName, input: ['Hello world'] })}'`;
  }
  const body = JSON.stringify({ model: servedModelName, input: ['Hello world', 'How are you?'] });
  return `curl ${baseUrl}/v1/embeddings -H 'Content-Type: application/json'${auth} \\\n  -d '${body}'`;
}
