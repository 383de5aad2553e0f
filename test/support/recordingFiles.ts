// A recording written out as the files users have: vllm bench serve's detailed result JSON and vLLM-Spyre's
// request_metrics.jsonl, so a ground-truth refit goes through the same readers as a real file.
import type { RecordedBenchResult } from '../../sim/calibrate/vllmBenchResult.js';

/** The JSON `vllm bench serve --save-result --save-detailed` writes, for the recording's requests. */
export function asVllmBenchJson(recording: RecordedBenchResult): Record<string, unknown> {
  const requests = recording.requests;
  return {
    date: '20261204-020000', endpoint_type: 'openai', backend: 'openai', label: null, model_id: 'm', tokenizer_id: 'm', num_prompts: requests.length,
    request_rate: Number.isFinite(recording.requestRateRps) ? recording.requestRateRps : 'inf', burstiness: recording.burstiness, max_concurrency: null,
    duration: recording.durationS, completed: requests.length, failed: 0,
    input_lens: requests.map((request) => request.inputLength),
    output_lens: requests.map((request) => request.outputLength),
    // vLLM writes time.perf_counter() at each send: an arbitrary origin.
    start_times: requests.map((request) => 5000 + (request.startTimeS ?? 0)),
    ttfts: requests.map((request) => request.ttftS),
    itls: requests.map((request) => request.itlsS),
    generated_texts: requests.map(() => ''),
    errors: requests.map(() => ''),
  };
}

/**
 * vLLM-Spyre's perf log for the recording's requests, as the engine saw them: each line written when its
 * request ended, `timestamp` that moment in local time truncated to the millisecond (Python's
 * strftime(...)[:-3]), its times from the arrival at the engine.
 */
export function asVllmSpyrePerfLog(recording: RecordedBenchResult): string {
  const originMs = Date.UTC(2025, 9, 9, 14, 0, 0, 0);
  const lines = recording.requests.map((request) => {
    const decodeS = request.itlsS.reduce((sum, gap) => sum + gap, 0);
    const e2eS = request.ttftS + decodeS;
    const endMs = originMs + ((request.startTimeS ?? 0) + e2eS) * 1000;
    return {
      endMs,
      line: JSON.stringify({
        timestamp: new Date(Math.floor(endMs)).toISOString().slice(0, 23), prefill_interrupt_seconds: 0,
        decode_only_itl_seconds: request.outputLength > 1 ? decodeS / (request.outputLength - 1) : 0, finish_reason: 1,
        e2e_latency_seconds: e2eS, num_prompt_tokens: request.inputLength, num_generation_tokens: request.outputLength, max_tokens_param: request.outputLength,
        queued_time_seconds: 0, prefill_time_seconds: request.ttftS, inference_time_seconds: e2eS, decode_time_seconds: decodeS,
        mean_time_per_output_token_seconds: request.outputLength > 1 ? decodeS / (request.outputLength - 1) : 0,
      }),
    };
  });
  // Lines come in the order requests finished.
  return lines.sort((a, b) => a.endMs - b.endMs).map((entry) => entry.line).join('\n') + '\n';
}
