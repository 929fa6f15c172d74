// The one runner and output parser of the engine benches (tb/tb_engine.h, shared by
// tb/tb_tx_engine.cpp and tb/tb_rx_engine.cpp), for both directions. harness/tx/sim.ts and
// harness/rx/sim.ts only say what differs: the build, the frame line's sideband fields, the
// output line's extra fields and the cycle budget.
//
// Batch (stdin): sim-process's cfg line (formatBatch), then one frame a line,
// "<sideband fields> <bytes hex, byte 0 first>", each optionally preceded by directive lines
// (sim-process directiveLines). Output (stdout): one line per output frame
// "p <index> <first cycle> <last cycle> [<extra fields>] <bytes hex>", per input frame
// "a <index> <first> <last>", per counter "c <index> <value>", per protocol violation
// "e <cycle> <message>", per TX completion "t <cycle> <ctx> <record seq hex> <tag hex>", a
// "stat … beat_bytes B …" line and "done <cycles> <wall seconds>".
import { writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { benchFailure, directiveCycles, directiveLines, formatBatch, type BenchDirective, type SimStallConfig } from './sim-process.ts';

/** An engine input frame as the batch needs it: its bytes (the sideband comes from the dialect). */
export interface BenchFrame {
  data: Uint8Array;
}

/** How one engine's bench differs from the other's on the input side. */
export interface EngineDialect<F extends BenchFrame> {
  /** Prefix of error messages ("tx-sim", "rx-sim"). */
  label: string;
  /** The frame line's fields before the hex, each followed by a space (e.g. "<kind> <ctx_id> "). */
  framePrefix(f: F): string;
  /** max_cycles for a run without stalls.maxCycles (see each engine's budget). */
  cycleBudget(frames: readonly F[], stalls: SimStallConfig): number;
}

export interface EngineWaveform {
  /** FST file to write. */
  path: string;
  /** Cycle window to dump (inclusive). */
  from: number;
  to: number;
}

export interface EngineRunOptions {
  /** Dump a waveform (the binary must be a `trace: true` build). */
  fst?: EngineWaveform;
  /** Override the bench's drain: idle output cycles after the last input beat before it stops. */
  drainIdle?: number;
  /** Write the batch to this file and feed it from there (lets the caller compute while the simulator runs). */
  batchFile?: string;
  /** Per-frame bench directives (tkeep overrides, resets in the middle of a frame). */
  directives?: readonly BenchDirective[];
  /** Simulator command-line arguments, e.g. `+tlsnic_break=<n>` (a test-only fault, docs/architecture.md "Assertions"). */
  simArgs?: readonly string[];
}

/**
 * The batch as one buffer: sim-process's cfg line (formatBatch), then one frame a line. Written
 * straight into a buffer rather than joined from per-frame strings: with hundreds of thousands of
 * small frames the joined strings cost more than the simulation of the stub.
 */
export function encodeEngineBatch<F extends BenchFrame>(d: EngineDialect<F>, frames: readonly F[], stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Buffer {
  const head = formatBatch({ stalls, records: [] });
  const dl = directiveLines(stalls, directives);
  const prefixes = frames.map((f, i) => {
    if (f.data.length === 0) throw new Error(`${d.label}: a frame of zero bytes cannot be sent on AXI-Stream`);
    return `${dl.get(i) ?? ''}${d.framePrefix(f)}`;
  });
  let n = head.length;
  frames.forEach((f, i) => (n += prefixes[i].length + 2 * f.data.length + 1));
  const buf = Buffer.allocUnsafe(n);
  let o = buf.write(head, 0, 'latin1');
  frames.forEach((f, i) => {
    o += buf.write(prefixes[i], o, 'latin1');
    o += buf.write(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('hex'), o, 'latin1');
    buf[o++] = 0x0a;
  });
  return buf;
}

/**
 * Streams `frames` through an engine bench binary with the given gap/stall pattern and returns
 * its stdout. Without stalls.maxCycles the run is limited to the dialect's cycle budget (plus the
 * directives' holds and resets); reaching the limit, or any failure, throws with the bench's
 * message (sim-process benchFailure: a failed RTL assertion is named first).
 */
export async function runEngineBench<F extends BenchFrame>(
  d: EngineDialect<F>,
  binary: string,
  frames: readonly F[],
  stalls: SimStallConfig,
  opts: EngineRunOptions = {},
): Promise<string> {
  const limited = { ...stalls, maxCycles: stalls.maxCycles ?? d.cycleBudget(frames, stalls) + directiveCycles({ ...stalls, readyHolds: [] }, opts.directives) };
  const env: Record<string, string> = {};
  if (opts.fst) {
    env.TLSNIC_FST = opts.fst.path;
    env.TLSNIC_FST_FROM = String(opts.fst.from);
    env.TLSNIC_FST_TO = String(opts.fst.to);
  }
  if (opts.drainIdle !== undefined) env.TLSNIC_DRAIN_IDLE = String(opts.drainIdle);
  const batch = encodeEngineBatch(d, frames, limited, opts.directives);
  // With a batch file the whole input is written before this returns a promise, so the caller
  // can compute meanwhile while the simulator runs (harness/soak/run.ts).
  if (opts.batchFile) writeFileSync(opts.batchFile, batch);
  const io = opts.batchFile ? { inputFile: opts.batchFile } : { input: batch };
  const r = await execa(binary, [...(opts.simArgs ?? [])], { ...io, env, reject: false, maxBuffer: 1 << 30, stripFinalNewline: false });
  if (r.exitCode !== 0) throw benchFailure(binary, r);
  return String(r.stdout);
}

export interface FrameAccept {
  /** Cycle the frame's first and last input beat was accepted. */
  first: number;
  last: number;
}

/** How one engine's bench output differs from the other's. */
export interface OutputDialect<P> {
  /** Prefix of error messages ("tx-sim", "rx-sim"). */
  label: string;
  /** What a "p" line is called in errors ("packet", "output"). */
  outputNoun: string;
  /** Fields of a "p" line before the hex, the index included (index, first, last, extras). */
  headFields: number;
  /** An output frame from its head fields (index first) and its hex. */
  output(head: readonly string[], hex: string): P;
  /** Counter names in the bench's counter index order. */
  counterNames: readonly string[];
  /** Throw when the stat line (beat_bytes) is missing. */
  requireStat: boolean;
}

export interface ParsedEngineOutput<P> {
  outputs: P[];
  /** One entry per input frame, same order. */
  frameAccept: FrameAccept[];
  /** By counter name (dialect.counterNames). */
  counters: Record<string, number>;
  /** Protocol violations the bench saw on the output ("<cycle> <message>"). */
  protocolErrors: string[];
  /** The TX completion stream's entries, one "t" line's fields each (tb/tb_engine.h). */
  completionLines: string[][];
  /** Simulated cycles, including the drain after the last input beat. */
  cycles: number;
  /** Wall time of the bench's simulation loop. */
  simSeconds: number;
  /** Wall time the bench spent reading and converting the batch (the stat line's parse_s). */
  parseSeconds: number;
  /** tdata bytes a beat (W / 8) of the binary that ran. */
  beatBytes: number;
}

/** Parses an engine bench's stdout (format in the header; tb/tb_engine.h). */
export function parseEngineOutput<P>(out: string, nFrames: number, d: OutputDialect<P>): ParsedEngineOutput<P> {
  const outputs: P[] = [];
  const frameAccept: FrameAccept[] = new Array(nFrames);
  const counterValues: number[] = new Array(d.counterNames.length).fill(-1);
  const protocolErrors: string[] = [];
  const completionLines: string[][] = [];
  let parseSeconds = 0;
  let beatBytes = 0;
  let cycles = -1;
  let simSeconds = 0;
  let pos = 0;
  while (pos < out.length) {
    let end = out.indexOf('\n', pos);
    if (end < 0) end = out.length;
    const line = out.slice(pos, end);
    pos = end + 1;
    if (line === '') continue;
    if (line.charCodeAt(0) === 0x70 /* p */ && line.charCodeAt(1) === 0x20) {
      // Only the hex is long, so split the head fields off and leave the hex whole.
      const head: string[] = [];
      let at = 2;
      for (let k = 0; k < d.headFields; k++) {
        const s = line.indexOf(' ', at);
        if (s < 0) {
          head.push(line.slice(at));
          at = line.length + 1;
          break;
        }
        head.push(line.slice(at, s));
        at = s + 1;
      }
      if (Number(head[0]) !== outputs.length) throw new Error(`${d.label}: ${d.outputNoun} line ${line.slice(0, 40)} out of order`);
      outputs.push(d.output(head, at <= line.length ? line.slice(at) : ''));
      continue;
    }
    const f = line.split(' ');
    switch (f[0]) {
      case 'a':
        frameAccept[Number(f[1])] = { first: Number(f[2]), last: Number(f[3]) };
        break;
      case 'c':
        // 64-bit counters; the model's are JS numbers, exact below 2^53.
        counterValues[Number(f[1])] = Number(BigInt(f[2]));
        break;
      case 'e':
        protocolErrors.push(f.slice(1).join(' '));
        break;
      case 't':
        completionLines.push(f.slice(1));
        break;
      case 'stat':
        parseSeconds = Number(f[f.indexOf('parse_s') + 1]);
        beatBytes = Number(f[f.indexOf('beat_bytes') + 1]);
        break;
      case 'done':
        cycles = Number(f[1]);
        simSeconds = Number(f[2]);
        break;
      default:
        throw new Error(`${d.label}: unexpected bench line '${line.slice(0, 80)}'`);
    }
  }
  if (cycles < 0) throw new Error(`${d.label}: bench output has no "done" line (crashed or truncated?)`);
  for (let i = 0; i < nFrames; i++) if (!frameAccept[i]) throw new Error(`${d.label}: no accept line for frame ${i}`);
  if (counterValues.includes(-1)) throw new Error(`${d.label}: counter lines missing`);
  if (d.requireStat && !(beatBytes > 0)) throw new Error(`${d.label}: stat line missing`);
  const counters = Object.fromEntries(d.counterNames.map((n, i) => [n, counterValues[i]]));
  return { outputs, frameAccept, counters, protocolErrors, completionLines, cycles, simSeconds, parseSeconds, beatBytes };
}
