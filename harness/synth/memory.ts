// Per-context memory at a design point (issue 16): every per-connection table of both engines,
// synthesized alone with Yosys's UltraScale+ flow (synth_xilinx -uram, up to its memory mapping)
// at N_CTX contexts, and the RAM primitives it maps each one to. This is the memory half of the
// design-point figures without the engines' 20-minute full synthesis: a table is the same RTL
// module (tlsnic_ctx_table, tlsnic_rx_cuckoo) the engines instantiate, with the entry width the
// engine gives it.
//
// Entry widths come from the field layouts of harness/engine/key-tables.ts, which the key-hygiene
// test (test/rtl-key-hygiene.test.ts) checks bit for bit against the widths the Verilated RTL
// reports (a struct that changes without its layout fails there). The RX flow table is
// tlsnic_rx_cuckoo itself (eight way RAMs of NB/2 entries and the N_CTX-entry slot map).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../engine/build-sim.ts';
import { backFields, HKEY_FIELDS, RX_FRONT_FIELDS, TX_FRONT_FIELDS, type FieldList } from '../engine/key-tables.ts';

/** An XCVU9P's RAM primitives (AMD DS923). */
export const VU9P = { uram288: 960, ramb36: 2160 } as const;

export interface TableSpec {
  engine: 'TX' | 'RX';
  /** Table name as the RTL instance path calls it. */
  name: string;
  /** Entries. */
  entries: number;
  /** Bits per entry. */
  bits: number;
  /** What an entry holds (for the report). */
  holds: string;
  /** Bits per context this table costs (entries × bits / N_CTX). */
  perContext: number;
}

export interface TableResult extends TableSpec {
  uram288: number;
  ramb36: number;
  ramb18: number;
  /** Yosys run time. */
  seconds: number;
}

export interface MemoryReport {
  nCtx: number;
  buckets: number;
  tables: TableResult[];
  total: { uram288: number; ramb36: number; uramShare: number; bitsPerContext: { TX: number; RX: number } };
  yosys: string;
}

const fieldBits = (f: FieldList) => f.reduce((n, [, b]) => n + b, 0);

/** The tables of both engines at N_CTX contexts and NB flow-table buckets. */
export function tableSpecs(nCtx: number, buckets: number): TableSpec[] {
  const ctx = (engine: 'TX' | 'RX', name: string, bits: number, holds: string): TableSpec => ({ engine, name, entries: nCtx, bits, holds, perContext: bits });
  const bw = Math.log2(buckets);
  const flowEntry = 1 + 296 + 16 + bw;             // valid, flow key, ctx id, hx
  const slotBits = bw + 3 + 1;                     // slot map: valid + slot number
  return [
    ctx('TX', 'tlsnic_tx_front.u_ctx', fieldBits(TX_FRONT_FIELDS), 'key, iv, sequence and record tracker, side context'),
    ctx('TX', 'tlsnic_gcm_back.u_ctx', fieldBits(backFields(512)), 'GHASH accumulator or finished tag, saved keystream, tag-phase bit'),
    ctx('TX', 'tlsnic_gcm_back.u_htbl', fieldBits(HKEY_FIELDS), 'H = E_K(0)'),
    ctx('RX', 'tlsnic_rx_front.u_ctx', fieldBits(RX_FRONT_FIELDS), 'key, iv, sequence, record tracker, resync state'),
    ctx('RX', 'tlsnic_gcm_back.u_ctx', fieldBits(backFields(512)), 'GHASH accumulator or finished tag (XORed with the tag bytes received), saved keystream, tag-phase bit'),
    ctx('RX', 'tlsnic_gcm_back.u_htbl', fieldBits(HKEY_FIELDS), 'H = E_K(0)'),
    {
      engine: 'RX', name: 'tlsnic_rx_cuckoo', entries: 4 * buckets, bits: flowEntry, holds: `flow table: ${4 * buckets} slots {valid, flow key, ctx id, hx} + slot map ${nCtx} × ${slotBits}`,
      perContext: (4 * buckets * flowEntry + nCtx * slotBits) / nCtx,
    },
  ];
}

function ctxTableWrapper(bits: number, nCtx: number): string {
  const cw = Math.max(1, Math.ceil(Math.log2(nCtx)));
  return `module mem_wrap (input logic clk_i, input logic rst_ni, input logic rd_en_i, input logic [${cw - 1}:0] rd_id_i,
  output logic [${bits - 1}:0] rd_o, input logic wr_en_i, input logic [${cw - 1}:0] wr_id_i, input logic [${bits - 1}:0] wr_d_i,
  output logic busy_o);
  logic [${bits - 1}:0] ld, wk, snap;
  logic unused;
  assign unused = ^{ld, wk, snap};
  tlsnic_ctx_table #(.N_CTX(${nCtx}), .DW(${bits}), .IDW(${cw})) u (.clk_i, .rst_ni, .busy_o, .rd_en_i, .rd_id_i, .rd_fid_i(rd_id_i), .rd_o,
    .wr_en_i, .wr_id_i, .wr_d_i, .ld_id_i(rd_id_i), .ld_o(ld), .own_i(1'b0), .own_id_i('0), .wk_we_i(1'b0), .wk_d_i('0), .wk_o(wk),
    .snap_we_i(1'b0), .snap_d_i('0), .snap_o(snap));
endmodule
`;
}

function count(stat: string, cell: string): number {
  // The last statistics block is the whole design's ("design hierarchy" totals) when there is a
  // hierarchy; a flat design has one block. Take the largest count of the cell printed.
  let n = 0;
  for (const m of stat.matchAll(new RegExp(`^\\s+${cell}\\s+(\\d+)\\s*$`, 'gm'))) n = Math.max(n, Number(m[1]));
  return n;
}

async function yosysMemories(script: string, dir: string): Promise<{ uram288: number; ramb36: number; ramb18: number; seconds: number; log: string }> {
  writeFileSync(join(dir, 'script.ys'), script);
  const t0 = Date.now();
  const r = await execa('yosys', ['-q', '-l', join(dir, 'yosys.log'), '-s', join(dir, 'script.ys')], { reject: false, all: true });
  const seconds = (Date.now() - t0) / 1000;
  if (r.exitCode !== 0) throw new Error(`memory: yosys failed in ${dir}: ${String(r.all).slice(-1500)}`);
  const log = readFileSync(join(dir, 'yosys.log'), 'utf8');
  const stat = log.slice(log.lastIndexOf('Printing statistics'));
  return { uram288: count(stat, 'URAM288'), ramb36: count(stat, 'RAMB36E2'), ramb18: count(stat, 'RAMB18E2'), seconds, log };
}

const SYNTH = 'synth_xilinx -family xcup -uram -noiopad -noclkbuf -top mem_wrap -run :map_ffram';

/** Synthesizes one table; returns its primitive counts. */
export async function synthTable(spec: TableSpec, nCtx: number, buckets: number, dir: string): Promise<TableResult> {
  mkdirSync(dir, { recursive: true });
  const rtl = (p: string) => resolve(REPO_ROOT, p);
  let script: string;
  if (spec.name === 'tlsnic_rx_cuckoo') {
    const srcs = ['rtl/common/tlsnic_pkg.sv', 'rtl/rx/tlsnic_rx_pkg.sv', 'rtl/rx/tlsnic_rx_toeplitz.sv', 'rtl/rx/tlsnic_rx_cuckoo.sv'].map(rtl);
    script = `read_verilog -sv ${srcs.join(' ')}\nrename tlsnic_rx_cuckoo mem_wrap\nchparam -set NB ${buckets} -set N_CTX ${nCtx} mem_wrap\n${SYNTH}\nstat\n`;
  } else {
    writeFileSync(join(dir, 'mem_wrap.sv'), ctxTableWrapper(spec.bits, nCtx));
    script = `read_verilog -sv ${rtl('rtl/common/tlsnic_ctx_table.sv')} ${join(dir, 'mem_wrap.sv')}\n${SYNTH}\nstat\n`;
  }
  const r = await yosysMemories(script, dir);
  return { ...spec, uram288: r.uram288, ramb36: r.ramb36, ramb18: r.ramb18, seconds: r.seconds };
}

export async function runMemoryReport(nCtx: number, buckets: number, out: string, log: (s: string) => void = () => {}): Promise<MemoryReport> {
  mkdirSync(out, { recursive: true });
  const tables: TableResult[] = [];
  for (const [i, spec] of tableSpecs(nCtx, buckets).entries()) {
    const t = await synthTable(spec, nCtx, buckets, join(out, `t${i}-${spec.engine.toLowerCase()}-${spec.name.replace(/[^a-z0-9_]/gi, '_')}`));
    log(`${t.engine} ${t.name}: ${t.entries} × ${t.bits} bits -> URAM288 ${t.uram288}, RAMB36 ${t.ramb36}, RAMB18 ${t.ramb18} (${t.seconds.toFixed(0)} s)`);
    tables.push(t);
  }
  const uram288 = tables.reduce((n, t) => n + t.uram288, 0);
  const ramb36 = tables.reduce((n, t) => n + t.ramb36 + t.ramb18 / 2, 0);
  const per = (e: 'TX' | 'RX') => tables.filter((t) => t.engine === e).reduce((n, t) => n + t.perContext, 0);
  const { stdout: yosys } = await execa('yosys', ['-V']);
  const report: MemoryReport = { nCtx, buckets, tables, total: { uram288, ramb36, uramShare: uram288 / VU9P.uram288, bitsPerContext: { TX: per('TX'), RX: per('RX') } }, yosys: yosys.trim() };
  writeFileSync(join(out, 'memory.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(out, 'memory.md'), memoryMarkdown(report));
  return report;
}

export function memoryMarkdown(r: MemoryReport): string {
  const rows = r.tables.map((t) => `| ${t.engine} | \`${t.name}\` | ${t.entries.toLocaleString('en-US')} × ${t.bits} | ${t.perContext.toFixed(0)} | ${t.uram288} | ${t.ramb36 + t.ramb18 / 2} | ${t.holds} |`);
  const tx = r.tables.filter((t) => t.engine === 'TX').reduce((n, t) => n + t.uram288, 0);
  const rx = r.tables.filter((t) => t.engine === 'RX').reduce((n, t) => n + t.uram288, 0);
  return [
    `# Per-context memory at N_CTX = ${r.nCtx.toLocaleString('en-US')} (RX flow table ${r.buckets.toLocaleString('en-US')} buckets)`,
    '',
    `Each table synthesized alone: \`${SYNTH}\` (${r.yosys}).`,
    '',
    '| engine | table | entries × bits | bits per context | URAM288 | RAMB36 | holds |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    `TX ${tx} URAM288 (${r.total.bitsPerContext.TX.toFixed(0)} bits per context), RX ${rx} URAM288 (${r.total.bitsPerContext.RX.toFixed(0)} bits per context);`,
    `together ${r.total.uram288} of an XCVU9P's ${VU9P.uram288} URAM288 (${(100 * r.total.uramShare).toFixed(1)} %) and ${r.total.ramb36} of its ${VU9P.ramb36} RAMB36 (${(100 * r.total.ramb36 / VU9P.ramb36).toFixed(1)} %).`,
    '',
  ].join('\n');
}
