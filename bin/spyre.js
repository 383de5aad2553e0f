#!/usr/bin/env node
// Entry point of the `spyre` command: runs the TypeScript CLI through tsx's loader, with the project's
// tsconfig (decorators) wherever the command is started from.
import { URL, fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
