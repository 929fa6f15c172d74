// The RX engine throughput table as a script: `npx tsx bench/rx-bench.ts [options]` is the same
// as `tlsnic bench --direction rx [options]` (harness/rx/bench.ts has the workloads and the column
// definitions).
import { rxBenchMain } from '../harness/rx/bench.ts';

process.exitCode = await rxBenchMain(process.argv.slice(2));
