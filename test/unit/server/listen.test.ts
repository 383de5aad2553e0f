import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { listenOrRelease } from '../../../src/server/serve/listen.js';
import { engineErrorOf } from '../../support/engineErrors.js';

describe('having a server to start', () => {
  it('when port 0 is asked for, should return the URL with the port the OS chose', async () => {
    const app = Fastify();
    const url = await listenOrRelease(app, '127.0.0.1', 0, async () => undefined);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    await app.close();
  });

  it('when the port is taken, should release the engine and name the address', async () => {
    const holder = Fastify();
    const url = await listenOrRelease(holder, '127.0.0.1', 0, async () => undefined);
    const port = Number(new URL(url).port);
    let released = false;
    const error = await listenOrRelease(Fastify(), '127.0.0.1', port, async () => {
      released = true;
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(engineErrorOf(() => { throw error; }, 'invalid_config').message).toContain(`could not listen on 127.0.0.1:${port}`);
    expect(released).toBe(true);
    await holder.close();
  });
});
