// The options of `tlsnic run` and their defaults: what harness/cli/cli.ts parses, what
// harness/cli/run-command.ts runs, and what the TX and RX halves (harness/tx/run.ts,
// harness/rx/run.ts) read. Its own module so that those halves and the command do not import each
// other.
import { DEFAULT_TX_SCENARIO } from '../tx/scenario.ts';
import type { CoverageBuild } from '../engine/build-sim.ts';
import type { Width } from '../engine/width.ts';

export type RunEngine = 'rtl' | 'model';
export type RunDirection = 'tx' | 'rx' | 'both';
export const RUN_DIRECTIONS: readonly RunDirection[] = ['tx', 'rx', 'both'];

export interface RunOptions {
  seed: number;
  flows: number;
  bytesPerFlow: number;
  loss: number;
  recordSizes: readonly number[];
  mss: number;
  faults: boolean;
  out: string;
  width: Width;
  engine: RunEngine;
  /** Per-mille of cycles with the RTL's input held idle / output stalled. */
  gapPermille: number;
  stallPermille: number;
  /** Clock assumed when converting bytes per cycle into Gb/s. */
  clockMhz: number;
  /** Which engines the run exercises. */
  direction: RunDirection;
  /** RX: random connections (two directed ones come on top) and application bytes each. */
  rxFlows: number;
  rxBytesPerFlow: number;
  /**
   * Long-stream proofs: every connection starts as if this many bytes had already been sent since
   * its offload start (TX: install, then a resync load at that offset; RX: install at that offset).
   */
  streamOffset: number;
  /** RTL runs use the coverage builds (harness/coverage; the counts go to TLSNIC_COVERAGE_DIR). */
  coverage?: CoverageBuild;
}

export const RUN_DEFAULTS: RunOptions = {
  seed: 1,
  flows: 16,
  bytesPerFlow: 512_000,
  loss: 0.02,
  recordSizes: DEFAULT_TX_SCENARIO.recordSizes,
  mss: 1460,
  faults: false,
  out: 'out/run',
  width: 512,
  engine: 'rtl',
  gapPermille: 0,
  stallPermille: 0,
  clockMhz: 250,
  direction: 'both',
  rxFlows: 8,
  rxBytesPerFlow: 300_000,
  streamOffset: 0,
};
