import type { SettingOverrides } from '../run/simulateScenario.js';

/** The axes of a sweep; an absent axis keeps the scenario's own value. */
export interface SweepAxes {
  readonly chunkSizes?: readonly number[];
  readonly maxNumSeqs?: readonly number[];
  readonly interleave?: readonly boolean[];
  /** tensor_parallel_size values: the cards per engine (the outermost axis). */
  readonly tensorParallelSizes?: readonly number[];
}

/** One point of a sweep: its overrides, a label for tables and the line it belongs to in trade-off charts. */
export interface SweepPoint {
  readonly overrides: SettingOverrides;
  readonly label: string;
  readonly group: string;
}

/** Every combination of the axes, chunk size varying fastest (so each group's points sit together). */
export function sweepPoints(axes: SweepAxes): SweepPoint[] {
  const points: SweepPoint[] = [];
  const tpAxis: readonly (number | undefined)[] = axes.tensorParallelSizes ?? [undefined];
  const seqsAxis: readonly (number | undefined)[] = axes.maxNumSeqs ?? [undefined];
  const interleaveAxis: readonly (boolean | undefined)[] = axes.interleave ?? [undefined];
  const chunkAxis: readonly (number | undefined)[] = axes.chunkSizes ?? [undefined];
  for (const tensorParallelSize of tpAxis) {
    for (const interleave of interleaveAxis) {
      for (const maxNumSeqs of seqsAxis) {
        for (const maxNumBatchedTokens of chunkAxis) {
          const overrides: SettingOverrides = {
            ...(maxNumBatchedTokens !== undefined ? { maxNumBatchedTokens } : {}),
            ...(maxNumSeqs !== undefined ? { maxNumSeqs } : {}),
            ...(interleave !== undefined ? { interleave } : {}),
            ...(tensorParallelSize !== undefined ? { tensorParallelSize } : {}),
          };
          const groupParts = [
            tensorParallelSize !== undefined ? `tp=${tensorParallelSize}` : '',
            maxNumSeqs !== undefined ? `seqs=${maxNumSeqs}` : '',
            interleave !== undefined ? `interleave=${interleave ? 'on' : 'off'}` : '',
          ].filter((part) => part !== '');
          const group = groupParts.length === 0 ? 'scenario' : groupParts.join(' ');
          const label = [maxNumBatchedTokens !== undefined ? `chunk=${maxNumBatchedTokens}` : '', ...groupParts].filter((part) => part !== '').join(' ') || 'scenario';
          points.push({ overrides, label, group });
        }
      }
    }
  }
  return points;
}

/** `256,512,1024` → numbers; errors name the flag. */
export function parseNumberList(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value <= 0)) {
    throw new RangeError(`${flag} takes a comma list of positive integers, e.g. 256,512,1024; got '${text}'.`);
  }
  return values;
}

/** `on,off` → booleans. */
export function parseOnOffList(text: string, flag: string): boolean[] {
  const values = text.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '');
  if (values.length === 0 || values.some((value) => !['on', 'off', '1', '0', 'true', 'false'].includes(value))) {
    throw new RangeError(`${flag} takes a comma list of on/off, e.g. on,off; got '${text}'.`);
  }
  return values.map((value) => value === 'on' || value === '1' || value === 'true');
}
