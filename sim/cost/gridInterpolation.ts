import { EngineError } from '../../src/core/contracts/errors.js';

/** One measured point of a 2-D profile: `value` at (x, y). */
export interface GridPoint {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

interface Curve {
  readonly x: number;
  readonly ys: readonly number[];
  readonly values: readonly number[];
}

/**
 * Piecewise-linear interpolation over a ragged grid: for each measured x, a curve over its own y values;
 * between two x curves, linear in x. Ragged, because a prefill chunk of C tokens only ever attends to
 * contexts that are multiples of C, so chunk sizes do not share context values. Off the grid it
 * extrapolates linearly from the nearest segment (an axis with one value is constant).
 */
export class RaggedGrid {
  private readonly curves: readonly Curve[];

  constructor(points: readonly GridPoint[], what: string) {
    if (points.length === 0) throw new EngineError('invalid_scenario', `${what}: the profile table is empty.`);
    const byX = new Map<number, GridPoint[]>();
    for (const point of points) {
      if (![point.x, point.y, point.value].every(Number.isFinite)) throw new EngineError('invalid_scenario', `${what}: every entry needs finite numbers.`);
      byX.set(point.x, [...(byX.get(point.x) ?? []), point]);
    }
    this.curves = [...byX.entries()]
      .sort(([a], [b]) => a - b)
      .map(([x, curvePoints]) => {
        const sorted = curvePoints.slice().sort((a, b) => a.y - b.y);
        const duplicate = sorted.find((point, index) => index > 0 && point.y === sorted[index - 1]!.y);
        if (duplicate !== undefined) throw new EngineError('invalid_scenario', `${what}: two entries at (${x}, ${duplicate.y}).`);
        return { x, ys: sorted.map((point) => point.y), values: sorted.map((point) => point.value) };
      });
  }

  valueAt(x: number, y: number): number {
    const [lower, upper, fraction] = bracket(this.curves.map((curve) => curve.x), x);
    const low = curveAt(this.curves[lower]!, y);
    if (lower === upper) return low;
    return low + (curveAt(this.curves[upper]!, y) - low) * fraction;
  }
}

function curveAt(curve: Curve, y: number): number {
  const [lower, upper, fraction] = bracket(curve.ys, y);
  const low = curve.values[lower]!;
  return lower === upper ? low : low + (curve.values[upper]! - low) * fraction;
}

/** Indices of the segment of a sorted axis that holds `value`, and the fraction within it (<0 or >1 outside). */
function bracket(axis: readonly number[], value: number): [number, number, number] {
  if (axis.length === 1) return [0, 0, 0];
  let upper = 1;
  while (upper < axis.length - 1 && axis[upper]! < value) upper++;
  const lower = upper - 1;
  const low = axis[lower]!;
  return [lower, upper, (value - low) / (axis[upper]! - low)];
}
