// Key hygiene read-back: runs an engine bench with its per-context key-material tables dumped
// after the run (and optionally filled with garbage before the reset), and decodes the entries.
//
// The bench side is tb/tb_tables.h: with env TLSNIC_DUMP_TABLES it adds one line per context and
// table, "k <front|back|hkey> <ctx id> <entry bits> <entry hex>", to the usual output; with env
// TLSNIC_POISON_TABLES=<seed> it fills every entry with seeded garbage before the first reset. The
// tables are the RTL arrays marked /*verilator public_flat_rd*/ (tlsnic_tx_front.tbl_q,
// tlsnic_rx_front.ctbl_q, tlsnic_gcm_back's u_ctx.tbl_q and u_htbl.tbl_q in both engines);
// synthesis ignores the marks.
//
// The field layouts below restate the packed structs (tlsnic_tx_pkg::fctx_t,
// tlsnic_rx_pkg::rctx_mem_t, tlsnic_gcm_back::bctx_t), first field most significant; decodeEntry checks
// that they add up to the width the bench reports, so a struct that changes without this file
// fails loudly instead of decoding the wrong bits.
import { execa } from 'execa';
import { gcmKeySchedule } from '../../models/gcm.ts';
import type { RxFrame } from '../../models/rx-frames.ts';
import type { TlsCryptoInfo } from '../../models/tls-record.ts';
import type { TxFrame } from '../../models/tx-frames.ts';
import type { SimStallConfig } from './sim-process.ts';
import { encodeRxBatch, parseRxOutput, rxCycleBudget, type RxEngineRun } from '../rx/sim.ts';
import { encodeTxBatch, parseTxOutput, txCycleBudget, type TxEngineRun } from '../tx/sim.ts';

export type FieldList = readonly (readonly [name: string, bits: number])[];

/** tlsnic_tx_pkg::fctx_t. */
export const TX_FRONT_FIELDS: FieldList = [
  ['valid', 1], ['ver13', 1], ['k256', 1], ['key', 256], ['iv', 96], ['start_sn', 32], ['exp_sn', 32],
  ['in_sync', 1], ['started', 1], ['off', 15], ['rlen', 15], ['hdr', 104], ['rseq', 64],
  // the side context (a waiting SEEK descriptor; issue 17): public record framing and a tag
  ['sd_valid', 1], ['sd_cont', 1], ['sd_tagv', 1], ['sd_off', 15], ['sd_sn', 32], ['sd_rseq', 64], ['sd_hdr', 104], ['sd_tag', 128],
];

/** tlsnic_rx_pkg::rctx_mem_t: the stored form of rctx_t (tlsnic_rx_ctx_pack: modes share hdr_u, rseq_u, end_u). */
export const RX_FRONT_FIELDS: FieldList = [
  ['valid', 1], ['ver13', 1], ['k256', 1], ['scan', 1], ['key', 256], ['iv', 96], ['mode', 3],
  ['exp_sn', 32], ['off', 15], ['rlen', 15], ['hdr_u', 104], ['rseq_u', 64], ['end_u', 32],
];

/**
 * tlsnic_gcm_back::bctx_t. (Its width no longer depends on W: the H powers are derived per item
 * from H, issue 16; `width` is kept so callers name the configuration they decode.)
 */
export function backFields(width: number): FieldList {
  void width;
  // acc: the GHASH accumulator, or the finished tag once tph (tag phase) is set (RX: XORed with
  // the tag bytes received so far).
  return [['acc', 128], ['ks', 128], ['tph', 1]];
}

/** tlsnic_gcm_back's hash-key table (u_htbl): H = E_K(0^128), block order. */
export const HKEY_FIELDS: FieldList = [['h', 128]];

/** The key material of each table: what must read zero once a context is gone. */
export const FRONT_KEY_FIELDS = ['key', 'iv'] as const;   // (the record nonce is derived, not stored: issue 16)
export const BACK_KEY_FIELDS = ['acc', 'ks'] as const;   // (acc is the tag in the tag phase)
export const HKEY_KEY_FIELDS = ['h'] as const;

export interface TableEntry {
  bits: number;
  value: bigint;
}

/** Dumped entries: table name ("front", "back") → context id → entry. */
export type TableDump = Map<string, Map<number, TableEntry>>;

/** Splits the bench output into its "k" lines (decoded) and everything else (for parseTx/RxOutput). */
export function splitTableLines(out: string): { tables: TableDump; rest: string } {
  const tables: TableDump = new Map();
  const rest: string[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('k ')) {
      rest.push(line);
      continue;
    }
    const [, name, id, bits, hex] = line.split(' ');
    if (!tables.has(name)) tables.set(name, new Map());
    tables.get(name)!.set(Number(id), { bits: Number(bits), value: BigInt(`0x${hex}`) });
  }
  return { tables, rest: rest.join('\n') };
}

/** Fields of one entry by name; throws if the layout does not cover exactly the entry's width. */
export function decodeEntry(e: TableEntry, layout: FieldList): Record<string, bigint> {
  const total = layout.reduce((n, [, b]) => n + b, 0);
  if (total !== e.bits) throw new Error(`key-tables: layout of ${total} bits for an entry of ${e.bits} bits (a struct changed?)`);
  const out: Record<string, bigint> = {};
  let at = e.bits;
  for (const [name, b] of layout) {
    at -= b;
    out[name] = (e.value >> BigInt(at)) & ((1n << BigInt(b)) - 1n);
  }
  return out;
}

export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** The key and iv fields an install writes (key bytes from the top of 256 bits, iv from the top of 96). */
export function expectedKeyFields(c: TlsCryptoInfo): { key: bigint; iv: bigint; h: bigint } {
  const key = bytesToBig(c.key) << BigInt(8 * (32 - c.key.length));
  const iv = bytesToBig(c.iv) << BigInt(8 * (12 - c.iv.length));
  return { key, iv, h: bytesToBig(gcmKeySchedule(c.key).h) };
}

export interface TableRunOptions {
  /** Context ids to dump (default all). */
  dump?: 'all' | readonly number[];
  /** Fill the tables with garbage from this seed (≠ 0) before the first reset. */
  poisonSeed?: number;
  /** The bench's drain (TLSNIC_DRAIN_IDLE); 0 with no frames stops right after the reset. */
  drainIdle?: number;
}

function tableEnv(o: TableRunOptions): Record<string, string> {
  const env: Record<string, string> = { TLSNIC_DUMP_TABLES: o.dump === undefined || o.dump === 'all' ? 'all' : o.dump.join(',') };
  if (o.poisonSeed) env.TLSNIC_POISON_TABLES = String(o.poisonSeed);
  if (o.drainIdle !== undefined) env.TLSNIC_DRAIN_IDLE = String(o.drainIdle);
  return env;
}

async function runBench(binary: string, input: Buffer, env: Record<string, string>): Promise<string> {
  const r = await execa(binary, [], { input, env, reject: false, maxBuffer: 1 << 30, stripFinalNewline: false });
  if (r.exitCode !== 0) throw new Error(`${binary} exited with ${r.exitCode}: ${String(r.stderr).slice(-2000)}`);
  return String(r.stdout);
}

/** harness/tx/sim.ts runTxEngine plus the table dump. */
export async function runTxEngineTables(binary: string, frames: readonly TxFrame[], stalls: SimStallConfig, o: TableRunOptions = {}): Promise<{ run: TxEngineRun; tables: TableDump }> {
  const limited = { ...stalls, maxCycles: stalls.maxCycles ?? txCycleBudget(frames, stalls) };
  const { tables, rest } = splitTableLines(await runBench(binary, encodeTxBatch(frames, limited), tableEnv(o)));
  return { run: parseTxOutput(rest, frames.length), tables };
}

/** harness/rx/sim.ts runRxEngine plus the table dump. */
export async function runRxEngineTables(binary: string, frames: readonly RxFrame[], stalls: SimStallConfig, o: TableRunOptions = {}): Promise<{ run: RxEngineRun; tables: TableDump }> {
  const limited = { ...stalls, maxCycles: stalls.maxCycles ?? rxCycleBudget(frames, stalls) };
  const { tables, rest } = splitTableLines(await runBench(binary, encodeRxBatch(frames, limited), tableEnv(o)));
  return { run: parseRxOutput(rest, frames.length), tables };
}
