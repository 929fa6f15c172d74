// Runs a bench binary built by build-sim.ts on one whole batch and parses what it prints
// (the generic batch; the engine benches use harness/engine/bench-run.ts on top of it).
//
// Batch format (see tb/tb_common.h): a "cfg <seed> <gap> <stall> <max_cycles>" line, then one
// record a line of whitespace-separated fields. The bench prints result lines and ends with
// "done <cycles> <wall seconds>".
import { execa } from 'execa';

export interface SimStallConfig {
  /** Seed of the bench's own PRNG for gaps and stalls. */
  seed: number;
  /** Per-mille of cycles with the input valid held low although input is waiting. */
  gapPermille: number;
  /** Per-mille of cycles with the output ready held low. */
  stallPermille: number;
  /** The bench aborts (non-zero exit) after this many cycles. */
  maxCycles?: number;
  /**
   * Engine benches (tb/tb_engine.h) only: hold m_tready low for `cycles` cycles from the cycle
   * input frame `frame` is first presented (a "hold" directive line before that frame).
   */
  readyHolds?: readonly { frame: number; cycles: number }[];
}

/**
 * Per-frame directives of the engine benches (tb/tb_engine.h), written as lines before the frame
 * they apply to: `keep` presents beat `beat` of the frame with tkeep `mask` (bit k = byte k);
 * `reset` holds rst_ni low for `cycles` clock edges once `afterBeats` beats of the frame were
 * accepted, and the rest of that frame is never sent.
 */
export type BenchDirective =
  | { kind: 'keep'; frame: number; beat: number; mask: bigint }
  | { kind: 'reset'; frame: number; afterBeats: number; cycles: number };

/** The directive lines to write before each frame (stall holds and explicit directives), by frame index. */
export function directiveLines(stalls: SimStallConfig, directives: readonly BenchDirective[] = []): Map<number, string> {
  const m = new Map<number, string>();
  const add = (frame: number, line: string): void => {
    m.set(frame, (m.get(frame) ?? '') + line + '\n');
  };
  for (const h of stalls.readyHolds ?? []) add(h.frame, `hold ${h.cycles}`);
  for (const d of directives) {
    if (d.kind === 'keep') add(d.frame, `keep ${d.beat} ${d.mask.toString(16)}`);
    else add(d.frame, `rst ${d.afterBeats} ${d.cycles}`);
  }
  return m;
}

/** Cycles the holds and resets of a run add to its budget. */
export function directiveCycles(stalls: SimStallConfig, directives: readonly BenchDirective[] = []): number {
  let n = 0;
  for (const h of stalls.readyHolds ?? []) n += h.cycles;
  for (const d of directives) if (d.kind === 'reset') n += d.cycles + 70_000;
  return n;
}

export interface SimBatch {
  stalls: SimStallConfig;
  /** One input record a line, fields already formatted (usually hex). */
  records: readonly string[];
}

export interface SimResult {
  /** Result lines split into fields, "done" line excluded. */
  lines: string[][];
  /** Simulated clock cycles. */
  cycles: number;
  /** Wall time of the simulation loop inside the bench (excludes process start and parsing). */
  simSeconds: number;
}

export function formatBatch(batch: SimBatch): string {
  const s = batch.stalls;
  const head = `cfg ${s.seed >>> 0} ${s.gapPermille} ${s.stallPermille} ${s.maxCycles ?? 100_000_000}\n`;
  return head + batch.records.join('\n') + '\n';
}

/** One failed RTL assertion as Verilator reports it (builds use --assert; docs/architecture.md "Assertions"). */
export interface AssertionFailure {
  /** Simulation time: the bench's cycle number (engine benches), 0 where the bench keeps no time. */
  cycle: number;
  /** Source file (the base name Verilator prints, e.g. tlsnic_frame_buf.sv) and line of the assertion. */
  file: string;
  line: number;
  /** Hierarchical name of the assertion, e.g. TOP.tlsnic_tx_engine.u_outbuf.a_m_stable. */
  name: string;
  /** Its message, e.g. "tlsnic_frame_buf: m_tdata/m_tkeep/m_tlast/m_tuser changed while stalled". */
  message: string;
}

/** The assertion failures in a bench's output (Verilator writes them to stdout). */
export function assertionFailures(output: string): AssertionFailure[] {
  const out: AssertionFailure[] = [];
  for (const m of output.matchAll(/^(?:\[(\d+)\] )?%Error: (\S+?):(\d+): Assertion failed in ([^:\s]+): (.*)$/gm)) {
    out.push({ cycle: Number(m[1] ?? 0), file: m[2].replace(/^.*\//, ''), line: Number(m[3]), name: m[4], message: m[5].trim() });
  }
  return out;
}

/** A bench that did not exit 0; `assertions` lists the RTL assertions that failed (empty if none). */
export class BenchFailure extends Error {
  constructor(message: string, readonly assertions: readonly AssertionFailure[]) {
    super(message);
    this.name = 'BenchFailure';
  }
}

/**
 * The error to throw for a bench that did not exit 0: a failed RTL assertion is named first
 * ("RTL assertion failed at cycle N: <message> [<assertion>, <file>:<line>]", one line per
 * assertion that fired), otherwise the exit status or signal and the end of stderr.
 */
export function benchFailure(binary: string, r: { exitCode?: number; signal?: string; stdout?: unknown; stderr?: unknown }): BenchFailure {
  const stderr = String(r.stderr ?? '');
  const fails = assertionFailures(String(r.stdout ?? ''));
  const status = r.exitCode !== undefined ? `exited with ${r.exitCode}` : `was killed by ${r.signal ?? 'a signal'}`;
  if (fails.length > 0) {
    const lines = fails.slice(0, 10).map((f) => `RTL assertion failed at cycle ${f.cycle}: ${f.message} [${f.name}, ${f.file}:${f.line}]`);
    return new BenchFailure(`${lines.join('\n')}\n(${binary} ${status}${stderr ? `: ${stderr.slice(-500).trim()}` : ''})`, fails);
  }
  return new BenchFailure(`${binary} ${status}: ${stderr.slice(-2000)}`, []);
}

/** Runs `binary` with the batch on stdin; throws with the bench's stderr (or the failed assertion) if it fails. */
export async function runSim(binary: string, batch: SimBatch, args: readonly string[] = []): Promise<SimResult> {
  const r = await execa(binary, [...args], {
    input: formatBatch(batch),
    reject: false,
    maxBuffer: 1 << 30,
    stripFinalNewline: false,
  });
  if (r.exitCode !== 0) throw benchFailure(binary, r);
  return parseSimOutput(String(r.stdout));
}

export function parseSimOutput(stdout: string): SimResult {
  const lines: string[][] = [];
  let cycles = -1;
  let simSeconds = 0;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    if (f[0] === 'done') {
      cycles = Number(f[1]);
      simSeconds = Number(f[2]);
    } else {
      lines.push(f);
    }
  }
  if (cycles < 0) throw new Error('bench output has no "done" line (crashed or truncated?)');
  return { lines, cycles, simSeconds };
}
