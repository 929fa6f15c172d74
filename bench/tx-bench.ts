// The TX engine throughput table as a script: `npx tsx bench/tx-bench.ts [options]` is the same
// as `tlsnic bench [options]` (harness/tx/bench.ts has the grid and the column definitions).
import { txBenchMain } from '../harness/tx/bench.ts';

process.exitCode = await txBenchMain(process.argv.slice(2));
