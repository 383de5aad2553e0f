import { inject, injectable } from 'inversify';
import type { StepExecutor } from '../../core/contracts/backend.js';
import { EngineConfig } from '../../core/contracts/config.js';
import { BLOCK_SIZE, type RequestId } from '../../core/contracts/ids.js';
import type { SamplingParams } from '../../core/contracts/requests.js';
import type { DecodeBatchPlan, PrefillChunkPlan, SampledToken, StepPlan, StepResult } from '../../core/contracts/stepPlan.js';
import { RequestSamplingState } from '../../core/engine/sampling/requestSamplingState.js';
import { resolveSampling } from '../../core/engine/sampling/samplingOptions.js';
import { SamplingStateStore } from '../../core/engine/sampling/samplingStateStore.js';
import { SeededRandom } from '../../core/engine/sampling/seededRandom.js';
import { TokenSampler } from '../../core/engine/sampling/tokenSampler.js';
import { EagerModel } from './eagerModel.js';
import { float16ToFloat32 } from './float16.js';
import { PagedKvStore, type KvArray } from './pagedKvStore.js';
import { StepBuffers, type PastSource } from './stepBuffers.js';

/**
 * The eager backend: executes the core's step plans with onnxruntime on the CPU over a paged KV store.
 *
 * A prefill chunk feeds only its valid tokens (batch 1: left padding would only cost compute), with the
 * prompt before the chunk gathered from the chunk's block table as past; the new KV goes to the slots
 * `slotBlocks` names. A decode batch feeds one token per row, each row's past right-aligned and
 * left-padded to the longest row with attention mask 0 on the padding (the layout every Optimum export
 * accepts, including graphs whose attention reads the mask as sequence lengths); the new KV goes to
 * (blockTable[paddingBlocks + position/64], position%64). Position ids are always the tokens' positions
 * in their sequence.
 */
@injectable()
export class EagerRunner implements StepExecutor {
  readonly kv: PagedKvStore;
  /** Prefill and decode steps alternate, so each keeps its own buffers: a prefill leaves the decode batch's presents alone. */
  private readonly prefillBuffers: StepBuffers;
  private readonly decodeBuffers: StepBuffers;
  private readonly sampler: TokenSampler;
  private readonly seeds: SeededRandom;
  private logitsRow: Float32Array;
  /** The rows of the last decode step, whose presents the next one reads in place when it continues the same batch. */
  private previousDecode: { readonly requestIds: readonly RequestId[]; readonly positions: readonly number[] } | undefined;
  /** Sees each row's logits (float32) before sampling; the view is reused, copy what you keep. For tests and tools. */
  logitsObserver: ((requestId: RequestId, logits: Float32Array) => void) | undefined;

  constructor(
    @inject(EagerModel) private readonly model: EagerModel,
    @inject(EngineConfig) config: EngineConfig,
    @inject(SamplingStateStore) private readonly states: SamplingStateStore,
  ) {
    const io = model.io;
    this.kv = new PagedKvStore({ numBlocks: config.numBlocks, numLayers: io.numLayers, numKvHeads: io.numKvHeads, headDim: io.headDim, dtype: io.kvDtype });
    this.prefillBuffers = new StepBuffers(io);
    this.decodeBuffers = new StepBuffers(io);
    this.sampler = new TokenSampler(io.vocabSize);
    this.seeds = new SeededRandom(config.seed);
    this.logitsRow = new Float32Array(io.vocabSize);
  }

  async execute(plan: StepPlan): Promise<StepResult> {
    try {
      return plan.kind === 'prefill' ? await this.prefill(plan) : await this.decode(plan);
    } catch (error) {
      const message = `eager backend: ${(error as Error).message}`;
      const ids = plan.kind === 'prefill' ? [plan.requestId] : plan.rows.map((row) => row.requestId);
      this.previousDecode = undefined;
      return { sampled: [], failed: ids.map((requestId) => ({ requestId, message })) };
    }
  }

  private async prefill(plan: PrefillChunkPlan): Promise<StepResult> {
    const numNew = plan.endValidSlot - plan.firstValidSlot;
    const pastLength = plan.firstTokenIndex;
    const io = this.model.io;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const past = this.prefillBuffers.past(layer, io.numKvHeads * pastLength * io.headDim);
      this.kv.gather(this.kv.keys[layer] as KvArray, plan.blockTable, plan.paddingBlocks, pastLength, past.key, 0, pastLength);
      this.kv.gather(this.kv.values[layer] as KvArray, plan.blockTable, plan.paddingBlocks, pastLength, past.value, 0, pastLength);
    }
    const oneCall = this.model.chunkWithPast || pastLength === 0 || numNew === 1;
    if (oneCall) await this.runChunk(plan, 0, numNew, pastLength, 'gathered');
    else await this.runTokenByToken(plan, numNew, pastLength);
    this.scatterPrefill(plan, pastLength, numNew);
    if (!plan.isLastChunk) return { sampled: [] };
    // A request prefilled again after a preemption keeps its state (generator, counts).
    const state = this.stateOf(plan.requestId, plan.sampling);
    return { sampled: [this.sample(plan.requestId, this.prefillBuffers.lastLogits(), oneCall ? numNew - 1 : 0, state)] };
  }

  /**
   * Runs valid tokens [from, from + count) of the chunk over `pastLength` positions of past: the gathered
   * past in the buffers, or the presents of the previous call.
   */
  private async runChunk(plan: PrefillChunkPlan, from: number, count: number, pastLength: number, source: PastSource): Promise<void> {
    const b = this.prefillBuffers;
    const ids = b.inputIds.reserve(count);
    const positions = b.positionIds.reserve(count);
    const stride = b.inputIds.stride;
    for (let i = 0; i < count; i++) {
      ids[i * stride] = plan.tokenIds[plan.firstValidSlot + from + i] as number;
      positions[i * stride] = pastLength + i;
      if (stride === 2) { ids[2 * i + 1] = 0; positions[2 * i + 1] = 0; }
    }
    b.attentionMask.fill(pastLength + count, 1);
    const feeds = b.feeds(1, count, pastLength, source);
    await this.model.session.run(feeds, b.fetches(1, count, pastLength + count));
  }

  /** For graphs without multi-token chunks over a past: one call per token, each fed the previous presents. */
  private async runTokenByToken(plan: PrefillChunkPlan, numNew: number, pastLength: number): Promise<void> {
    for (let i = 0; i < numNew; i++) await this.runChunk(plan, i, 1, pastLength + i, i === 0 ? 'gathered' : 'previous presents');
  }

  /** New KV of slots [firstValidSlot, endValidSlot) to `slotBlocks`, one copy per (block run, head). */
  private scatterPrefill(plan: PrefillChunkPlan, pastLength: number, numNew: number): void {
    const io = this.model.io;
    const totalLength = pastLength + numNew;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const present = this.prefillBuffers.present(layer);
      let slot = plan.firstValidSlot;
      while (slot < plan.endValidSlot) {
        const runEnd = Math.min(plan.endValidSlot, (Math.floor(slot / BLOCK_SIZE) + 1) * BLOCK_SIZE);
        const blockId = plan.slotBlocks[Math.floor(slot / BLOCK_SIZE)] as number;
        const sourceIndex = pastLength + slot - plan.firstValidSlot;
        this.kv.scatterRun(this.kv.keys[layer] as KvArray, present.key, totalLength, sourceIndex, runEnd - slot, blockId, slot % BLOCK_SIZE);
        this.kv.scatterRun(this.kv.values[layer] as KvArray, present.value, totalLength, sourceIndex, runEnd - slot, blockId, slot % BLOCK_SIZE);
        slot = runEnd;
      }
    }
  }

  private async decode(plan: DecodeBatchPlan): Promise<StepResult> {
    const rows = plan.rows;
    const batch = rows.length;
    let pastLength = 0;
    for (const row of rows) pastLength = Math.max(pastLength, row.position);
    const b = this.decodeBuffers;
    const ids = b.inputIds.fill(batch, 0);
    const positions = b.positionIds.fill(batch, 0);
    const mask = b.attentionMask.fill(batch * (pastLength + 1), 1);
    const maskStride = b.attentionMask.stride;
    rows.forEach((row, r) => {
      ids[r * b.inputIds.stride] = row.tokenId;
      positions[r * b.positionIds.stride] = row.position;
      const rowStart = r * (pastLength + 1);
      for (let i = 0; i < pastLength - row.position; i++) mask[(rowStart + i) * maskStride] = 0;
    });
    // The same rows, each one token further: last step's presents are exactly this step's past.
    const continued = this.continuesPreviousDecode(plan);
    if (!continued) this.gatherDecodePast(plan, pastLength);
    const feeds = b.feeds(batch, 1, pastLength, continued ? 'previous presents' : 'gathered');
    const fetches = b.fetches(batch, 1, pastLength + 1);
    this.previousDecode = undefined;
    await this.model.session.run(feeds, fetches);
    this.previousDecode = { requestIds: rows.map((row) => row.requestId), positions: rows.map((row) => row.position) };
    const io = this.model.io;
    const totalLength = pastLength + 1;
    const presentRow = io.numKvHeads * totalLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const present = b.present(layer);
      rows.forEach((row, r) => {
        const blockId = row.blockTable[row.paddingBlocks + Math.floor(row.position / BLOCK_SIZE)] as number;
        const slot = row.position % BLOCK_SIZE;
        this.kv.scatterToken(this.kv.keys[layer] as KvArray, present.key, r * presentRow, totalLength, pastLength, blockId, slot);
        this.kv.scatterToken(this.kv.values[layer] as KvArray, present.value, r * presentRow, totalLength, pastLength, blockId, slot);
      });
    }
    const logits = b.lastLogits();
    return { sampled: rows.map((row, r) => this.sample(row.requestId, logits, r, this.stateOf(row.requestId, row.sampling))) };
  }

  /** Each row's past, right-aligned to `pastLength`, gathered from the paged store. */
  private gatherDecodePast(plan: DecodeBatchPlan, pastLength: number): void {
    const io = this.model.io;
    const rowElements = io.numKvHeads * pastLength * io.headDim;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const past = this.decodeBuffers.past(layer, plan.rows.length * rowElements);
      plan.rows.forEach((row, r) => {
        this.kv.gather(this.kv.keys[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, past.key, r * rowElements, pastLength);
        this.kv.gather(this.kv.values[layer] as KvArray, row.blockTable, row.paddingBlocks, row.position, past.value, r * rowElements, pastLength);
      });
    }
  }

  /**
   * Whether this batch continues the previous decode step: the same requests in the same order, each one
   * position further. Prefill steps in between do not matter (they write other requests' blocks).
   */
  private continuesPreviousDecode(plan: DecodeBatchPlan): boolean {
    const previous = this.previousDecode;
    if (previous === undefined || previous.requestIds.length !== plan.rows.length) return false;
    for (let r = 0; r < plan.rows.length; r++) {
      const row = plan.rows[r] as DecodeBatchPlan['rows'][number];
      if (previous.requestIds[r] !== row.requestId || (previous.positions[r] as number) + 1 !== row.position) return false;
    }
    return true;
  }

  private stateOf(requestId: RequestId, sampling: SamplingParams): RequestSamplingState {
    let state = this.states.get(requestId);
    if (state === undefined) {
      state = new RequestSamplingState(resolveSampling(sampling), this.seeds.nextUint32());
      this.states.set(requestId, state);
    }
    return state;
  }

  /** Samples from the logits of flattened row `row` ([batch × sequence, vocab]). */
  private sample(requestId: RequestId, logits: Float32Array | Uint16Array, row: number, state: RequestSamplingState): SampledToken {
    const vocab = this.model.io.vocabSize;
    const start = row * vocab;
    let rowLogits: Float32Array;
    if (logits instanceof Uint16Array) {
      float16ToFloat32(logits.subarray(start, start + vocab), this.logitsRow);
      rowLogits = this.logitsRow;
    } else {
      rowLogits = logits.subarray(start, start + vocab);
    }
    this.logitsObserver?.(requestId, rowLogits);
    const choice = this.sampler.sample(rowLogits, state);
    return choice.logprobs === undefined ? { requestId, tokenId: choice.tokenId } : { requestId, tokenId: choice.tokenId, extras: { logprobs: choice.logprobs } };
  }
}
