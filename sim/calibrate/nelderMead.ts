/** How a Nelder–Mead search starts and when it stops. */
export interface NelderMeadOptions {
  /** Size of the first simplex along each axis, e.g. a tenth of the start point's entry. */
  readonly initialStep: readonly number[];
  readonly maxEvaluations: number;
  /** Stops when the simplex's values differ by less than this. */
  readonly valueTolerance: number;
  /** Also stops when every vertex lies within this distance of the best along every axis (default 0: off). */
  readonly pointTolerance?: number;
}

export interface NelderMeadResult {
  readonly point: readonly number[];
  readonly value: number;
  readonly evaluations: number;
}

interface Vertex {
  point: number[];
  value: number;
}

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

/** Whether every vertex is within `tolerance` of the best (the first) along every axis. */
function collapsed(simplex: readonly Vertex[], tolerance: number): boolean {
  if (!(tolerance > 0)) return false;
  const best = simplex[0]!.point;
  return simplex.every((vertex) => vertex.point.every((value, axis) => Math.abs(value - best[axis]!) <= tolerance));
}

/**
 * Minimises `objective` by the Nelder–Mead simplex method (standard coefficients). Derivative-free, for an
 * objective that is itself a simulation; deterministic: the same start and options give the same evaluations
 * in the same order, and ties keep the earlier vertex.
 */
export function nelderMead(objective: (point: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions): NelderMeadResult {
  let evaluations = 0;
  const evaluate = (point: number[]): Vertex => {
    evaluations++;
    const value = objective(point);
    return { point, value: Number.isNaN(value) ? Infinity : value };
  };
  const simplex: Vertex[] = [evaluate([...start])];
  for (let axis = 0; axis < start.length; axis++) {
    const point = [...start];
    point[axis]! += options.initialStep[axis]!;
    simplex.push(evaluate(point));
  }
  const along = (from: readonly number[], to: readonly number[], factor: number): number[] => from.map((value, index) => value + factor * (to[index]! - value));
  while (evaluations < options.maxEvaluations) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[simplex.length - 1]!;
    if (worst.value - best.value < options.valueTolerance) break;
    if (collapsed(simplex, options.pointTolerance ?? 0)) break;
    const centroid = start.map((_, index) => simplex.slice(0, -1).reduce((sum, vertex) => sum + vertex.point[index]!, 0) / (simplex.length - 1));
    const reflected = evaluate(along(centroid, worst.point, -REFLECT));
    const secondWorst = simplex[simplex.length - 2]!;
    if (reflected.value < best.value) {
      const expanded = evaluate(along(centroid, worst.point, -EXPAND));
      simplex[simplex.length - 1] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < secondWorst.value) {
      simplex[simplex.length - 1] = reflected;
    } else {
      const outside = reflected.value < worst.value;
      const contracted = evaluate(along(centroid, outside ? reflected.point : worst.point, CONTRACT));
      if (contracted.value < Math.min(reflected.value, worst.value)) {
        simplex[simplex.length - 1] = contracted;
      } else {
        for (let index = 1; index < simplex.length; index++) simplex[index] = evaluate(along(best.point, simplex[index]!.point, SHRINK));
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return { point: simplex[0]!.point, value: simplex[0]!.value, evaluations };
}
