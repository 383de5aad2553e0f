// The hostile client of bench/headOfLine.bench.ts, in its own process (so its work never lands on the
// bench's clock): sends the abusive bodies of test/support/abusiveBodies.ts one after the other, in a loop,
// to the server at argv[2] (serving the model argv[3]), printing "ready" once its bodies are built and then one line per answer
// ("<status> <body name>"), until its stdin closes: then it finishes the body in flight and exits (so the
// server sees no hang-up mid-body, which would stop its tokenizer worker), or until it is killed.
import { abusiveBodies } from '../test/support/abusiveBodies.js';

const baseUrl = process.argv[2] as string;
// argv[4]: only the bodies whose name contains it (bench/headOfLine.bench.ts --abuse).
const bodies = abusiveBodies(process.argv[3] ?? 'tiny').filter((body) => body.name.includes(process.argv[4] ?? ''));
let stopping = false;
process.stdin.on('end', () => (stopping = true)).resume();
process.stdout.write('ready\n');
while (!stopping) {
  for (const { name, path, body } of bodies) {
    if (stopping) break;
    try {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.text();
      process.stdout.write(`${response.status} ${name}\n`);
    } catch (error) {
      process.stdout.write(`error ${name}: ${(error as Error).message}\n`);
    }
  }
}
