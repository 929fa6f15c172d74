// The S-box split of the post-synthesis simulation.
//
// About 43 % of the generic netlist's gates at W = 128 are S-boxes: one gate-level module
// (`tlsnic_aes_sbox`, ~430 gates after ABC) instantiated ~500 times, which Verilator copies into
// the C++ once per instance. Simulating it that way roughly doubles the netlist's C++ and its
// build time. Instead the proof is split in two, and nothing is left unproven:
//   1. the netlist's gate-level S-box module equals the AES S-box on all 256 inputs: Yosys SAT on
//      a miter of that module (text taken from netlist.v) and a reference ROM computed here from
//      the definition (GF(2^8) inverse + affine map; not copied from the RTL's table);
//   2. the netlist, with that one module's body replaced by the reference ROM (same name and
//      ports, so every instance now uses it), is simulated against the golden model and the RTL.
// Step 1 makes the replacement in step 2 an equivalent substitution; every other gate of the
// netlist is simulated as Yosys wrote it.
// The data lanes' S-boxes are ROMs with registered reads (`tlsnic_aes_sbox_rom`, block RAM on an
// FPGA), which the generic flow keeps as memories: the netlist holds each ROM's contents as
// Yosys computed them from the RTL, and proveSboxRom checks those 256 bytes against the same
// reference table; the netlist simulation then runs them as written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export const SBOX_MODULE = 'tlsnic_aes_sbox';
export const SBOX_ROM_MODULE = 'tlsnic_aes_sbox_rom';

/** GF(2^8) multiply modulo the AES polynomial x^8 + x^4 + x^3 + x + 1. */
function gmul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    const hi = a & 0x80;
    a = (a << 1) & 0xff;
    if (hi) a ^= 0x1b;
    b >>= 1;
  }
  return p;
}

/** The AES S-box from FIPS-197 5.1.1: multiplicative inverse (0 → 0), then the affine map. */
export function aesSbox(): Uint8Array {
  const out = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    let inv = 0;
    if (x !== 0) for (let y = 1; y < 256; y++) if (gmul(x, y) === 1) { inv = y; break; }
    const rotl = (v: number, n: number) => ((v << n) | (v >> (8 - n))) & 0xff;
    out[x] = inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ rotl(inv, 4) ^ 0x63;
  }
  return out;
}

/** A combinational case ROM module with the S-box's ports (Verilog-2005: Yosys and Verilator). */
export function sboxRomVerilog(name: string, table: Uint8Array = aesSbox()): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  const rows = Array.from(table, (v, i) => `      8'h${hex(i)}: y_o = 8'h${hex(v)};`);
  return [
    `module ${name}(x_i, y_o);`,
    '  input [7:0] x_i;',
    '  output reg [7:0] y_o;',
    '  always @* begin',
    '    case (x_i)',
    ...rows,
    '    endcase',
    '  end',
    'endmodule',
    '',
  ].join('\n');
}

/** [start, end) of `module <name>(` … `endmodule` in a write_verilog netlist, or null. */
export function findModule(netlist: string, name: string): [number, number] | null {
  const m = new RegExp(`^module \\\\?${name.replace(/[$\\]/g, (c) => `\\${c}`)}\\s*\\(`, 'm').exec(netlist);
  if (!m) return null;
  const end = netlist.indexOf('\nendmodule', m.index);
  if (end < 0) return null;
  return [m.index, end + '\nendmodule'.length];
}

export interface SboxProof {
  ok: boolean;
  /** Gate assignments in the netlist's S-box module. */
  gates: number;
  seconds: number;
  detail: string;
}

/**
 * Proves that module `tlsnic_aes_sbox` of `netlist` equals the AES S-box on every input
 * (Yosys miter + SAT). Writes its files into `dir`.
 */
export async function proveSboxModule(netlist: string, dir: string): Promise<SboxProof> {
  const t0 = Date.now();
  const at = findModule(netlist, SBOX_MODULE);
  if (!at) return { ok: false, gates: 0, seconds: 0, detail: `module ${SBOX_MODULE} not found in the netlist` };
  const gatesText = netlist.slice(at[0], at[1]).replace(/^module \\?tlsnic_aes_sbox\s*\(/, 'module sbox_gates(');
  const gates = (gatesText.match(/^\s*assign /gm) ?? []).length;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sbox_gates.v'), gatesText + '\n');
  writeFileSync(join(dir, 'sbox_ref.v'), sboxRomVerilog('sbox_ref'));
  // miter -equiv: output `trigger` is 1 when the two differ on some input; SAT proves it is 0 for
  // all 256 inputs (-verify turns a counterexample into an error and a nonzero exit).
  const script = [
    'read_verilog sbox_ref.v sbox_gates.v',
    // -norom: the reference stays a case mux tree, not Yosys's ROM mapping (the path under test).
    'proc -norom',
    'miter -equiv -flatten -make_outputs sbox_ref sbox_gates sbox_miter',
    'hierarchy -top sbox_miter',
    'sat -verify -prove trigger 0 -show-inputs -show-outputs sbox_miter',
  ].join('\n');
  writeFileSync(join(dir, 'sbox-proof.ys'), script + '\n');
  const r = await execa('yosys', ['-q', '-l', 'sbox-proof.log', '-s', 'sbox-proof.ys'], { cwd: dir, reject: false, all: true });
  const seconds = (Date.now() - t0) / 1000;
  if (r.exitCode !== 0) {
    return { ok: false, gates, seconds, detail: `the netlist's ${SBOX_MODULE} (${gates} gates) differs from the AES S-box: ${String(r.all ?? '').split('\n').filter((l) => /ERROR|\\x_i|\\in_x_i|trigger/.test(l)).slice(0, 8).join(' | ')} (${dir}/sbox-proof.log)` };
  }
  return { ok: true, gates, seconds, detail: `the netlist's ${SBOX_MODULE} (${gates} gates) equals the AES S-box on all 256 inputs (Yosys SAT on a miter)` };
}

/** The netlist with the S-box module's body replaced by the reference ROM (same name, ports). */
export function withRomSbox(netlist: string): string {
  const at = findModule(netlist, SBOX_MODULE);
  if (!at) throw new Error(`module ${SBOX_MODULE} not found in the netlist`);
  return netlist.slice(0, at[0]) + sboxRomVerilog(SBOX_MODULE).trimEnd() + netlist.slice(at[1]);
}

/**
 * Checks the S-box ROM module of a write_verilog netlist (`tlsnic_aes_sbox_rom`): its memory's
 * initial contents equal the AES S-box at all 256 addresses, and both registered reads take it.
 */
export function proveSboxRom(netlist: string): SboxProof {
  const t0 = Date.now();
  const at = findModule(netlist, SBOX_ROM_MODULE);
  if (!at) return { ok: false, gates: 0, seconds: 0, detail: `module ${SBOX_ROM_MODULE} not found in the netlist` };
  const text = netlist.slice(at[0], at[1]);
  const decl = /reg \[7:0\] (\\?\S+) \[255:0\];/.exec(text);
  if (!decl) return { ok: false, gates: 0, seconds: 0, detail: `${SBOX_ROM_MODULE}: no 256 x 8 memory in the netlist (the ROM was mapped to logic?)` };
  const mem = decl[1].replace(/[\\$.[\]]/g, (c) => `\\${c}`);
  const want = aesSbox();
  const got = new Map<number, number>();
  for (const m of text.matchAll(new RegExp(`${mem}\\[(\\d+)\\] = 8'h([0-9a-f]{2});`, 'g'))) got.set(Number(m[1]), parseInt(m[2], 16));
  const wrong: string[] = [];
  for (let x = 0; x < 256; x++) {
    const v = got.get(x);
    if (v !== want[x]) wrong.push(`[${x}] = ${v === undefined ? 'missing' : v.toString(16)}, S-box ${want[x].toString(16)}`);
  }
  const reads = (text.match(new RegExp(`<= ${mem}\\[(a_i|b_i)\\];`, 'g')) ?? []).length;
  const seconds = (Date.now() - t0) / 1000;
  if (got.size !== 256 || wrong.length > 0 || reads !== 2) {
    return { ok: false, gates: 0, seconds, detail: `${SBOX_ROM_MODULE}: ${got.size} initial entries, ${wrong.length} differ from the AES S-box${wrong.length ? ` (${wrong.slice(0, 4).join('; ')})` : ''}, ${reads} registered reads (2 expected)` };
  }
  return { ok: true, gates: 0, seconds, detail: `the netlist's ${SBOX_ROM_MODULE} holds the AES S-box at all 256 addresses and reads it on both ports` };
}
