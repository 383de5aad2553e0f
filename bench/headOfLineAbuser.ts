// The hostile client of bench/headOfLine.bench.ts, in its own process (so its work never lands on the
// bench's clock): sends the abusive bodies of test/support/abusiveBodies.ts one after the other, in a loop,
// to the server at argv[2], printing "ready" once its bodies are built and then one line per answer
// ("<status> <body name>"), until it is killed.
import { abusiveBodies } from '../test/support/abusiveBodies.js';

const baseUrl = process.argv[2] as string;
const bodies = abusiveBodies(process.argv[3] ?? 'tiny');
process.stdout.write('ready\n');
for (;;) {
  for (const { name, path, body } of bodies) {
    try {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.text();
      process.stdout.write(`${response.status} ${name}\n`);
    } catch (error) {
      process.stdout.write(`error ${name}: ${(error as Error).message}\n`);
    }
  }
}
