// `tlsnic memory`: the per-context tables of both engines at a design point, each synthesized
// alone for UltraScale+ (harness/synth/memory.ts); prints the table and writes DIR/memory.{md,json}.
// Exit 0, or 2 on bad usage.
import { parseArgs } from 'node:util';
import { memoryMarkdown, runMemoryReport } from '../synth/memory.ts';

export const MEMORY_DEFAULTS = { nCtx: 65_536, buckets: 16_384, out: 'build/memory' } as const;

export const MEMORY_HELP = `  tlsnic memory [--n-ctx N] [--buckets NB] [--out DIR]
                            per-context memory of both engines: every table synthesized alone
                            (synth_xilinx -uram, memory mapping) at N contexts and NB RX flow-table
                            buckets; URAM288 / RAMB36 per table and against an XCVU9P; writes
                            DIR/memory.{md,json} [N=${MEMORY_DEFAULTS.nCtx}, NB=${MEMORY_DEFAULTS.buckets}, DIR=${MEMORY_DEFAULTS.out}]
`;

export async function memoryMain(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'n-ctx': { type: 'string' }, buckets: { type: 'string' }, out: { type: 'string' } },
  });
  const usage = (m: string) => {
    process.stderr.write(`tlsnic: ${m}\n`);
    return 2;
  };
  if (positionals.length > 0) return usage(`memory takes no positional arguments (got '${positionals[0]}')`);
  const pow2 = (name: string, v: string | undefined, lo: number, hi: number, d: number): number | string => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < lo || n > hi || (n & (n - 1)) !== 0) return `--${name} must be a power of two, ${lo} to ${hi}, got '${v}'`;
    return n;
  };
  const nCtx = pow2('n-ctx', values['n-ctx'], 16, 65_536, MEMORY_DEFAULTS.nCtx);
  if (typeof nCtx === 'string') return usage(nCtx);
  const buckets = pow2('buckets', values.buckets, 4, 16_384, MEMORY_DEFAULTS.buckets);
  if (typeof buckets === 'string') return usage(buckets);
  const out = values.out ?? MEMORY_DEFAULTS.out;
  const t0 = Date.now();
  const r = await runMemoryReport(nCtx, buckets, out, (s) => process.stdout.write(`[memory ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}\n`));
  process.stdout.write(`\n${memoryMarkdown(r)}\nwritten: ${out}/memory.md, ${out}/memory.json\n`);
  return 0;
}
