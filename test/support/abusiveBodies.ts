// Bodies a hostile or broken client sends: just under the 4 MiB body limit, well-formed and not, on every
// route that tokenizes. Built once (strings), so sending them costs the sender little.
export interface AbusiveBody {
  readonly name: string;
  readonly path: string;
  readonly body: string;
}

/** Bodies of about `targetBytes` (default: just under the 4 MiB limit) for a server serving `model`. */
export function abusiveBodies(model: string, targetBytes = 4 * 1024 * 1024 - 64 * 1024): readonly AbusiveBody[] {
  const text = 'ab c'.repeat(Math.floor(targetBytes / 4) - 64);
  const ids = Array.from({ length: Math.floor(targetBytes / 4) }, (_, index) => 3 + (index % 250));
  const manyMessages = Array.from({ length: Math.floor(targetBytes / 40) }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: 'hi there' }));
  const completion = JSON.stringify({ model, prompt: text, max_tokens: 4 });
  return [
    { name: 'a 4 MB completion prompt', path: '/v1/completions', body: completion },
    { name: 'a 4 MB chat message', path: '/v1/chat/completions', body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }) },
    { name: 'a 4 MB list of prompt ids', path: '/v1/completions', body: JSON.stringify({ model, prompt: ids, max_tokens: 4 }) },
    { name: 'a 4 MB /tokenize', path: '/tokenize', body: JSON.stringify({ prompt: text }) },
    { name: 'a 4 MB /detokenize', path: '/detokenize', body: JSON.stringify({ tokens: ids }) },
    { name: 'a truncated 4 MB body', path: '/v1/completions', body: completion.slice(0, -10) },
    { name: 'a 4 MB prompt of the wrong type', path: '/v1/completions', body: JSON.stringify({ model, prompt: { text }, max_tokens: 4 }) },
    { name: '4 MB of garbage', path: '/v1/chat/completions', body: '{'.repeat(targetBytes) },
    // Last: its template renders for seconds (on the tokenizer worker) before the bound can refuse it.
    { name: 'a chat of 100,000 messages', path: '/v1/chat/completions', body: JSON.stringify({ model, messages: manyMessages }) },
  ];
}
