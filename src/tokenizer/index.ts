export { TextTokenizer, type DecodeOptions, type EncodeOptions, type TokenDecoder } from './textTokenizer.js';
export { ChatTemplate, ChatTemplateError, type ChatMessage, type ChatTemplateOptions, type ChatTemplateTokens } from './chatTemplate.js';
export { IncrementalDetokenizer } from './incrementalDetokenizer.js';
export { minTokensOf, tokenBytesBound, type TokenBytesBound } from './tokenBytesBound.js';
