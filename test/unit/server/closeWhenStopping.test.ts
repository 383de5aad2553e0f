import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeConnectionsWhenStopping } from '../../../src/server/serve/closeWhenStopping.js';

describe('having a server that closes connections when stopping', () => {
  describe('when it answers before and after it starts stopping', () => {
    it('should keep the connection before and send Connection: close after', async () => {
      let stopping = false;
      const app = Fastify();
      closeConnectionsWhenStopping(app, () => stopping);
      app.get('/health', async () => ({ ok: true }));
      const before = await app.inject({ method: 'GET', url: '/health' });
      stopping = true;
      const after = await app.inject({ method: 'GET', url: '/health' });
      expect(before.headers['connection']).not.toBe('close');
      expect(after.headers['connection']).toBe('close');
      await app.close();
    });
  });
});
