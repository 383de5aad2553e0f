// The hostile client of bench/headOfLine.bench.ts, in its own process (so its work never lands on the
// bench's clock): sends the abusive bodies of test/support/abusiveBodies.ts in a loop to the server at
// argv[2] until SIGTERM, then prints {"sent": n, "statuses": {...}} on stdout and exits.
import { abusiveBodies } from '../test/support/abusiveBodies.js';

const baseUrl = process.argv[2] as string;
const bodies = abusiveBodies(process.argv[3] ?? 'tiny');
const statuses: Record<string, number> = {};
let sent = 0;
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
process.stdout.write('ready\n');
while (!stopping) {
  for (const { path, body } of bodies) {
    if (stopping) break;
    try {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.text();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch (error) {
      statuses[`error ${(error as Error).message}`] = (statuses[`error ${(error as Error).message}`] ?? 0) + 1;
    }
    sent++;
  }
}
process.stdout.write(`${JSON.stringify({ sent, statuses })}\n`);
process.exit(0);
