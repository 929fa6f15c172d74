// The synthesis flow's shared vocabulary (targets, flows, the bundle), in a module of its own so
// that harness/synth/synth.ts and the steps it runs (checks, parse, resim) do not import each
// other. harness/synth/synth.ts re-exports all of it.
import type { Width } from '../engine/width.ts';

export type SynthFlow = 'generic' | 'xilinx';

/** The wrapper's module name: the synthesis top and the top of the netlist simulation. */
export const SYNTH_TOP = 'tlsnic_tx_top';

/** The post-synthesis simulation's scenario (harness/synth/resim.ts). */
export interface ResimPlan {
  seed: number;
  flows: number;
  bytesPerFlow: number;
  faults: boolean;
  loss: number;
  gapPermille: number;
  stallPermille: number;
}

export interface SynthTarget {
  /** Bundle directory name under build/synth/. */
  name: string;
  width: Width;
  nCtx: number;
  maxFrame: number;
  /** Target clock for the constraint templates. */
  clockMhz: number;
  flows: readonly SynthFlow[];
  /** Post-synthesis simulation of the generic netlist; null skips it. */
  resim: ResimPlan | null;
  /**
   * Ceiling of the logic-depth check: the deepest register-to-register path in LUT6 levels
   * (harness/synth/depth.ts), per flow. The goal is LUT_LEVEL_GOAL (harness/synth/checks.ts); a
   * flow without an entry reports the depth without a check.
   */
  maxLutLevels: Readonly<Partial<Record<SynthFlow, number>>>;
  /**
   * Ceilings per block, per flow: the deepest path ending in an instance or any instance below it
   * (harness/synth/depth.ts names instances by hierarchical path, e.g. 'u_engine.u_back'). So a
   * block that is already shallower than the design's deepest path cannot regress unnoticed.
   */
  maxBlockLevels?: Readonly<Partial<Record<SynthFlow, Readonly<Record<string, number>>>>>;
  /** Wall-time bound of one Yosys flow: a run past it is stopped and reported as failed. */
  yosysTimeoutMinutes: number;
}

export interface BundleFile {
  /** Path relative to the bundle directory, as in files.f. */
  path: string;
  /** Where it came from, relative to the repo root (the wrapper: "generated"). */
  origin: string;
  sha256: string;
}

export interface Bundle {
  target: SynthTarget;
  dir: string;
  /** Compile order: packages first, the wrapper last. */
  files: BundleFile[];
  /** Files the sources `include (rtl/common/*.svh), copied beside them into rtl/; not in files.f. */
  includes: BundleFile[];
  parameters: Readonly<Record<string, number>>;
  /** AES lanes the engine instantiates at this width (W/128 + 1). */
  aesLanes: number;
  overlay: string[];
}
