#!/usr/bin/env node
// The `tlab` command. The CLI is TypeScript run through tsx, so the same sources serve the site and Node.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
