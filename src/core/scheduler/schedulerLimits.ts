/** The numbers the scheduler schedules by, taken from the engine config. */
export interface SchedulerLimits {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  /** `max_num_batched_tokens`: the fixed prefill chunk size. */
  readonly chunkSize: number;
  readonly blockSize: number;
  /** `VLLM_SPYRE_CP_INTERLEAVE_STEPS`. */
  readonly interleaveSteps: boolean;
  /** `VLLM_DT_MAX_BATCH_TKV_LIMIT`. */
  readonly maxBatchTkvLimit: number;
}
