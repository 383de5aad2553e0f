import { inject, injectable } from 'inversify';
import type { StepExecutor } from '../../core/contracts/backend.js';
import { EngineConfig } from '../../core/contracts/config.js';
import { BLOCK_SIZE, type RequestId } from '../../core/contracts/ids.js';
import type { SamplingParams } from '../../core/contracts/requests.js';
import type { DecodeBatchPlan, PrefillChunkPlan, SampledToken, StepPlan, StepResult } from '../../core/contracts/stepPlan.js';
import { TokenSampling } from '../../core/contracts/sampling.js';
import type { DecodePast } from './decodePast.js';
import { EagerModel } from './eagerModel.js';
import { float16ToFloat32 } from './float16.js';
import { PagedKvStore, type KvArray } from './pagedKvStore.js';
import { PresentsDecodePast } from './presentsDecodePast.js';
import { SlotDecodePast } from './slotDecodePast.js';
import { StepBuffers, type PastSource } from './stepBuffers.js';

/**
 * The eager backend: executes the core's step plans with onnxruntime on the CPU over a paged KV store.
 *
 * A prefill chunk feeds only its valid tokens (batch 1: left padding would only cost compute), with the
 * prompt before the chunk gathered from the chunk's block table as past; the new KV goes to the slots
 * `slotBlocks` names. A decode batch feeds one token per row; how each row gets its past and where its
 * new KV goes is the `DecodePast`'s business: the presents path for any Optimum decoder, the slot path
 * for decoders that export their new tokens' KV. Position ids are always the tokens' positions in their
 * sequence.
 */
@injectable()
export class EagerRunner implements StepExecutor {
  readonly kv: PagedKvStore;
  /** Prefill and decode steps alternate, so each keeps its own buffers: a prefill leaves the decode batch's presents alone. */
  private readonly prefillBuffers: StepBuffers;
  private readonly decodeBuffers: StepBuffers;
  /** How decode steps get their past and keep their new KV (see DecodePast). */
  private readonly decodePast: DecodePast;
  private logitsRow: Float32Array;
  /** Sees each row's logits (float32) before sampling; the view is reused, copy what you keep. For tests and tools. */
  logitsObserver: ((requestId: RequestId, logits: Float32Array) => void) | undefined;

  constructor(
    @inject(EagerModel) private readonly model: EagerModel,
    @inject(EngineConfig) config: EngineConfig,
    @inject(TokenSampling) private readonly sampling: TokenSampling,
  ) {
    const io = model.io;
    this.kv = new PagedKvStore({ numBlocks: config.numBlocks, numLayers: io.numLayers, numKvHeads: io.numKvHeads, headDim: io.headDim, dtype: io.kvDtype });
    this.prefillBuffers = new StepBuffers(io);
    this.decodeBuffers = new StepBuffers(io);
    this.decodePast = io.newKv !== undefined ? new SlotDecodePast(io, this.kv, this.decodeBuffers) : new PresentsDecodePast(io, this.kv, this.decodeBuffers);
    this.logitsRow = new Float32Array(io.vocabSize);
  }

  async execute(plan: StepPlan): Promise<StepResult> {
    try {
      return plan.kind === 'prefill' ? await this.prefill(plan) : await this.decode(plan);
    } catch (error) {
      const message = `eager backend: ${(error as Error).message}`;
      const ids = plan.kind === 'prefill' ? [plan.requestId] : plan.rows.map((row) => row.requestId);
      return { sampled: [], failed: ids.map((requestId) => ({ requestId, message })) };
    }
  }

  private async prefill(plan: PrefillChunkPlan): Promise<StepResult> {
    const numNew = plan.endValidSlot - plan.firstValidSlot;
    const pastLength = plan.firstTokenIndex;
    const io = this.model.io;
    // The blocks of its past and its own, and the copies' blocks of a fork: all the chunk reads or writes.
    const copies = plan.blockCopies ?? [];
    this.decodePast.storeBlocks(copies.length === 0 ? plan.blockTable : [...plan.blockTable, ...copies.map((copy) => copy.target)]);
    for (let layer = 0; layer < io.numLayers; layer++) {
      const past = this.prefillBuffers.past(layer, io.numKvHeads * pastLength * io.headDim);
      this.kv.gather(this.kv.keys[layer] as KvArray, plan.blockTable, plan.paddingBlocks, pastLength, past.key, 0, pastLength);
      this.kv.gather(this.kv.values[layer] as KvArray, plan.blockTable, plan.paddingBlocks, pastLength, past.value, 0, pastLength);
    }
    const oneCall = this.model.chunkWithPast || pastLength === 0 || numNew === 1;
    // One call over a graph that exports its new KV fetches just that, not the whole present.
    const newKvOnly = oneCall && io.newKv !== undefined;
    if (oneCall) await this.runChunk(plan, 0, numNew, pastLength, 'gathered', newKvOnly);
    else await this.runTokenByToken(plan, numNew, pastLength);
    this.scatterPrefill(plan, newKvOnly ? 0 : pastLength, numNew, newKvOnly);
    for (const copy of copies) this.kv.copyBlock(copy.source, copy.target);
    if (!plan.isLastChunk) return { sampled: [] };
    // A request prefilled again after a preemption keeps its state (generator, counts). The copies it forks
    // (parallel sampling) sample their first tokens from the same logits, each with its own state.
    const logits = this.prefillBuffers.lastLogits();
    const row = oneCall ? numNew - 1 : 0;
    return { sampled: [plan, ...(plan.forks ?? [])].map((sequence) => this.sample(sequence.requestId, sequence.sampling, logits, row)) };
  }

  /**
   * Runs valid tokens [from, from + count) of the chunk over `pastLength` positions of past: the gathered
   * past in the buffers, or the presents of the previous call.
   */
  private async runChunk(plan: PrefillChunkPlan, from: number, count: number, pastLength: number, source: PastSource, newKvOnly = false): Promise<void> {
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
    await this.model.session.run(feeds, newKvOnly ? b.newKvFetches(1, count) : b.fetches(1, count, pastLength + count));
  }

  /** For graphs without multi-token chunks over a past: one call per token, each fed the previous presents. */
  private async runTokenByToken(plan: PrefillChunkPlan, numNew: number, pastLength: number): Promise<void> {
    for (let i = 0; i < numNew; i++) await this.runChunk(plan, i, 1, pastLength + i, i === 0 ? 'gathered' : 'previous presents');
  }

  /**
   * New KV of slots [firstValidSlot, endValidSlot) to `slotBlocks`, one copy per (block run, head), read
   * from the presents (after `pastLength` past positions) or from the new-KV outputs (`pastLength` 0).
   */
  private scatterPrefill(plan: PrefillChunkPlan, pastLength: number, numNew: number, fromNewKv: boolean): void {
    const io = this.model.io;
    const totalLength = pastLength + numNew;
    for (let layer = 0; layer < io.numLayers; layer++) {
      const present = fromNewKv ? this.prefillBuffers.newKv(layer) : this.prefillBuffers.present(layer);
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
    const { feeds, fetches, slots } = this.decodePast.prepare(plan);
    await this.model.session.run(feeds, fetches);
    this.decodePast.keep(plan, slots);
    const logits = this.decodeBuffers.lastLogits();
    return { sampled: plan.rows.map((row, index) => this.sample(row.requestId, row.sampling, logits, slots[index] as number)) };
  }

  /** Samples from the logits of flattened row `row` ([batch × sequence, vocab]). */
  private sample(requestId: RequestId, sampling: SamplingParams, logits: Float32Array | Uint16Array, row: number): SampledToken {
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
    return this.sampling.sample(requestId, sampling, rowLogits);
  }
}
