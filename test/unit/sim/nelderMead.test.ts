import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../../sim/calibrate/nelderMead.js';

const rosenbrock = ([x, y]: readonly number[]): number => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;

describe('having a smooth objective with a known minimum', () => {
  it('when started away from it, should find the Rosenbrock minimum at (1, 1)', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { initialStep: [0.5, 0.5], maxEvaluations: 2000, valueTolerance: 1e-14 });
    expect(result.point[0]).toBeCloseTo(1, 3);
    expect(result.point[1]).toBeCloseTo(1, 3);
    expect(result.evaluations).toBeLessThanOrEqual(2000 + 3);
  });

  it('when fitting three scaled parameters of a quadratic, should recover each within 0.1%', () => {
    const truth = [2e-3, 5e-5, 0.02];
    const objective = (point: readonly number[]): number => point.reduce((sum, value, index) => sum + ((value - truth[index]!) / truth[index]!) ** 2, 0);
    const result = nelderMead(objective, [1e-3, 1e-4, 0.01], { initialStep: [5e-4, 5e-5, 5e-3], maxEvaluations: 3000, valueTolerance: 1e-16 });
    result.point.forEach((value, index) => expect(Math.abs(value / truth[index]! - 1)).toBeLessThan(1e-3));
  });

  it('when given a point tolerance, should stop once the simplex is that small: sooner, and that close', () => {
    const bowl = ([x, y]: readonly number[]): number => (x! - 0.3) ** 2 + 4 * (y! + 0.2) ** 2;
    const options = { initialStep: [0.5, 0.5], maxEvaluations: 1000, valueTolerance: 0 };
    const exhaustive = nelderMead(bowl, [0, 0], options);
    const early = nelderMead(bowl, [0, 0], { ...options, pointTolerance: 1e-3 });
    expect(early.evaluations).toBeLessThan(exhaustive.evaluations / 2);
    expect(Math.abs(early.point[0]! - 0.3)).toBeLessThan(2e-3);
    expect(Math.abs(early.point[1]! + 0.2)).toBeLessThan(2e-3);
  });
});

describe('having the same start and options twice', () => {
  it('should evaluate the same points in the same order and return the same point', () => {
    const seen: string[][] = [[], []];
    const run = (trace: string[]): readonly number[] =>
      nelderMead((point) => { trace.push(point.join(',')); return rosenbrock(point); }, [0, 0], { initialStep: [0.3, 0.3], maxEvaluations: 200, valueTolerance: 0 }).point;
    expect(run(seen[0]!)).toEqual(run(seen[1]!));
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]!.length).toBeGreaterThanOrEqual(200);
  });
});

describe('having an objective that is undefined somewhere', () => {
  it('should treat NaN as worse than any number and still reach the minimum', () => {
    const objective = ([x]: readonly number[]): number => (x! < 0 ? NaN : (x! - 3) ** 2);
    const result = nelderMead(objective, [0.5], { initialStep: [1], maxEvaluations: 500, valueTolerance: 1e-12 });
    expect(result.point[0]).toBeCloseTo(3, 4);
  });
});
