/**
 * CPU the engine loop burns while a request is unfinished but nothing can run. The scheduler does not stay
 * there (its liveness property: no two idle steps in a row with work waiting), so the bench holds the core
 * there: the real LlmEngine over the real core with one accepted request, its beginStep answering "idle"
 * until the end. The loop as it is (an idle step right after another sleeps on a WorkSignal until a request is
 * added or aborted) against the 1 ms poll it replaced, replayed over the same held core: beginStep, finishStep
 * of nothing, `await setTimeout(1)`. With no request at all neither loop runs.
 *
 *   npx tsx bench/engineIdleCpu.bench.ts [--seconds 10]
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { setTimeout as sleep } from 'node:timers/promises';
import { StepExecutor } from '../src/core/contracts/backend.js';
import { Clock } from '../src/core/contracts/clock.js';
import { EngineConfig } from '../src/core/contracts/config.js';
import { Logger, SILENT_LOGGER } from '../src/core/contracts/logger.js';
import { TextCodec } from '../src/core/contracts/textCodec.js';
import { resolveEngineConfig } from '../src/core/config/resolveEngineConfig.js';
import type { StepReport } from '../src/core/engine/engineCore.js';
import { LlmEngine } from '../src/core/engine/llmEngine.js';
import { registerCore } from '../src/core/registerCore.js';

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 10;

/** An engine whose core answers every step "nothing can run" (an idle step, as the scheduler's undefined plan). */
function stuckEngine(): LlmEngine {
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(resolveEngineConfig({ model: 'idle', maxModelLen: 512, maxNumSeqs: 1, maxNumBatchedTokens: 64 }, {}, SILENT_LOGGER));
  container.bind(Clock).toConstantValue({ nowS: () => performance.now() / 1000 });
  container.bind(Logger).toConstantValue(SILENT_LOGGER);
  container.bind(TextCodec).toConstantValue({
    encode: () => [],
    decode: () => '',
    applyChatTemplate: () => '',
    createDetokenizer: () => ({ push: () => '', flush: () => '' }),
    eosTokenIds: [],
  });
  container.bind(StepExecutor).toConstantValue({ execute: () => Promise.reject(new Error('nothing should run')) });
  registerCore(container);
  container.bind(LlmEngine).toSelf().inSingletonScope();
  const engine = container.get(LlmEngine);
  const idleReport: StepReport = { plan: undefined, produced: [], ended: [], trace: undefined };
  engine.core.beginStep = () => undefined;
  engine.core.finishStep = () => idleReport;
  return engine;
}

const prompt = { promptTokenIds: Array.from({ length: 256 }, (_, index) => 1 + (index % 50)) };

/** CPU ms (user + system) per wall second while `run` idles for `seconds`. */
async function cpuMsPerSecond(run: (until: () => boolean) => Promise<void>): Promise<number> {
  const endAt = performance.now() + seconds * 1000;
  const before = process.cpuUsage();
  const wallBefore = performance.now();
  await run(() => performance.now() >= endAt);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / ((performance.now() - wallBefore) / 1000);
}

/** The loop as it is: the engine's own runLoop, the request aborted at the end. */
const wakeUp = (): Promise<number> =>
  cpuMsPerSecond(async (until) => {
    const engine = stuckEngine();
    const controller = new AbortController();
    const outputs = engine.generate(prompt, { maxTokens: 8 }, { signal: controller.signal })[Symbol.asyncIterator]();
    const drained = outputs.next();
    while (!until()) await sleep(50);
    controller.abort();
    await drained;
    await engine.close();
  });

/** The 1 ms poll it replaced, over the same core. */
const oneMsPoll = (): Promise<number> =>
  cpuMsPerSecond(async (until) => {
    const engine = stuckEngine();
    engine.core.addRequest({ requestId: 'poll' as never, promptTokenIds: prompt.promptTokenIds, maxTokens: 8 });
    while (engine.core.hasUnfinishedRequests() && !until()) {
      const plan = engine.core.beginStep();
      if (plan !== undefined) throw new Error('the poll replay expected an idle step');
      engine.core.finishStep({ sampled: [] });
      await sleep(1);
    }
    engine.core.abortRequest('poll' as never);
  });

const poll = await oneMsPoll();
const wake = await wakeUp();
console.log(`idle loop, ${seconds} s each (CPU ms per wall second, user + system of the whole process):`);
console.log(`  1 ms poll (before): ${poll.toFixed(1)}`);
console.log(`  wake-up (now):      ${wake.toFixed(1)}`);
