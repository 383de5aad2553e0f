// `npm run docs:api` (typedoc over src/index.ts) converts the library API without a warning: every type the
// exported API names is exported too, and every block tag the sources use is known (tsdoc.json).
import { Application, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';

describe('having the typedoc API reference', () => {
  it('should convert src/index.ts with typedoc.json without a warning or an error', async () => {
    const messages: string[] = [];
    const app = await Application.bootstrapWithPlugins({ options: `${REPO_ROOT}/typedoc.json`, logLevel: LogLevel.Warn }, [new TypeDocReader(), new TSConfigReader()]);
    app.logger.log = (message, level) => {
      if (level >= LogLevel.Warn) messages.push(String(message));
    };
    const project = await app.convert();
    expect(project).toBeDefined();
    app.validate(project!);
    expect(messages).toEqual([]);
  });
});
