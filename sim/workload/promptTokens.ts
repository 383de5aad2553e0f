import { generatePromptTokens } from '../scenario/promptTokens.js';
import { deriveSeed } from './random.js';
import type { SimRequestSpec, SimWorkload } from './simRequest.js';

/**
 * Builds prompts at arrival: the group's shared prefix (generated once per group and kept) followed by the
 * request's own tokens. Identical prefixes give identical block hashes, which is what the prefix cache sees.
 */
export class PromptBuilder {
  private readonly prefixes = new Map<number, number[]>();

  constructor(private readonly workload: SimWorkload) {}

  promptTokensOf(spec: SimRequestSpec): readonly number[] {
    if (spec.promptTokenIds !== undefined) return spec.promptTokenIds;
    const ownLength = spec.promptLength - spec.prefixLength;
    const own = generatePromptTokens(ownLength, spec.promptSeed);
    if (spec.prefixGroup < 0 || spec.prefixLength === 0) return own;
    return this.prefixOf(spec.prefixGroup, spec.prefixLength).concat(own);
  }

  private prefixOf(group: number, length: number): number[] {
    let prefix = this.prefixes.get(group);
    if (prefix === undefined || prefix.length < length) {
      prefix = generatePromptTokens(length, deriveSeed(this.workload.prefixSeed, group));
      this.prefixes.set(group, prefix);
    }
    return prefix.length === length ? prefix : prefix.slice(0, length);
  }
}
