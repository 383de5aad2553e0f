import type { BenchRequest } from './dataset.js';

/** What one benchmark request measured, in seconds from its send. */
export interface RequestOutcome {
  readonly success: boolean;
  readonly error?: string;
  /** When it was sent: `performance.now()` in seconds. */
  readonly sentAtS: number;
  /** The streamed text, concatenated. */
  readonly generatedText: string;
  readonly promptLen: number;
  readonly outputTokens: number;
  readonly ttftS: number;
  /** Gaps between consecutive streamed chunks after the first. */
  readonly itlS: readonly number[];
  readonly latencyS: number;
  /** The server's id of the request (the chunks' `id`), when it answered with a stream. */
  readonly requestId?: string;
  /** When it was sent, seconds from the benchmark's start (its scheduled time plus the timers' drift). */
  readonly sendOffsetS?: number;
}

export interface BenchTarget {
  readonly completionsUrl: string;
  readonly model: string;
  readonly ignoreEos: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

interface StreamEvent {
  readonly id?: string;
  readonly choices?: readonly { readonly text?: string; readonly finish_reason?: string | null }[];
  readonly usage?: { readonly completion_tokens: number } | null;
  readonly error?: { readonly message: string };
}

/** Sends one streaming completion and times its chunks (vLLM bench's async_request_openai_completions). */
export async function sendBenchRequest(target: BenchTarget, request: BenchRequest): Promise<RequestOutcome> {
  const startS = performance.now() / 1000;
  const failed = (error: string): RequestOutcome => ({
    success: false, error, sentAtS: startS, generatedText: '', promptLen: request.promptIds.length, outputTokens: 0, ttftS: 0, itlS: [], latencyS: performance.now() / 1000 - startS,
  });
  let response: Response;
  try {
    response = await fetch(target.completionsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: JSON.stringify({
        model: target.model, prompt: request.promptIds, max_tokens: request.outputLen, temperature: 0, stream: true,
        stream_options: { include_usage: true }, ignore_eos: target.ignoreEos,
      }),
    });
  } catch (error) {
    return failed((error as Error).message);
  }
  if (response.status !== 200 || response.body === null) return failed(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ttftS: number | undefined;
  let lastS = startS;
  const itlS: number[] = [];
  let outputTokens = 0;
  let generatedText = '';
  let requestId: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).replace(/^data: /, '');
      buffer = buffer.slice(end + 2);
      if (data === '[DONE]' || data === '') continue;
      const event = JSON.parse(data) as StreamEvent;
      if (event.error !== undefined) return failed(event.error.message);
      requestId ??= event.id;
      if (event.usage) outputTokens = event.usage.completion_tokens;
      // A token's chunk, even one whose text is still held back (vLLM's client counts those too); not the
      // closing chunk that only carries the finish reason.
      const choice = event.choices?.[0];
      if (choice === undefined || ((choice.text ?? '') === '' && (choice.finish_reason ?? null) !== null)) continue;
      generatedText += choice.text ?? '';
      const nowS = performance.now() / 1000;
      if (ttftS === undefined) ttftS = nowS - startS;
      else itlS.push(nowS - lastS);
      lastS = nowS;
    }
  }
  // A stream may end with a chunk that carries only the text held back at the end (no new token): with the
  // usage known, keep one gap per token after the first.
  if (outputTokens > 0 && itlS.length > outputTokens - 1) itlS.length = outputTokens - 1;
  const latencyS = performance.now() / 1000 - startS;
  return { success: true, sentAtS: startS, generatedText, promptLen: request.promptIds.length, outputTokens, ttftS: ttftS ?? latencyS, itlS, latencyS, ...(requestId !== undefined ? { requestId } : {}) };
}
