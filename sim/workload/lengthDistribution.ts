import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { Random } from './random.js';

const bounds = { min: z.number().int().positive().optional(), max: z.number().int().positive().optional() };

/**
 * A token-length distribution. Samples are rounded to integers and clamped to [min, max] (min defaults to
 * 1). `normal` and `lognormal` take the mean and standard deviation of the lengths themselves.
 */
export const lengthDistributionSchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('fixed'), value: z.number().int().positive() }),
  z.strictObject({ dist: z.literal('uniform'), min: z.number().int().positive(), max: z.number().int().positive() }),
  z.strictObject({ dist: z.literal('normal'), mean: z.number().positive(), std: z.number().nonnegative(), ...bounds }),
  z.strictObject({ dist: z.literal('lognormal'), mean: z.number().positive(), std: z.number().nonnegative(), ...bounds }),
  z.strictObject({ dist: z.literal('empirical'), file: z.string().optional(), values: z.array(z.number().int().positive()).optional(), ...bounds }),
]);

export type LengthDistribution = z.infer<typeof lengthDistributionSchema>;

/** Draws lengths from a distribution; an empirical one reads its file (relative to `baseDir`) once. */
export type LengthSampler = (random: Random) => number;

export function lengthSampler(distribution: LengthDistribution, baseDir: string, what: string): LengthSampler {
  switch (distribution.dist) {
    case 'fixed':
      return () => distribution.value;
    case 'uniform': {
      if (distribution.max < distribution.min) throw new EngineError('invalid_scenario', `${what}: max (${distribution.max}) is below min (${distribution.min}).`);
      return (random) => random.integer(distribution.min, distribution.max);
    }
    case 'normal': {
      const clamp = clamper(distribution.min, distribution.max);
      return (random) => clamp(distribution.mean + distribution.std * random.normal());
    }
    case 'lognormal': {
      // Lengths with mean m and deviation s are exp(N(mu, sigma²)) with sigma² = ln(1 + s²/m²), mu = ln m − sigma²/2.
      const sigma = Math.sqrt(Math.log(1 + (distribution.std / distribution.mean) ** 2));
      const mu = Math.log(distribution.mean) - (sigma * sigma) / 2;
      const clamp = clamper(distribution.min, distribution.max);
      return (random) => clamp(Math.exp(mu + sigma * random.normal()));
    }
    case 'empirical': {
      const values = empiricalValues(distribution.values, distribution.file, baseDir, what);
      const clamp = clamper(distribution.min, distribution.max);
      return (random) => clamp(values[Math.floor(random.uniform() * values.length)]!);
    }
  }
}

function clamper(min = 1, max = Number.POSITIVE_INFINITY): (value: number) => number {
  return (value) => Math.min(max, Math.max(min, Math.round(value)));
}

/** An empirical sample: inline `values`, or a file with a JSON array or one number per line. */
function empiricalValues(values: readonly number[] | undefined, file: string | undefined, baseDir: string, what: string): readonly number[] {
  if ((values === undefined) === (file === undefined)) throw new EngineError('invalid_scenario', `${what}: an empirical distribution needs exactly one of 'values' and 'file'.`);
  if (values !== undefined) {
    if (values.length === 0) throw new EngineError('invalid_scenario', `${what}: 'values' is empty.`);
    return values;
  }
  const path = isAbsolute(file!) ? file! : resolve(baseDir, file!);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError('invalid_scenario', `${what}: cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed: unknown[] = text.trimStart().startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(/\r?\n/).filter((line) => line.trim() !== '').map(Number);
  const lengths = parsed.filter((value): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0);
  if (lengths.length === 0 || lengths.length !== parsed.length) throw new EngineError('invalid_scenario', `${what}: ${path} must hold positive numbers only (a JSON array or one per line).`);
  return lengths;
}
