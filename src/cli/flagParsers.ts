import { InvalidArgumentError } from 'commander';
import type { LogLevel, ModelTask } from '../core/contracts/config.js';
import { TASK_ENGINE_KIND } from '../app/startEngine.js';
import { DATASET_NAMES, type DatasetName } from './commands/benchServe/dataset.js';
import { PERCENTILE_METRICS, type PercentileMetric } from './commands/benchServe/vllmResultJson.js';

// Value parsers for commander options. A parser throws InvalidArgumentError; commander prefixes the flag's
// name, so the user reads e.g. "error: option '--max-num-seqs <n>' argument '0' is invalid. expected …".

/** The tasks, in the order of the table that maps each to its kind of engine. */
const TASKS = Object.keys(TASK_ENGINE_KIND) as readonly ModelTask[];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'.`);
  return parsed;
}

export function integer(value: string): number {
  const parsed = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`expected an integer, got '${value}'.`);
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'.`);
  return parsed;
}

export function finiteNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  return parsed;
}

export function portNumber(value: string): number {
  const parsed = nonNegativeInteger(value);
  if (parsed > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'.`);
  return parsed;
}

export function taskName(value: string): ModelTask {
  if (!(TASKS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${TASKS.join(', ')}, got '${value}'.`);
  return value as ModelTask;
}

export function logLevel(value: string): LogLevel {
  const lowered = value.toLowerCase() === 'warn' ? 'warning' : value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(lowered)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}, got '${value}'.`);
  return lowered as LogLevel;
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'.`);
  return parsed;
}

export function ratio(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), got '${value}'.`);
  return parsed;
}

/** Requests per second, or `inf` to send them all at once. */
export function requestRate(value: string): number {
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0) throw new InvalidArgumentError(`expected a positive number of requests per second or 'inf', got '${value}'.`);
  return rate;
}

export function datasetNameValue(value: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DATASET_NAMES.join(', ')}, got '${value}'.`);
  return value as DatasetName;
}

/** `--percentile-metrics ttft,itl`: the metrics whose statistics a bench result keeps. */
export function percentileMetricList(value: string): PercentileMetric[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PERCENTILE_METRICS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${PERCENTILE_METRICS.join(', ')}, got '${value}'.`);
  return names as PercentileMetric[];
}

/** `--metric-percentiles 50,99`: percentiles between 0 and 100. */
export function percentileList(value: string): number[] {
  const percentiles = value.split(',').map((part) => (part.trim() === '' ? Number.NaN : Number(part.trim())));
  if (percentiles.some((p) => !Number.isFinite(p) || p < 0 || p > 100)) throw new InvalidArgumentError(`expected comma-separated percentiles between 0 and 100, got '${value}'.`);
  return percentiles;
}
