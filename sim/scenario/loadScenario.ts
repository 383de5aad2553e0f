import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { EngineError } from '../../src/core/contracts/errors.js';
import { scenarioSchema, type Scenario } from './scenarioSchema.js';

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text === '' ? '(top level)' : text;
}

type Issue = z.core.$ZodIssue;

/**
 * A union (workload, cost_model) that matches no branch reports "Invalid input" at its own path; the branch
 * with the fewest problems is almost always the one meant, so its problems are shown instead, in full.
 */
function flattenIssue(issue: Issue, basePath: readonly PropertyKey[]): { path: readonly PropertyKey[]; message: string }[] {
  const path = [...basePath, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    if (closest.length > 0) return closest.flatMap((branchIssue) => flattenIssue(branchIssue, path));
  }
  return [{ path, message: issue.message }];
}

/** One line per problem, each naming the field: `requests[2].max_tokens: Too small: expected number to be >0`. */
export function describeScenarioIssues(error: z.ZodError): string {
  return error.issues
    .flatMap((issue) => flattenIssue(issue, []))
    .map((issue) => `  ${pathText(issue.path)}: ${issue.message}`)
    .join('\n');
}

/** Parses and validates a scenario (SPEC §8); errors name the source, the field and the problem. */
export function parseScenario(json: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    throw new EngineError('invalid_scenario', `Scenario ${source} is not valid:\n${describeScenarioIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError('invalid_scenario', `Cannot read scenario ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_scenario', `Scenario ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}
