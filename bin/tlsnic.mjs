#!/usr/bin/env node
// Entry point of the `tlsnic` CLI: registers the tsx loader so the TypeScript harness runs
// without a separate build step, then hands over to harness/cli/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/cli.ts');
process.exitCode = await main(process.argv.slice(2));
