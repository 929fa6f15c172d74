// `tlsnic bench [--direction tx|rx|both] [options]`: the engines' throughput tables. tx (the
// default) is harness/tx/bench.ts, rx is harness/rx/bench.ts (also `npx tsx bench/rx-bench.ts`),
// both runs TX then RX with the same options. --stub and --widths are TX-only.
import { parseArgs } from 'node:util';
import { txBenchMain } from '../tx/bench.ts';
import { rxBenchMain } from '../rx/bench.ts';
import { WIDTHS } from '../engine/width.ts';
import { RX_TABLE_OPTIONS, RxTableUsageError, rxTableBenchMain } from '../rx/table-bench.ts';

export type BenchDirection = 'tx' | 'rx' | 'both';
export const BENCH_DIRECTIONS: readonly BenchDirection[] = ['tx', 'rx', 'both'];
export const BENCH_DEFAULT_DIRECTION: BenchDirection = 'tx';

/** The bench line of `tlsnic --help`'s command list. */
export const BENCH_USAGE = `  tlsnic bench [--direction tx|rx|both] [--width 128,256,512] [--quick] [--out DIR] [--clock-mhz F]
                            the engines' throughput tables, every row checked against the golden
                            model. TX: packet sizes 64..9000, record sizes 64..16384, in order and
                            1 % / 10 % retransmission, per width; writes bench.json and bench.md.
                            RX: in-order record/segment sizes, 2 % loss, scan resync, per width;
                            writes bench-rx.json and bench-rx.md
  tlsnic bench --rx-table [--ctx N] [--engine rtl|model] [--seed S] [--out DIR]
                            the RX flow table filled with random tuples past its first failure,
                            lookups running: rx-table.json and rx-table.md
`;

/** The bench options block of `tlsnic --help` (also `tlsnic bench --help`). */
export const BENCH_OPTIONS = `Options of bench (defaults in brackets):
  --direction tx|rx|both    which engine's table: tx (out/tx-bench), rx (out/bench-rx) or both,
                            TX then RX with the same options [${BENCH_DEFAULT_DIRECTION}]
  --width A,B,..            widths to run, of ${WIDTHS.join(', ')} [${WIDTHS.join(',')}]
  --quick                   1/16 of the traffic per row (seconds a row instead of about one)
  --out DIR                 where the tables go [out/tx-bench; RX: out/bench-rx]
  --clock-mhz F             clock assumed for the Gb/s columns [250]
  --stub                    TX only: run tlsnic_tx_engine_stub instead of the engine [out/tx-bench-stub]
${RX_TABLE_OPTIONS}  Exit 0 when every row matches the golden model, 1 a mismatch, 2 bad usage.

`;

/** A bench command line that cannot run (the CLI prints the message and exits 2). */
export class BenchUsageError extends Error {}

export interface BenchArgs {
  direction: BenchDirection;
  /** The arguments without --direction, for the direction's own parser. */
  rest: string[];
}

/**
 * Takes --direction off a bench command line. Every option of either bench is checked here
 * (unknown ones throw as node:util parseArgs does), so `both` never fails on its RX half's
 * options after the TX half has run.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values, tokens } = parseArgs({
    args: [...argv],
    strict: true,
    tokens: true,
    options: {
      direction: { type: 'string' },
      quick: { type: 'boolean' },
      stub: { type: 'boolean' },
      out: { type: 'string' },
      'clock-mhz': { type: 'string' },
      widths: { type: 'string' },
      width: { type: 'string' },
    },
  });
  const direction = values.direction ?? BENCH_DEFAULT_DIRECTION;
  if (!(BENCH_DIRECTIONS as readonly string[]).includes(direction)) throw new BenchUsageError(`--direction must be tx, rx or both, got '${direction}'`);
  if (direction !== 'tx' && values.stub) throw new BenchUsageError('--stub runs the TX engine stand-in: it needs --direction tx');
  if (direction !== 'tx' && values.widths !== undefined) throw new BenchUsageError('--widths is the TX bench\'s old spelling: use --width');
  const drop = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name !== 'direction') continue;
    drop.add(t.index);
    if (t.inlineValue === false) drop.add(t.index + 1);
  }
  return { direction: direction as BenchDirection, rest: argv.filter((_, i) => !drop.has(i)) };
}

/** `tlsnic bench`: the exit status (0 every row matches the golden model, 1 a mismatch, 2 bad usage). */
export async function benchMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage:\n${BENCH_USAGE}\n${BENCH_OPTIONS}`);
    return 0;
  }
  if (argv.includes('--rx-table')) {
    try {
      return await rxTableBenchMain(argv.filter((a) => a !== '--rx-table'));
    } catch (e) {
      if (e instanceof RxTableUsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
        throw new BenchUsageError(e.message);
      }
      throw e;
    }
  }
  const { direction, rest } = parseBenchArgs(argv);
  if (direction === 'tx') return txBenchMain(rest);
  if (direction === 'rx') return rxBenchMain(rest);
  const tx = await txBenchMain(rest);
  if (tx === 2) return tx;
  console.log('');
  const rx = await rxBenchMain(rest);
  return Math.max(tx, rx);
}
