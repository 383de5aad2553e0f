/** Build stages in the order they run. */
export type BuildStage = 'tokenizer' | 'weights' | 'graph';

/** One progress report: `done` of `total` units of `stage` (units are stage-specific: merges, bytes, files). */
export interface BuildProgress {
  readonly stage: BuildStage;
  readonly done: number;
  readonly total: number;
}

export type ProgressListener = (progress: BuildProgress) => void;
