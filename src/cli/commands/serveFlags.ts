import type { EngineFlags } from '../../core/config/engineFlags.js';

/** `vllm serve`'s options as commander hands them over (SPEC §1.1): every row of ENGINE_FLAG_TABLE. */
export type ServeCommandOptions = Omit<EngineFlags, 'model' | 'numBlocks'>;
