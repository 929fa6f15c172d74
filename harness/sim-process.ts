// Runs a bench binary built by build-sim.ts on one whole batch and parses what it prints.
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

/** Runs `binary` with the batch on stdin; throws with the bench's stderr if it fails. */
export async function runSim(binary: string, batch: SimBatch): Promise<SimResult> {
  const r = await execa(binary, [], {
    input: formatBatch(batch),
    reject: false,
    maxBuffer: 1 << 30,
    stripFinalNewline: false,
  });
  if (r.exitCode !== 0) {
    throw new Error(`${binary} exited with ${r.exitCode}: ${String(r.stderr).slice(-2000)}`);
  }
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
