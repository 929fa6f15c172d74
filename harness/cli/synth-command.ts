// `tlsnic synth`: writes the FPGA handoff bundle build/synth/<target>/ (harness/synth/synth.ts) and
// prints the checks. Exit 0 when every check passes, 1 when one fails, 2 on bad usage.
import { parseArgs } from 'node:util';
import { runSynth, SYNTH_TARGETS, type SynthFlow, type SynthTarget } from '../synth/synth.ts';

export interface SynthCommandOptions {
  target: keyof typeof SYNTH_TARGETS;
  /** Override the target's flows. */
  flows?: SynthFlow[];
  /** Skip the post-synthesis simulation. */
  noResim: boolean;
  out?: string;
  rtlOverlay?: string;
}

export const SYNTH_TARGET_NAMES = Object.keys(SYNTH_TARGETS) as (keyof typeof SYNTH_TARGETS)[];

export async function runSynthCommand(o: SynthCommandOptions): Promise<number> {
  const base = SYNTH_TARGETS[o.target];
  const target: SynthTarget = { ...base, flows: o.flows ?? base.flows, resim: o.noResim ? null : base.resim };
  const t0 = Date.now();
  const say = (s: string) => process.stdout.write(`[synth ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
  const r = await runSynth(target, { outRoot: o.out, rtlOverlay: o.rtlOverlay, log: say });
  for (const c of r.checks) process.stdout.write(`  ${c.ok ? 'pass' : 'FAIL'}  ${c.name}: ${c.ok ? c.detail.split('\n')[0] : '\n' + c.detail.split('\n').map((l) => `          ${l}`).join('\n')}\n`);
  process.stdout.write(`${r.ok ? 'all checks pass' : 'CHECKS FAIL'}; report: ${r.bundle.dir}/report.md\n`);
  return r.ok ? 0 : 1;
}

export const SYNTH_HELP = `  tlsnic synth [--target reduced|full] [--flows generic,xilinx] [--no-resim] [--out DIR]
                            FPGA handoff: RTL file list, top wrapper, SDC/XDC templates, Yosys
                            synthesis + checks, post-synthesis netlist simulation vs the golden
                            model; writes build/synth/<target>/report.{md,json} (docs/fpga-handoff.md);
                            --rtl-overlay DIR tries replacement rtl/ files (the report names them)
`;

/** Parses `tlsnic synth` arguments; bad usage → message on stderr, exit 2. */
export async function synthMain(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      target: { type: 'string' },
      flows: { type: 'string' },
      'no-resim': { type: 'boolean' },
      out: { type: 'string' },
      'rtl-overlay': { type: 'string' },
    },
  });
  const usage = (m: string) => {
    process.stderr.write(`tlsnic: ${m}\n`);
    return 2;
  };
  const target = values.target ?? 'reduced';
  if (!(SYNTH_TARGET_NAMES as string[]).includes(target)) return usage(`--target must be one of ${SYNTH_TARGET_NAMES.join(', ')}, got '${target}'`);
  const flows = values.flows?.split(',').map((s) => s.trim());
  if (flows && (flows.length === 0 || flows.some((f) => f !== 'generic' && f !== 'xilinx'))) return usage(`--flows takes generic and/or xilinx, got '${values.flows}'`);
  return runSynthCommand({
    target: target as keyof typeof SYNTH_TARGETS,
    flows: flows as SynthFlow[] | undefined,
    noResim: values['no-resim'] ?? false,
    out: values.out,
    rtlOverlay: values['rtl-overlay'],
  });
}
