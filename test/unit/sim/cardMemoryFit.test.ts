// The TP term of the simulator: weights and KV per card under the engine's memory rule, the KV block count
// from what the cards leave, and a tensor parallel size that does not fit refused with the figures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import { SPYRE_CARD_PROFILE } from '../../../src/device/deviceProfile.js';
import { resolveScenarioCost } from '../../../sim/cost/scenarioCost.js';
import { simulateScenario } from '../../../sim/run/simulateScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';
import { scenarioEngineConfig } from '../../../sim/scenario/scenarioEngineConfig.js';
import type { ScenarioConfig } from '../../../sim/scenario/scenarioSchema.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const scratch = mkdtempSync(join(tmpdir(), 'spyre-sim-cards-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Independent arithmetic: granite-3.3-8b-instruct's 8 170 864 640 parameters in fp16, 64-position blocks of
// 40 layers × K,V × 8 KV heads × 128 × 2 bytes.
const GRANITE_WEIGHT_BYTES = 8_170_864_640 * 2;
const GRANITE_BLOCK_BYTES = 64 * 40 * 2 * 8 * 128 * 2;
const GIB_128 = 128 * 1024 ** 3;

function configOf(config: Partial<ScenarioConfig>): ReturnType<typeof scenarioEngineConfig> {
  return scenarioEngineConfig(parseScenario({ config: { model: 'granite-3.3-8b-instruct', env: { VLLM_DT_MAX_BATCH_TKV_LIMIT: 131072 }, ...config } }, 'test').config, SILENT_LOGGER);
}

describe('the simulator on granite-3.3-8b-instruct cards', () => {
  // VLLM_DT_MAX_BATCH_TKV_LIMIT 131072: a batch needs at least 2 049 blocks, so one card can serve with fewer than all.
  describe('having 128 GiB Spyre cards, max_model_len 32768 and 32 sequences (16 416 blocks asked)', () => {
    it('should size the KV cache down to what one card leaves, and give two and four cards every block', () => {
      const one = resolveScenarioCost({ profile: 'spyre-illustrative' }, '.', configOf({ max_model_len: 32768, max_num_seqs: 32, tensor_parallel_size: 1 }));
      const fit = Math.floor((GIB_128 - GRANITE_WEIGHT_BYTES) / GRANITE_BLOCK_BYTES);
      expect(one.config.numBlocks).toBe(Math.floor(fit / 32) * 32);
      expect(one.config.numBlocks).toBeLessThan(16416);
      const two = resolveScenarioCost({ profile: 'spyre-illustrative' }, '.', configOf({ max_model_len: 32768, max_num_seqs: 32, tensor_parallel_size: 2 }));
      expect(two.config.numBlocks).toBe(Math.min(16416, Math.floor(Math.floor((GIB_128 - GRANITE_WEIGHT_BYTES / 2) / (GRANITE_BLOCK_BYTES / 2)) / 32) * 32));
      const four = resolveScenarioCost({ profile: 'spyre-illustrative' }, '.', configOf({ max_model_len: 32768, max_num_seqs: 32, tensor_parallel_size: 4 }));
      expect(four.config.numBlocks).toBe(16416);
    });
  });

  describe('having cards of 10 GB (a device profile file)', () => {
    const file = join(scratch, 'small-cards.json');
    writeFileSync(file, JSON.stringify({ ...SPYRE_CARD_PROFILE, name: 'small-cards', memoryBytesPerCard: 10_000_000_000 }));
    const scenario = (tp: number, extra: Partial<ScenarioConfig> = {}): ReturnType<typeof parseScenario> => parseScenario({
      config: { max_model_len: 2048, max_num_seqs: 4, max_num_batched_tokens: 512, tensor_parallel_size: tp, ...extra },
      workload: { num_requests: 12, seed: 1, arrival: { process: 'poisson', rate: 2 }, prompt_len: { dist: 'uniform', min: 100, max: 900 }, output_len: { dist: 'fixed', value: 16 } },
      cost_model: { device: 'small-cards.json' },
    }, 'test');

    it('should refuse one card, whose weight shard alone exceeds it, naming need, capacity and what to change', () => {
      expect(() => simulateScenario(scenario(1), scratch)).toThrow(
        /^tensor_parallel_size 1 does not fit: each card needs 1\d\.\d\d GB but has 10\.00 GB \(its weight shard 16\.34 GB of granite-3\.3-8b-instruct in fp16; KV cache of \d+ blocks \(the fewest that serve one batch\) [\d.]+ GB\)\. Lower --max-num-seqs or --max-model-len, raise --tensor-parallel-size .*memoryBytesPerCard of the device profile 'small-cards'/,
      );
    });

    it('should run two cards with the KV blocks their memory leaves, and report them', () => {
      const report = simulateScenario(scenario(2), scratch);
      const left = Math.floor((10_000_000_000 - GRANITE_WEIGHT_BYTES / 2) / (GRANITE_BLOCK_BYTES / 2));
      expect(report.settings.num_blocks).toBe(Math.min(Math.floor(left / 4) * 4, 132));
      expect(report.settings.tensor_parallel_size).toBe(2);
      expect(report.requests.completed).toBe(12);
      expect(report.cost_model).toContain('granite-3.3-8b-instruct on 2 card(s)');
    });

    it('should refuse a --num-gpu-blocks-override the cards cannot hold, naming the override', () => {
      expect(() => simulateScenario(scenario(2, { num_gpu_blocks_override: 4000 }), scratch)).toThrow(/KV cache of 4000 blocks \(--num-gpu-blocks-override\).*Lower --max-num-seqs, --max-model-len or --num-gpu-blocks-override/);
    });
  });

  describe('when spyre sim run is given -tp', () => {
    it('should price the run on that many cards and say so in report.json', () => {
      const scenarioPath = join(scratch, 'tp.scenario.json');
      writeFileSync(scenarioPath, JSON.stringify({
        config: { max_model_len: 1024, max_num_seqs: 2, max_num_batched_tokens: 256 },
        workload: { num_requests: 4, seed: 1, arrival: { process: 'poisson', rate: 1 }, prompt_len: { dist: 'fixed', value: 200 }, output_len: { dist: 'fixed', value: 4 } },
      }));
      const itl = (tp: string): { p50: number; tp: number; costModel: string } => {
        const out = join(scratch, `run-tp${tp}`);
        execFileSync(process.execPath, [join(REPO_ROOT, 'bin/spyre.js'), 'sim', 'run', scenarioPath, '--out', out, '--no-trace', '-tp', tp], { stdio: 'pipe' });
        const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { itl_s: { p50: number }; settings: { tensor_parallel_size: number }; cost_model: string };
        return { p50: report.itl_s.p50, tp: report.settings.tensor_parallel_size, costModel: report.cost_model };
      };
      const one = itl('1');
      const four = itl('4');
      expect(four.tp).toBe(4);
      expect(four.costModel).toContain('on 4 card(s)');
      // A batch-1 decode is memory-bound: four cards stream a quarter of the weights each.
      expect(four.p50).toBeLessThan(one.p50 / 3);
    });
  });
});
