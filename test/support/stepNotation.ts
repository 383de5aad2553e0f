import type { StepTraceLine } from '../../src/core/contracts/trace.js';

/**
 * A trace line in one compact line, so that a scenario's expected steps read like a table:
 * `prefill tkv=300 w=b r=b,a o=b f= used=6 | b:1,2,3,4,6 a:1,2,3,4,5`.
 * Block tables are listed in running order.
 */
export function stepNotation(line: StepTraceLine): string {
  const tables = line.running
    .filter((id) => line.blockTables[id] !== undefined)
    .map((id) => `${id}:${line.blockTables[id]!.join(',')}`)
    .join(' ');
  return (
    `${line.kind} tkv=${line.tkv} w=${line.waiting.join(',')} r=${line.running.join(',')} ` +
    `o=${line.outputs.join(',')} f=${line.finished.join(',')} used=${line.usedBlocks}` +
    (tables === '' ? '' : ` | ${tables}`)
  );
}
