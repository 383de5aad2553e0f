// Every flag of a `spyre` command is a row: the flag, its options key, the kind of value (which picks its
// parser), the help, the default and the environment variable. Commands add their rows with addFlagRows, so
// a flag's name, type, default, help and environment variable are written once, in its table.
import { Option, type Command } from 'commander';
import type { FlagValueKind } from '../core/config/engineFlagTable.js';
import { datasetNameValue, finiteNumber, integer, logLevel, nonNegativeInteger, portNumber, positiveInteger, percentileList, percentileMetricList, positiveNumber, ratio, requestRate, taskName } from './flagParsers.js';

/** The kinds of value of the engine flags, and those only other commands take. */
export type CliValueKind = FlagValueKind | 'integer' | 'number' | 'positive number' | 'ratio' | 'request rate' | 'dataset name' | 'percentile metrics' | 'percentiles';

export interface CliFlagRow {
  /** The key commander gives the value under (camelCase of the long flag). */
  readonly key: string;
  /** With its value placeholder: `--max-tokens <n>`. */
  readonly flag: string;
  readonly value: CliValueKind;
  readonly help: string;
  /** The default shown in the help; the command applies it itself only with `appliesDefault` (else the config does). */
  readonly defaultValue?: string | number | boolean;
  /** The default, when it is not a constant (`the model config`). */
  readonly defaultNote?: string;
  /** True when commander fills in `defaultValue` for an absent flag (the command's own flags). */
  readonly appliesDefault?: boolean;
  /** The environment variable read when the flag is absent. */
  readonly envVar?: string;
  /** The help of a switch's `--no-` form. */
  readonly negatedHelp?: string;
  /** The command refuses to run without it. */
  readonly required?: boolean;
}

/** The parser of each kind of value (text and switches need none). */
const PARSERS: Readonly<Record<CliValueKind, ((value: string) => unknown) | undefined>> = {
  'positive integer': positiveInteger,
  'non-negative integer': nonNegativeInteger,
  integer,
  number: finiteNumber,
  'positive number': positiveNumber,
  ratio,
  'request rate': requestRate,
  'dataset name': datasetNameValue,
  'percentile metrics': percentileMetricList,
  percentiles: percentileList,
  port: portNumber,
  task: taskName,
  'log level': logLevel,
  text: undefined,
  switch: undefined,
};

/** How a default reads in the help: `inf` for an unbounded rate. */
function shownDefault(value: string | number | boolean): string {
  return value === Number.POSITIVE_INFINITY ? 'inf' : String(value);
}

/**
 * The help line of a row: its text, then the default and the environment variable it falls back to (a
 * default the command applies, commander writes after it).
 */
export function flagHelp(row: CliFlagRow): string {
  const notes: string[] = [];
  const fallback = row.appliesDefault === true || row.value === 'switch' ? undefined : row.defaultValue !== undefined ? shownDefault(row.defaultValue) : row.defaultNote;
  if (row.envVar !== undefined) notes.push(`default: $${row.envVar}${fallback !== undefined ? `, else ${fallback}` : ''}`);
  else if (fallback !== undefined) notes.push(`default: ${fallback}`);
  return notes.length === 0 ? row.help : `${row.help} (${notes.join('; ')})`;
}

/** The long flag without its placeholder: `--max-num-seqs`. */
export const longFlagOf = (row: Pick<CliFlagRow, 'flag'>): string => row.flag.split(' ')[0] as string;

/** Adds the rows' options to a command, in table order, each with its parser, its default when the command applies it, and a switch's `--no-` form. */
export function addFlagRows(command: Command, rows: readonly CliFlagRow[]): Command {
  for (const row of rows) {
    const option = new Option(row.flag, flagHelp(row));
    const parser = PARSERS[row.value];
    if (parser !== undefined) option.argParser(parser);
    if (row.appliesDefault === true && row.defaultValue !== undefined) option.default(row.defaultValue, shownDefault(row.defaultValue));
    if (row.required === true) option.makeOptionMandatory();
    command.addOption(option);
    if (row.negatedHelp !== undefined) command.addOption(new Option(`--no-${longFlagOf(row).slice(2)}`, row.negatedHelp));
  }
  return command;
}
