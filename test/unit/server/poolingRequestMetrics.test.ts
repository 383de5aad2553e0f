import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/contracts/clock.js';
import type { EngineCoreStats } from '../../../src/core/contracts/engineStats.js';
import type { FinishedRequestTimings, MetricsRecorder } from '../../../src/core/metrics/metricsRecorder.js';
import { PoolingRequestMetrics } from '../../../src/server/metrics/poolingRequestMetrics.js';
import { PrometheusRecorder } from '../../../src/server/metrics/prometheusRecorder.js';

class ManualClock implements Clock {
  nowSValue = 100;
  nowS(): number {
    return this.nowSValue;
  }
}

class ListRecorder implements MetricsRecorder {
  readonly finished: FinishedRequestTimings[] = [];
  readonly states: EngineCoreStats[] = [];
  recordStep(): void {}
  recordTokens(): void {}
  recordFinished(timings: FinishedRequestTimings): void {
    this.finished.push(timings);
  }
  recordState(stats: EngineCoreStats): void {
    this.states.push(stats);
  }
}

function rig(): { clock: ManualClock; list: ListRecorder; prometheus: PrometheusRecorder; metrics: PoolingRequestMetrics } {
  const clock = new ManualClock();
  const list = new ListRecorder();
  const prometheus = new PrometheusRecorder({ modelName: 'm', maxModelLen: 128 });
  return { clock, list, prometheus, metrics: new PoolingRequestMetrics(prometheus, [prometheus, list], clock) };
}

async function sample(prometheus: PrometheusRecorder, name: string, extra = ''): Promise<number | undefined> {
  const text = await prometheus.scrape();
  const line = text.split('\n').find((row) => row.startsWith(`${name}{model_name="m",engine="0"${extra}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('having the pooling request metrics', () => {
  describe('when a call of three inputs arrives and is answered 0.25 s later', () => {
    it('should show three running, then finish three requests by stop with their prompt tokens and e2e time', async () => {
      const { clock, list, prometheus, metrics } = rig();
      const ticket = metrics.onArrival('embd-1', 3);
      expect(list.states.at(-1)?.numRunning).toBe(3);
      expect(await sample(prometheus, 'vllm:num_requests_running')).toBe(3);
      clock.nowSValue += 0.25;
      metrics.onAnswered(ticket, [5, 7, 9]);
      expect(list.finished.map((timings) => [timings.requestId, timings.finishReason, timings.numPromptTokens, timings.e2eS])).toEqual([
        ['embd-1-0', 'stop', 5, 0.25], ['embd-1-1', 'stop', 7, 0.25], ['embd-1-2', 'stop', 9, 0.25],
      ]);
      expect(metrics.numUnfinishedRequests).toBe(0);
      expect(await sample(prometheus, 'vllm:num_requests_running')).toBe(0);
      expect(await sample(prometheus, 'vllm:prompt_tokens_total')).toBe(21);
      expect(await sample(prometheus, 'vllm:request_success_total', ',finished_reason="stop"')).toBe(3);
      expect(await sample(prometheus, 'vllm:request_prompt_tokens_sum')).toBe(21);
    });
  });

  describe('when a call is refused by the engine', () => {
    it('should count nothing and release its inputs from the running gauge', async () => {
      const { list, prometheus, metrics } = rig();
      metrics.onFailed(metrics.onArrival('embd-2', 2), false);
      expect(list.finished).toEqual([]);
      expect(metrics.numUnfinishedRequests).toBe(0);
      expect(await sample(prometheus, 'vllm:request_success_total', ',finished_reason="stop"')).toBe(0);
      expect(await sample(prometheus, 'vllm:prompt_tokens_total')).toBe(0);
    });
  });

  describe('when the client of a call of two inputs leaves', () => {
    it('should finish two requests by abort and count no prompt tokens', async () => {
      const { list, prometheus, metrics } = rig();
      metrics.onFailed(metrics.onArrival('score-3', 2), true);
      expect(list.finished.map((timings) => timings.finishReason)).toEqual(['abort', 'abort']);
      expect(await sample(prometheus, 'vllm:request_success_total', ',finished_reason="abort"')).toBe(2);
      expect(await sample(prometheus, 'vllm:prompt_tokens_total')).toBe(0);
    });
  });
});
