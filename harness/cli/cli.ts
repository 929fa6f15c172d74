// The `tlsnic` command line. `main(argv)` returns the exit status: 0 on success, 1 when a run found
// a mismatch, 2 on bad usage or bad input (with a one-line message on stderr).
import { parseArgs } from 'node:util';
import { runCommand } from './run-command.ts';
import { RUN_DEFAULTS, RUN_DIRECTIONS, type RunDirection, type RunOptions } from './run-options.ts';
import { benchMain, BenchUsageError, BENCH_OPTIONS, BENCH_USAGE } from './bench-command.ts';
import { synthMain, SYNTH_HELP } from './synth-command.ts';
import { memoryMain, MEMORY_HELP } from './memory-command.ts';
import { mergeSoak, soakCommand, SoakInputError, SOAK_DEFAULTS, type SoakOptions } from '../soak/run.ts';
import { runReplayCommand, REPLAY_DEFAULTS, REPLAY_DIRECTIONS, REPLAY_FORMATS, type ReplayDirection, type ReplayOptions, type ReplayOutputFormat } from './replay-command.ts';
import { isWidth, WIDTHS } from '../engine/width.ts';
import { coverageCommand, COVERAGE_DEFAULTS, type CoverageOptions } from '../coverage/run.ts';

const HELP = `tlsnic — NIC kTLS offload engine: scenarios, golden model, simulator

Usage:
  tlsnic run [options]      generate a TX and an RX scenario from one seed, run each through its RTL
                            engine (Verilator) and the golden model (RX: in a closed loop with the
                            kernel model answering resync requests), compare frame for frame and
                            counter for counter, report cycles, throughput and counters
  tlsnic replay CAPTURE.pcap --keylog KEYLOG.txt [options]
  tlsnic replay CAPTURE.pcapng [options]
                            replay a real capture's TLS connections through the TX engine as the
                            sending host (exit 0 only if it reproduces every packet) and feed the
                            captured ciphertext to the RX engine as the receiving host (every
                            decrypted byte must equal what the keylog decrypts); a pcapng may carry
                            its key log (Decryption Secrets Block), then --keylog is optional
${BENCH_USAGE}${SYNTH_HELP}${MEMORY_HELP}  tlsnic soak [options]     opt-in long soak of the TX engine: streams connections of any length
                            (generated, simulated and checked in chunks, never held whole)
                            through the golden model and the RTL; every chunk compared and every
                            record decrypted by a streaming oracle with a plaintext-leak check
  tlsnic coverage [--width W] [--seeds N] [--lines-only] [--out DIR]
                            engines built with Verilator coverage run the default regression
                            (scenarios, the bad-input catalogue, RX directed classes, the flow
                            table; each compared with the model); merged line, toggle and
                            cover-point counts (--lines-only: no toggles) per module in DIR (coverage.info, summary.json, summary.md, html/),
                            checked against the floors (docs/coverage-waivers.json); exit 1 below
                            them [W=${COVERAGE_DEFAULTS.width}, N=${COVERAGE_DEFAULTS.seeds}, DIR=${COVERAGE_DEFAULTS.out}]
  tlsnic help               this text

Options of run (defaults in brackets):
  --seed N                  scenario seed (TX and RX) [${RUN_DEFAULTS.seed}]
  --direction tx|rx|both    which engines to exercise [${RUN_DEFAULTS.direction}]
  --flows N                 TX offloaded connections [${RUN_DEFAULTS.flows}]
  --bytes N                 TX application bytes per connection [${RUN_DEFAULTS.bytesPerFlow}]
  --packets N               about N TX data packets in all (sets --bytes from --flows and --mss)
  --rx-flows N              RX random connections; a header-loss and a tag-corruption connection
                            come on top [${RUN_DEFAULTS.rxFlows}]
  --rx-bytes N              RX application bytes per random connection [${RUN_DEFAULTS.rxBytesPerFlow}]
  --loss P                  probability a segment is lost (TX: retransmitted; RX: arrives later,
                            re-cut), 0..1 [${RUN_DEFAULTS.loss}]
  --record-size A,B,..      largest record plaintexts to draw from, 1..16384 [${RUN_DEFAULTS.recordSizes.join(',')}]
  --mss N                   largest TCP payload per segment [${RUN_DEFAULTS.mss}]
  --faults                  inject every malformed-input class (RX: more bad checksums, non-TCP frames)
  --width 128|256|512       RTL datapath (AXI-Stream tdata) width in bits [${RUN_DEFAULTS.width}]
  --engine rtl|model        rtl: Verilator RTL compared with the golden model; model: model only [${RUN_DEFAULTS.engine}]
  --gap PERMILLE            cycles with the RTL input held idle, per mille [${RUN_DEFAULTS.gapPermille}]
  --stall PERMILLE          cycles with the RTL output not ready, per mille [${RUN_DEFAULTS.stallPermille}]
  --clock-mhz F             clock assumed for Gb/s figures [${RUN_DEFAULTS.clockMhz}]
  --stream-offset BYTES     every connection starts as if BYTES had already been sent since its
                            offload start, any size (e.g. 2147483653 = 2^31 + 5, or beyond 2^32):
                            TX installs, then the driver posts a resync load at that offset; RX
                            installs at that offset [${RUN_DEFAULTS.streamOffset}]
  --out DIR                 write input.pcap, output.pcap (TX), rx-input.pcap, rx-output.pcap (RX),
                            summary.json (and mismatch.fst, rx-mismatch.fst) there [${RUN_DEFAULTS.out}]
  Exit 0 when both RTL engines equal the golden model, every TX record decrypts and the RX oracle
  accepts the model's run, 1 otherwise (the first mismatch printed), 2 bad usage.

Options of replay:
  --keylog FILE             SSLKEYLOGFILE with the capture's secrets; required unless the capture is
                            a pcapng with a TLS key log in a Decryption Secrets Block (as
                            \`editcap --inject-secrets tls,KEYLOG in.pcap out.pcapng\` writes it);
                            given both, they are merged and FILE's secret wins where both have one
  --out DIR                 write tx.pcap, rx.pcap, rx-decrypted.json and summary.json there [${REPLAY_DEFAULTS.out}]
  --format pcap|pcapng      output format [${REPLAY_DEFAULTS.format}]; pcapng writes tx.pcapng and rx.pcapng
                            with the key log embedded (Wireshark decrypts them as they are)
  --engine model|rtl        engines to run (TX and RX) [${REPLAY_DEFAULTS.engine}]
  --direction tx|rx|both    which engines to replay through [${REPLAY_DEFAULTS.direction}]
  --width 128|256|512       RTL datapath width in bits [${REPLAY_DEFAULTS.width}]
  --rexmit prefix|seek      how the driver posts retransmitted segments: prefix replay, or SEEK
                            descriptors with the engine's reported tags (the side context of
                            issue 17) [${REPLAY_DEFAULTS.rexmit}]
  Reads classic pcap (Ethernet) and pcapng (any byte order, several interfaces and timestamp
  resolutions; packets on interfaces that are not Ethernet are reported and left out) with
  IPv4/IPv6 TCP; TLS 1.2/1.3 AES-GCM connections whose handshake is in the capture and whose keys
  are in the keylog are offloaded, the rest copied and reported as skipped. RX: each offloaded
  direction's context is installed at its first application record, every packet goes to the RX
  engine in capture order (TCP checksums made right, as on the wire), the kernel model answers
  resync requests; rx.pcap holds what the engine handed the host and rx-decrypted.json its
  decrypted mark per packet (rx.pcapng: also a comment on each decrypted packet). Exit 0 all TX
  packets match and every RX-decrypted byte equals the keylog's decryption, 1 a mismatch, 2 bad
  input.

${BENCH_OPTIONS}Options of soak (defaults in brackets):
  --flows N                 connections [${SOAK_DEFAULTS.flows}]
  --gib-per-flow G          stream GiB per connection, fractions allowed [${SOAK_DEFAULTS.gibPerFlow}]
  --loss P                  segments lost and retransmitted (possibly re-cut) [${SOAK_DEFAULTS.loss}]
  --reorder P               new segments swapped with the next one [${SOAK_DEFAULTS.reorder}]
  --stall PERMILLE          cycles with the RTL output not ready and the input idle [${SOAK_DEFAULTS.stallPermille}]
  --reset-every PACKETS     packets per chunk: one simulator run, the engine reset before it and
                            every connection re-installed at its original start_offload_tcp_sn
                            (each chunk starts with resync loads at the current offsets) [${SOAK_DEFAULTS.resetEvery}]
  --shard i/n               run every n-th connection starting at i [0/1]
  --seed N, --width 128|256|512, --engine rtl|model, --mss N, --record-size A,B,..
  --out DIR                 write soak.json (bytes, packets, records, mismatches, leaks, counters) [${SOAK_DEFAULTS.out}]
  --merge A.json B.json ..  merge shard summaries into DIR/soak.json
  Exit 0 only when mismatches, plaintext leaks and oracle problems are all 0; 1 otherwise; 2 bad usage.

Examples:
  tlsnic run
  tlsnic run --seed 7 --flows 32 --loss 0.1 --record-size 64,16384 --out out/seed7
  tlsnic run --width 128 --packets 5000 --gap 100 --stall 300 --faults
  tlsnic run --direction rx --rx-flows 12 --rx-bytes 100000 --loss 0.05
  tlsnic run --stream-offset 12884901895 --flows 4 --bytes 200000 --loss 0.05
  tlsnic replay session.pcap --keylog sslkeys.txt --out out/replay
  tlsnic replay session-with-keys.pcapng --format pcapng --engine model
  tlsnic bench --quick --width 512
  tlsnic bench --direction both --quick --width 128
  tlsnic soak --flows 1 --gib-per-flow 5 --width 512 --out out/soak-5g
  tlsnic soak --flows 1000 --gib-per-flow 0.001 --loss 0.02 --reorder 0.02 --stall 100 --shard 0/2
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
      packets: { type: 'string' },
      width: { type: 'string' },
      engine: { type: 'string' },
      gap: { type: 'string' },
      stall: { type: 'string' },
      'clock-mhz': { type: 'string' },
      direction: { type: 'string' },
      'rx-flows': { type: 'string' },
      'rx-bytes': { type: 'string' },
      'stream-offset': { type: 'string' },
    },
  });
  const direction = values.direction ?? RUN_DEFAULTS.direction;
  if (!(RUN_DIRECTIONS as readonly string[]).includes(direction)) throw new UsageError(`--direction must be tx, rx or both, got '${direction}'`);
  const loss = values.loss === undefined ? RUN_DEFAULTS.loss : Number(values.loss);
  if (!(loss >= 0 && loss <= 1)) throw new UsageError(`--loss must be a probability in 0..1, got '${values.loss}'`);
  const recordSizes = values['record-size'] === undefined
    ? RUN_DEFAULTS.recordSizes
    : values['record-size'].split(',').map((s) => int('record-size', s.trim(), 1, 16384, 0));
  const flows = int('flows', values.flows, 1, 65536, RUN_DEFAULTS.flows);
  const mss = int('mss', values.mss, 1, 9000, RUN_DEFAULTS.mss);
  const width = int('width', values.width, 128, 512, RUN_DEFAULTS.width);
  if (!isWidth(width)) throw new UsageError(`--width must be 128, 256 or 512, got '${values.width}'`);
  const engine = values.engine ?? RUN_DEFAULTS.engine;
  if (engine !== 'rtl' && engine !== 'model') throw new UsageError(`--engine must be rtl or model, got '${engine}'`);
  if (values.packets !== undefined && values.bytes !== undefined) throw new UsageError('give --packets or --bytes, not both');
  const clockMhz = values['clock-mhz'] === undefined ? RUN_DEFAULTS.clockMhz : Number(values['clock-mhz']);
  if (!(clockMhz > 0 && clockMhz < 10_000)) throw new UsageError(`--clock-mhz must be a positive number, got '${values['clock-mhz']}'`);
  // Segments are 1..mss bytes, so (mss + 1) / 2 on average.
  const packets = int('packets', values.packets, 1, 10_000_000, 0);
  const bytesPerFlow = packets > 0 ? Math.max(1, Math.round((packets / flows) * ((mss + 1) / 2)))
    : int('bytes', values.bytes, 1, 100_000_000, RUN_DEFAULTS.bytesPerFlow);
  return {
    seed: int('seed', values.seed, 0, 2 ** 32 - 1, RUN_DEFAULTS.seed),
    flows,
    bytesPerFlow,
    loss,
    recordSizes,
    mss,
    faults: values.faults ?? false,
    out: values.out ?? RUN_DEFAULTS.out,
    width,
    engine,
    gapPermille: int('gap', values.gap, 0, 999, RUN_DEFAULTS.gapPermille),
    stallPermille: int('stall', values.stall, 0, 999, RUN_DEFAULTS.stallPermille),
    clockMhz,
    direction: direction as RunDirection,
    rxFlows: int('rx-flows', values['rx-flows'], 1, 1022, RUN_DEFAULTS.rxFlows),
    rxBytesPerFlow: int('rx-bytes', values['rx-bytes'], 1, 100_000_000, RUN_DEFAULTS.rxBytesPerFlow),
    streamOffset: int('stream-offset', values['stream-offset'], 0, Number.MAX_SAFE_INTEGER, RUN_DEFAULTS.streamOffset),
  };
}

function parseReplayOptions(args: string[]): ReplayOptions {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      keylog: { type: 'string' },
      out: { type: 'string' },
      engine: { type: 'string' },
      width: { type: 'string' },
      direction: { type: 'string' },
      format: { type: 'string' },
      rexmit: { type: 'string' },
    },
  });
  const direction = values.direction ?? REPLAY_DEFAULTS.direction;
  const rexmit = values.rexmit ?? REPLAY_DEFAULTS.rexmit;
  if (rexmit !== 'prefix' && rexmit !== 'seek') throw new UsageError(`--rexmit must be prefix or seek, got '${rexmit}'`);
  const engine = values.engine ?? REPLAY_DEFAULTS.engine;
  if (!(REPLAY_DIRECTIONS as readonly string[]).includes(direction)) throw new UsageError(`--direction must be tx, rx or both, got '${direction}'`);
  const format = values.format ?? REPLAY_DEFAULTS.format;
  if (!(REPLAY_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be pcap or pcapng, got '${format}'`);
  if (positionals.length !== 1) throw new UsageError(`replay takes one capture file, got ${positionals.length} (try: tlsnic --help)`);
  const width = values.width === undefined ? REPLAY_DEFAULTS.width : Number(values.width);
  if (!isWidth(width)) throw new UsageError(`--width must be one of ${WIDTHS.join(', ')}, got '${values.width}'`);
  return {
    capture: positionals[0],
    keylog: values.keylog ?? null,
    out: values.out ?? REPLAY_DEFAULTS.out,
    width,
    engine,
    direction: direction as ReplayDirection,
    format: format as ReplayOutputFormat,
    rexmit,
  };
}

function parseSoakOptions(args: string[]): SoakOptions | { merge: string[]; out: string } {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      flows: { type: 'string' },
      'gib-per-flow': { type: 'string' },
      loss: { type: 'string' },
      reorder: { type: 'string' },
      stall: { type: 'string' },
      'reset-every': { type: 'string' },
      shard: { type: 'string' },
      width: { type: 'string' },
      engine: { type: 'string' },
      mss: { type: 'string' },
      'record-size': { type: 'string' },
      out: { type: 'string' },
      merge: { type: 'boolean' },
    },
  });
  const out = values.out ?? SOAK_DEFAULTS.out;
  if (values.merge) {
    if (positionals.length === 0) throw new UsageError('soak --merge needs the shard summaries (soak.json files) to merge');
    return { merge: positionals, out };
  }
  if (positionals.length > 0) throw new UsageError(`soak takes no positional arguments (got '${positionals[0]}'; --merge merges summaries)`);
  const prob = (name: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const x = Number(v);
    if (!(x >= 0 && x <= 1)) throw new UsageError(`--${name} must be a probability in 0..1, got '${v}'`);
    return x;
  };
  const gib = values['gib-per-flow'] === undefined ? SOAK_DEFAULTS.gibPerFlow : Number(values['gib-per-flow']);
  if (!(gib > 0 && gib <= 1024)) throw new UsageError(`--gib-per-flow must be a number in (0, 1024], got '${values['gib-per-flow']}'`);
  let shard = SOAK_DEFAULTS.shard;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard must be i/n with 0 <= i < n, got '${values.shard}'`);
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const width = int('width', values.width, 128, 512, SOAK_DEFAULTS.width);
  if (!isWidth(width)) throw new UsageError(`--width must be 128, 256 or 512, got '${values.width}'`);
  const engine = values.engine ?? SOAK_DEFAULTS.engine;
  if (engine !== 'rtl' && engine !== 'model') throw new UsageError(`--engine must be rtl or model, got '${engine}'`);
  return {
    seed: int('seed', values.seed, 0, 2 ** 32 - 1, SOAK_DEFAULTS.seed),
    flows: int('flows', values.flows, 1, 65536, SOAK_DEFAULTS.flows),
    gibPerFlow: gib,
    loss: prob('loss', values.loss, SOAK_DEFAULTS.loss),
    reorder: prob('reorder', values.reorder, SOAK_DEFAULTS.reorder),
    stallPermille: int('stall', values.stall, 0, 999, SOAK_DEFAULTS.stallPermille),
    resetEvery: int('reset-every', values['reset-every'], 100, 10_000_000, SOAK_DEFAULTS.resetEvery),
    shard,
    width,
    engine,
    mss: int('mss', values.mss, 1, 9000, SOAK_DEFAULTS.mss),
    recordSizes: values['record-size'] === undefined ? SOAK_DEFAULTS.recordSizes : values['record-size'].split(',').map((x) => int('record-size', x.trim(), 1, 16384, 0)),
    out,
    clockMhz: SOAK_DEFAULTS.clockMhz,
  };
}

function parseCoverageOptions(argv: string[]): CoverageOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { width: { type: 'string' }, seeds: { type: 'string' }, out: { type: 'string' }, 'lines-only': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`coverage takes no positional arguments (got '${positionals[0]}')`);
  const width = values.width === undefined ? COVERAGE_DEFAULTS.width : Number(values.width);
  if (!isWidth(width)) throw new UsageError(`--width must be one of ${WIDTHS.join(', ')}, got '${values.width}'`);
  return {
    width,
    seeds: int('seeds', values.seeds, 1, 100, COVERAGE_DEFAULTS.seeds),
    out: values.out ?? COVERAGE_DEFAULTS.out,
    toggles: values['lines-only'] ? false : COVERAGE_DEFAULTS.toggles,
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
        return await runCommand(parseRunOptions(rest));
      case 'replay':
        return await runReplayCommand(parseReplayOptions(rest));
      case 'bench':
        return await benchMain(rest);
      case 'synth':
        return await synthMain(rest);
      case 'memory':
        return await memoryMain(rest);
      case 'coverage':
        return await coverageCommand(parseCoverageOptions(rest));
      case 'soak': {
        const s = parseSoakOptions(rest);
        return 'merge' in s ? mergeSoak(s.merge, s.out) : await soakCommand(s);
      }
      default:
        throw new UsageError(`unknown command '${cmd}' (try: tlsnic --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof BenchUsageError || e instanceof SoakInputError || (e instanceof Error && e.message.startsWith('scenario: ')) || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`tlsnic: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
