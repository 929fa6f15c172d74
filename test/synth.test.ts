// The FPGA synthesis handoff (harness/synth/synth.ts) on the reduced configuration (W = 128,
// N_CTX = 16): the bundle, Verilator lint, Yosys generic synthesis with its checks, and the
// post-synthesis simulation of Yosys's netlist against the golden model and the RTL. Every check
// of the report is one test here, so a failure names the check and shows its detail.
// The checks themselves are tested on a small design with a latch, an undriven output and a
// combinational loop: they must flag each.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileList, REPO_ROOT } from '../harness/engine/build-sim.ts';
import { checkFlow } from '../harness/synth/checks.ts';
import { parseFlowResult } from '../harness/synth/parse.ts';
import { aesSbox, proveSboxModule, sboxRomVerilog, withRomSbox } from '../harness/synth/sbox.ts';
import { scanYosysSubset } from '../harness/synth/subset.ts';
import { flowScript, runSynth, SYNTH_TARGETS, SYNTH_TOP, type Bundle, type SynthReport } from '../harness/synth/synth.ts';
import { TX_ENGINE_FILE_LIST } from '../harness/tx/sim.ts';

const TARGET = SYNTH_TARGETS.reduced;

// Check names the reduced target must produce; a missing one counts as a failure.
const EXPECTED_CHECKS = [
  'verilator-lint-wall',
  'yosys-subset',
  'generic:yosys-completes',
  'generic:no-latches',
  'generic:no-multiple-drivers',
  'generic:no-undriven',
  'generic:no-black-boxes',
  'generic:no-combinational-loops',
  'generic:check-clean',
  'generic:memories-inferred',
  'generic:netlist-ports',
  'generic:logic-depth',
  'generic:block-depth',
  'resim-sbox-equivalence',
  'resim-netlist-vs-model',
  'resim-netlist-vs-rtl',
];

describe(`FPGA synthesis handoff, target ${TARGET.name} (W=${TARGET.width}, N_CTX=${TARGET.nCtx})`, () => {
  let report: SynthReport;
  beforeAll(async () => {
    console.log(`[synth] scenario seed ${TARGET.resim?.seed}`);
    const t0 = Date.now();
    report = await runSynth(TARGET, { log: (s) => console.log(`[synth ${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`) });
  }, 45 * 60_000);

  it('bundle: the engine file list in compile order plus the wrapper, parameters, constraints', () => {
    const files = readFileSync(join(report.bundle.dir, 'files.f'), 'utf8').trim().split('\n');
    const rtl = readFileList(TX_ENGINE_FILE_LIST).map((f) => `rtl/${f.split('/').pop()}`);
    expect(files).toEqual([...rtl, `${SYNTH_TOP}.sv`]);
    const params = JSON.parse(readFileSync(join(report.bundle.dir, 'parameters.json'), 'utf8')) as Record<string, unknown>;
    expect(params).toMatchObject({ W: 128, N_CTX: 16, MAX_FRAME: TARGET.maxFrame, aesLanes: 2 });
    const wrapper = readFileSync(join(report.bundle.dir, `${SYNTH_TOP}.sv`), 'utf8');
    expect(wrapper).toMatch(/\.W\s*\(128\)/);
    expect(wrapper).toMatch(/\.N_CTX\s*\(16\)/);
    for (const ext of ['sdc', 'xdc']) {
      const c = readFileSync(join(report.bundle.dir, 'constraints', `${SYNTH_TOP}.${ext}`), 'utf8');
      expect(c).toContain('create_clock -name tlsnic_clk -period 4.000 [get_ports clk_i]');
      expect(c).toMatch(/set_input_delay .* \[get_ports \{s_tvalid_i/);
    }
    expect(report.bundle.overlay).toEqual([]);
  });

  it.each(EXPECTED_CHECKS)('check %s', (name) => {
    const c = report.checks.find((x) => x.name === name);
    const failed = report.checks.filter((x) => !x.ok).map((x) => `${x.name}: ${x.detail.split('\n')[0]}`);
    expect(c, `check ${name} did not run; failing: ${failed.join(' | ')}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  });

  it('report.json / report.md carry version, cell counts, longest path, memories, re-simulation', () => {
    const json = JSON.parse(readFileSync(join(report.bundle.dir, 'report.json'), 'utf8')) as SynthReport & { resources: Record<string, { ffs: number; gates: number; rams: number }> };
    expect(json.yosysVersion).toMatch(/^Yosys \d+\.\d+/);
    const g = json.flows.find((f) => f.flow === 'generic');
    expect(g?.ok, g?.error ?? '').toBe(true);
    expect(g?.modules.find((m) => m.name === 'tlsnic_gcm_back')?.cells).toBeGreaterThan(1000);
    expect(g?.longestPath).toBeGreaterThan(10);
    // Every module instance with logic has its deepest LUT6 path named, the GHASH back end among them.
    expect(g?.depth?.instances.find((i) => i.instance === 'u_engine.u_back')?.levels).toBeGreaterThan(3);
    expect(g?.depth?.worst.levels).toBeLessThanOrEqual(TARGET.maxLutLevels.generic as number);
    expect(json.resources.generic.ffs).toBeGreaterThan(10_000);
    // Six RAMs (front, back and H tables, output buffer beats and descriptors, completion queue)
    // and the AES data lanes' S-box ROMs, kept as memories: 2 lanes x 14 stages x 8 at W = 128.
    expect(json.resources.generic.rams).toBe(6 + 2 * 14 * 8);
    expect(json.resim?.frames).toBeGreaterThan(100);
    expect(json.resim?.packets).toBeGreaterThan(50);
    const md = readFileSync(join(report.bundle.dir, 'report.md'), 'utf8');
    expect(md).toContain('all checks pass');
    expect(md).toContain('Longest logic path');
    expect(md).toContain('LUT6 logic depth');
  });
});

describe('synthesis checks flag bad designs', () => {
  it('a latch, an undriven output and a combinational loop each fail their check', async () => {
    const dir = join(REPO_ROOT, 'build', 'synth-selftest');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'yosys-generic'), { recursive: true });
    writeFileSync(join(dir, 'bad.sv'), `module ${SYNTH_TOP} (input logic clk_i, input logic a, input logic b,
  output logic q, output logic y, output logic z);
  logic l, p, r;
  always_latch if (a) l = b;
  assign q = l;
  assign p = r ^ a;
  assign r = p & b;
  assign y = p;
endmodule
`);
    const bundle = {
      target: { ...TARGET, name: 'selftest' },
      dir,
      files: [{ path: 'bad.sv', origin: 'test', sha256: '' }],
      includes: [],
      parameters: { W: 128, N_CTX: 16, MAX_FRAME: 9600 },
      aesLanes: 2,
      overlay: [],
    } satisfies Bundle;
    writeFileSync(join(dir, 'yosys-generic', 'script.ys'), flowScript(bundle, 'generic', 'yosys-generic'));
    const r = await execa('yosys', ['-q', '-l', 'yosys-generic/yosys.log', '-s', 'yosys-generic/script.ys'], { cwd: dir, reject: false, all: true });
    writeFileSync(join(dir, 'yosys-generic', 'done.json'), JSON.stringify({ exitCode: r.exitCode, seconds: 0, output: String(r.all ?? '') }));
    const checks = checkFlow(parseFlowResult('generic', join(dir, 'yosys-generic'), 'selftest'), bundle);
    const by = (n: string) => checks.find((c) => c.name === `generic:${n}`);
    expect(by('yosys-completes')?.ok, by('yosys-completes')?.detail).toBe(true);
    expect(by('no-latches')?.ok).toBe(false);
    expect(by('no-undriven')?.ok).toBe(false);
    expect(by('no-undriven')?.detail).toMatch(/z/);
    expect(by('no-combinational-loops')?.ok).toBe(false);
    expect(by('memories-inferred')?.ok).toBe(false);
    // The block ceilings name blocks of the engine; none of them is in this design.
    expect(by('block-depth')?.ok).toBe(false);
    expect(by('block-depth')?.detail).toMatch(/u_engine\.u_back: no path ends in it/);
  });

  it('the S-box proof accepts an equal S-box module and rejects one wrong entry', async () => {
    const sbox = aesSbox();
    // FIPS-197 figure 7 spot values; the table is computed, not copied.
    expect([sbox[0x00], sbox[0x01], sbox[0x53], sbox[0xff]]).toEqual([0x63, 0x7c, 0xed, 0x16]);
    expect(new Set(sbox).size).toBe(256);
    const dir = join(REPO_ROOT, 'build', 'synth-selftest-sbox');
    rmSync(dir, { recursive: true, force: true });
    const netlist = (table: Uint8Array) => `module top(input [7:0] a, output [7:0] b);\n  tlsnic_aes_sbox u (.x_i(a), .y_o(b));\nendmodule\n${sboxRomVerilog('tlsnic_aes_sbox', table)}`;
    const good = await proveSboxModule(netlist(sbox), join(dir, 'good'));
    expect(good.ok, good.detail).toBe(true);
    const wrong = Uint8Array.from(sbox);
    wrong[0xa7] ^= 0x10;
    const bad = await proveSboxModule(netlist(wrong), join(dir, 'bad'));
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/differs/);
    // The substitution replaces exactly that module and keeps the rest of the netlist.
    const swapped = withRomSbox(netlist(wrong));
    expect(swapped.startsWith('module top(')).toBe(true);
    expect(swapped).toContain(`8'ha7: y_o = 8'h${sbox[0xa7].toString(16).padStart(2, '0')};`);
  });

  it('the subset scan names every construct Yosys rejects, with file and line', () => {
    const dir = join(REPO_ROOT, 'build', 'synth-selftest-subset');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'p.sv'), 'package p;\n  typedef struct packed { logic [3:0] a; logic b; } s_t;\nendpackage\n');
    writeFileSync(join(dir, 'm.sv'), [
      'module m import p::*; (input logic [4:0] x, output logic [4:0] y);',
      '  localparam int unsigned N = $bits(p::s_t);   // $bits(s_t) in a comment is fine',
      '  function automatic logic f(input logic a); return a; endfunction',
      "  assign y = p::s_t'(x);",
      '  logic [1:0][3:0] two;',
      '  assign two = {<<{x, 3\'b0}};',
      'endmodule',
    ].join('\n'));
    const v = scanYosysSubset(dir, ['p.sv', 'm.sv']);
    expect(v.map((x) => `${x.file}:${x.line} ${x.construct}`)).toEqual([
      'm.sv:1 import pkg::*',
      'm.sv:2 $bits(<type>)',
      'm.sv:3 return',
      "m.sv:4 cast to a type name T'(x)",
      'm.sv:5 multi-dimensional packed array (Yosys 0.23)',
      'm.sv:6 streaming operator',
    ]);
  });
});
