// What the main thread and a tokenizer worker exchange: plain, structured-clone data only.
import type { TokenizerFiles } from '../../models/dir/modelDirInfo.js';
import type { ChatMessage } from '../chatTemplate.js';

export type TokenizerJob =
  | { readonly op: 'encode'; readonly text: string; readonly addSpecialTokens: boolean }
  | { readonly op: 'decode'; readonly ids: readonly number[]; readonly skipSpecialTokens: boolean }
  | { readonly op: 'applyChatTemplate'; readonly messages: readonly ChatMessage[]; readonly addGenerationPrompt: boolean };

export interface TokenizerJobMessage {
  readonly jobId: number;
  readonly job: TokenizerJob;
}

/** An error thrown by the job, by name so the main thread can raise the same class (ChatTemplateError, EngineError). */
export interface TokenizerJobFailure {
  readonly name: string;
  readonly message: string;
  readonly engineErrorKind?: string;
}

export type TokenizerJobAnswer =
  | { readonly jobId: number; readonly ids: number[] }
  | { readonly jobId: number; readonly text: string }
  | { readonly jobId: number; readonly failure: TokenizerJobFailure };

/** The worker's start-up data: the same files the main thread's tokenizer was read from. */
export interface TokenizerWorkerData {
  readonly files: TokenizerFiles;
}
