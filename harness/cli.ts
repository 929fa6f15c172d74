// The `tlsnic` command line. `main(argv)` returns the exit status: 0 on success, 1 when a run found
// a mismatch, 2 on bad usage or bad input (with a one-line message on stderr).
import { parseArgs } from 'node:util';
import { runTxCommand, RUN_DEFAULTS, type RunOptions } from './run-command.ts';

const HELP = `tlsnic — NIC kTLS offload engine: scenarios, golden model, simulator

Usage:
  tlsnic run [options]      generate a TX scenario, run it through the engine model(s), check, report
  tlsnic help               this text

Options of run (defaults in brackets):
  --seed N                  scenario seed [${RUN_DEFAULTS.seed}]
  --flows N                 offloaded connections [${RUN_DEFAULTS.flows}]
  --bytes N                 application bytes per connection [${RUN_DEFAULTS.bytesPerFlow}]
  --loss P                  probability a segment is lost and retransmitted, 0..1 [${RUN_DEFAULTS.loss}]
  --record-size A,B,..      largest record plaintexts to draw from, 1..16384 [${RUN_DEFAULTS.recordSizes.join(',')}]
  --mss N                   largest TCP payload per segment [${RUN_DEFAULTS.mss}]
  --faults                  inject every malformed-input class
  --out DIR                 write input.pcap, output.pcap and summary.json there [${RUN_DEFAULTS.out}]

Examples:
  tlsnic run
  tlsnic run --seed 7 --flows 32 --loss 0.1 --record-size 64,16384 --out out/seed7
`;

class UsageError extends Error {}

function int(name: string, v: string | undefined, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`--${name} must be an integer in ${lo}..${hi}, got '${v}'`);
  return n;
}

function parseRunOptions(args: string[]): RunOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      seed: { type: 'string' },
      flows: { type: 'string' },
      bytes: { type: 'string' },
      loss: { type: 'string' },
      'record-size': { type: 'string' },
      mss: { type: 'string' },
      faults: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const loss = values.loss === undefined ? RUN_DEFAULTS.loss : Number(values.loss);
  if (!(loss >= 0 && loss <= 1)) throw new UsageError(`--loss must be a probability in 0..1, got '${values.loss}'`);
  const recordSizes = values['record-size'] === undefined
    ? RUN_DEFAULTS.recordSizes
    : values['record-size'].split(',').map((s) => int('record-size', s.trim(), 1, 16384, 0));
  const flows = int('flows', values.flows, 1, 65536, RUN_DEFAULTS.flows);
  return {
    seed: int('seed', values.seed, 0, 2 ** 32 - 1, RUN_DEFAULTS.seed),
    flows,
    bytesPerFlow: int('bytes', values.bytes, 1, 100_000_000, RUN_DEFAULTS.bytesPerFlow),
    loss,
    recordSizes,
    mss: int('mss', values.mss, 1, 9000, RUN_DEFAULTS.mss),
    faults: values.faults ?? false,
    out: values.out ?? RUN_DEFAULTS.out,
  };
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      case 'run':
        return await runTxCommand(parseRunOptions(rest));
      default:
        throw new UsageError(`unknown command '${cmd}' (try: tlsnic --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`tlsnic: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
