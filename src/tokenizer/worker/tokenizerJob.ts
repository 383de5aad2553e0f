// What the main thread and a tokenizer worker exchange: plain, structured-clone data only.
import type { TokenizerFiles } from '../../models/dir/modelDirInfo.js';
import type { ChatMessage } from '../chatTemplate.js';

export type TokenizerJob =
  | { readonly op: 'encode'; readonly text: string; readonly addSpecialTokens: boolean }
  | { readonly op: 'decode'; readonly ids: readonly number[]; readonly skipSpecialTokens: boolean }
  | { readonly op: 'applyChatTemplate'; readonly messages: PackedMessages; readonly addGenerationPrompt: boolean }
  /**
   * A whole request body, as the bytes the client sent (transferred, not copied): parsed, checked and
   * tokenized by the worker's entry module for route `route`, with `env` the route's plain settings.
   */
  | { readonly op: 'prepare'; readonly route: string; readonly body: Uint8Array; readonly env: unknown };

/**
 * Chat messages as two strings and a length table: posting 100,000 message objects costs the sender
 * ~50 ms of structured cloning, posting this a few.
 */
export interface PackedMessages {
  readonly roles: string;
  readonly contents: string;
  /** Per message: its role's and its content's length in UTF-16 units. */
  readonly lengths: Uint32Array;
}

export function packMessages(messages: readonly ChatMessage[]): PackedMessages {
  const lengths = new Uint32Array(messages.length * 2);
  messages.forEach((message, index) => {
    lengths[2 * index] = message.role.length;
    lengths[2 * index + 1] = message.content.length;
  });
  return { roles: messages.map((message) => message.role).join(''), contents: messages.map((message) => message.content).join(''), lengths };
}

export function unpackMessages(packed: PackedMessages): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let roleAt = 0;
  let contentAt = 0;
  for (let index = 0; index < packed.lengths.length / 2; index++) {
    const roleLength = packed.lengths[2 * index] as number;
    const contentLength = packed.lengths[2 * index + 1] as number;
    messages.push({ role: packed.roles.slice(roleAt, roleAt + roleLength), content: packed.contents.slice(contentAt, contentAt + contentLength) });
    roleAt += roleLength;
    contentAt += contentLength;
  }
  return messages;
}

/** The nice value of a tokenizer worker thread (0 is the engine's, 19 the lowest). */
export const WORKER_NICE = 10;

export interface TokenizerJobMessage {
  readonly jobId: number;
  readonly job: TokenizerJob;
}

/** An error thrown by the job, by name so the main thread can raise the same class (ChatTemplateError, EngineError). */
export interface TokenizerJobFailure {
  readonly name: string;
  readonly message: string;
  readonly engineErrorKind?: string;
  /** The error's own primitive fields (an ApiError's kind and param, a body parser's code and statusCode). */
  readonly fields?: Readonly<Record<string, string | number | null>>;
}

export type TokenizerJobAnswer =
  | { readonly jobId: number; readonly ids: number[] }
  | { readonly jobId: number; readonly text: string }
  | { readonly jobId: number; readonly value: unknown }
  | { readonly jobId: number; readonly failure: TokenizerJobFailure };

/** The worker's start-up data: the same files the main thread's tokenizer was read from. */
export interface TokenizerWorkerData {
  readonly files: TokenizerFiles;
  /** The worker's body as a file URL (default: the plain tokenizer worker, which answers no `prepare`). */
  readonly entry?: string;
  /** The thread's nice value, set first thing by the boot script (WORKER_NICE). */
  readonly nice: number;
}
