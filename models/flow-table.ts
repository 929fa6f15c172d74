// Flow table v2 (issue 15): the RX engine's flow table (models/nic-rx.ts holds an FtDevice, below;
// the RTL is rtl/rx/tlsnic_rx_cuckoo.sv): a bucketized cuckoo hash table with a keyed Toeplitz
// hash, specified so that an RTL implementation can match it slot for slot.
// docs/rx-engine-model.md, "Flow table v2 (issue 15)", is the prose version of this file.
//
// Key: the 37-byte tuple key of models/flow-hash.ts (tupleKey), unchanged.
//
// Hash key: a 128-bit secret S (16 bytes; all-zero rejected). It is expanded to a Toeplitz
// window of WINDOW_BITS = 360 bits (45 bytes), bit 0 = the most significant bit of byte 0:
//   w[n] = S bit n                                         for n < 128
//   w[n] = w[n−128] ⊕ w[n−127] ⊕ w[n−126] ⊕ w[n−121]        for 128 ≤ n < 360
// (the LFSR of x^128 + x^7 + x^2 + x + 1; XORs only, a fixed wiring of S in the RTL).
//
// Hash: the Toeplitz hash exactly as RSS defines it (toeplitzHash32 below; checked against the
// Microsoft RSS verification suite): for each input bit b_i, i = 0 first (MSB of byte 0), if b_i
// is 1 the result ^= the 32 window bits w[off+i .. off+i+31] (w[off+i] is the result's MSB).
//   hi = Toeplitz(window, key37, off = 0),  lo = Toeplitz(window, key37, off = 32)
// i.e. one 64-bit Toeplitz product hi‖lo of the 296 key bits with the 360-bit window.
//   h1 = hi & (NB/2 − 1);  h2 = NB/2 + (lo & (NB/2 − 1)).
// The buckets form two halves, one per RAM (bucket b is in half b ≥ NB/2): h1 is always in the
// first, h2 in the second, so a lookup reads one bucket of each half in the same cycle (one read
// port per half, the other port left to the install sequencer), and h1 ≠ h2. Each entry stores
// hx = h1 ⊕ h2 (log2 NB bits, its top bit always 1); an entry sitting in bucket b has its other
// candidate bucket at b ⊕ hx, in the other half (no rehash when displacing).
//
// Geometry: NB buckets (a power of two, 2..16,384) × WAYS = 4 ways = N_CTX main slots, plus a stash
// of STASH entries (default 4). Slot numbers: bucket b way w is slot 4b + w; stash entry i is slot
// 4·NB + i. An entry: valid, key (296 bits), ctx_id, hx.
//
// Lookup: read buckets h1 and h2 and compare the key with their 8 ways and the STASH stash
// entries (registers); keys are unique, so at most one matches (priority h1 ways 0..3, h2 ways
// 0..3, stash 0..STASH−1, for definiteness).
//
// Install (insert), cost model: one cycle per bucket read (all 4 ways) or per slot write.
//   1. Read h1, read h2 (2 cycles). The key already present (either bucket or the stash):
//      report it (status 'present', its slot and ctx id); the caller evicts as today.
//   2. Lowest free way of h1, else lowest free way of h2: write it (1 cycle). Done.
//   3. Breadth-first displacement search (both buckets are full). Nodes are buckets; the roots
//      are h1 (node 0) and h2 (node 1), depth 0, already read. A FIFO of nodes; pop a node n
//      (bucket B, depth d) and for way w = 0..3: child C = B ⊕ hx(B, w). Skip C if it is h1 or h2
//      (roots are known full; a path through a root is never shorter than the path from it) or
//      if it is a bucket on n's path (n and its ancestors; keeps the path's slots distinct).
//      Otherwise read C (1 cycle; at most MAX_READS such reads per install, then the search
//      stops). C has a free way (lowest one, f): path found. Else, if d + 1 < MAX_PATH, push
//      C (depth d + 1) with its 4 hx values. The first path found is taken: it has the fewest
//      moves (≤ MAX_PATH) and, among those, comes first in this order.
//      Moving along the path (slots s_0 = root slot … s_k = (C, f), k moves): from the end,
//      for j = k−1 down to 0, read s_j's bucket and write its entry to s_{j+1} (2 cycles each;
//      the context table's slot field of that entry's context is updated in the same cycle),
//      then write the new entry at s_0 (1 cycle).
//   4. No path: the lowest free stash entry (1 cycle). Stash full: the install fails
//      (status 'full'); nothing was written, the table is unchanged.
//   Cycles = 2 + BFS reads + 2 × moves + (1 if written). Worst case: 3 + MAX_READS + 2 × MAX_PATH
//   (ftWorstCaseInstallCycles); MAX_READS defaults to the whole search tree,
//   Σ_{d=1..MAX_PATH} 2·4^d, capped by the configured value.
//
// Delete (a slot, known from the context table, or a tuple after a lookup): clear the slot
// (1 cycle). If it was a main slot in bucket B and some stash entry has B as one of its two
// buckets, the lowest-numbered such stash entry moves into the freed slot (1 more cycle; its
// context's slot field is updated) and its stash entry is cleared. So the stash drains back as
// soon as there is room.
import { bytesEqual, fromHex, toHex } from './bytes.ts';
import { tupleKey, TUPLE_KEY_LEN } from './flow-hash.ts';
import type { FlowTuple } from './packet.ts';
import { createPrng, type Prng } from './prng.ts';

export const FT_WAYS = 4;
export const FT_HASH_KEY_BYTES = 16;
/** Toeplitz window: 296 key bits + 64 output bits (359 used, rounded to whole bytes). */
export const FT_WINDOW_BITS = 360;
export const FT_MAX_BUCKETS = 16_384;
export const FT_DEFAULT_STASH = 4;
export const FT_DEFAULT_MAX_PATH = 4;
export const FT_DEFAULT_MAX_READS = 256;
/**
 * The hash key the RTL holds after reset (and the model's until a HASH_KEY control frame sets
 * another): byte j of the key is byte j of this array.
 */
export const FT_DEFAULT_HASH_KEY: Uint8Array = fromHex('000102030405060708090a0b0c0d0e0f');

// ------------------------------------------------------------------------------------------------
// Toeplitz hash

/** The 32 window bits starting at bit `off` (MSB-first), bits past the end read as 0. */
function windowBits32(key: Uint8Array, off: number): number {
  const i = off >>> 3, sh = off & 7;
  const b = (k: number): number => (i + k < key.length ? (key[i + k] as number) : 0);
  let v = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0;
  if (sh !== 0) v = ((v << sh) | (b(4) >>> (8 - sh))) >>> 0;
  return v;
}

/**
 * The RSS Toeplitz hash (Microsoft's pseudo-code, bit by bit): for each bit of `data`, MSB of
 * byte 0 first, if it is 1 XOR in the 32 key bits starting at that bit's position (+ keyBitOffset).
 * The key must cover keyBitOffset + 8·data.length + 31 bits.
 */
export function toeplitzHash32(key: Uint8Array, data: Uint8Array, keyBitOffset = 0): number {
  const nBits = data.length * 8;
  if (key.length * 8 < keyBitOffset + nBits + 31) {
    throw new Error(`toeplitzHash32: key of ${key.length * 8} bits is shorter than ${keyBitOffset + nBits + 31}`);
  }
  let result = 0;
  for (let i = 0; i < nBits; i++) {
    if ((((data[i >>> 3] as number) >>> (7 - (i & 7))) & 1) !== 0) result ^= windowBits32(key, keyBitOffset + i);
  }
  return result >>> 0;
}

/** The 360-bit (45-byte) Toeplitz window from a 128-bit secret: the LFSR x^128 + x^7 + x^2 + x + 1. */
export function expandHashKey(secret: Uint8Array): Uint8Array {
  if (secret.length !== FT_HASH_KEY_BYTES) throw new Error(`flow table: hash key must be ${FT_HASH_KEY_BYTES} bytes, got ${secret.length}`);
  if (secret.every((b) => b === 0)) throw new Error('flow table: the all-zero hash key is not allowed');
  const w = new Uint8Array(FT_WINDOW_BITS);
  for (let n = 0; n < 128; n++) w[n] = ((secret[n >>> 3] as number) >>> (7 - (n & 7))) & 1;
  for (let n = 128; n < FT_WINDOW_BITS; n++) w[n] = (w[n - 128] as number) ^ (w[n - 127] as number) ^ (w[n - 126] as number) ^ (w[n - 121] as number);
  const out = new Uint8Array(FT_WINDOW_BITS / 8);
  for (let n = 0; n < FT_WINDOW_BITS; n++) if (w[n]) out[n >>> 3] = (out[n >>> 3] as number) | (0x80 >>> (n & 7));
  return out;
}

/** A 16-byte hash key drawn from a seed (tests and benches; a device draws it from its RNG). */
export function hashKeyFromSeed(seed: number): Uint8Array {
  const k = createPrng((seed ^ 0x7f4a7c15) >>> 0).bytes(FT_HASH_KEY_BYTES);
  if (k.every((b) => b === 0)) k[0] = 1;
  return k;
}

/** hi‖lo of the 37-byte key: table-driven (per byte position and value), equal to toeplitzHash32 at offsets 0 and 32. */
type Hasher = (key: Uint8Array) => [hi: number, lo: number];

function createHasher(window: Uint8Array): Hasher {
  const n = TUPLE_KEY_LEN;
  const hiT = new Uint32Array(n * 256), loT = new Uint32Array(n * 256);
  for (let p = 0; p < n; p++) {
    const base = p * 256;
    for (let bit = 0; bit < 8; bit++) {
      const i = p * 8 + (7 - bit); // value bit `bit` (LSB = 0) is input bit 8p + 7 − bit
      const ch = windowBits32(window, i), cl = windowBits32(window, i + 32);
      const m = 1 << bit;
      for (let v = m; v < 2 * m; v++) {
        hiT[base + v] = ((hiT[base + v - m] as number) ^ ch) >>> 0;
        loT[base + v] = ((loT[base + v - m] as number) ^ cl) >>> 0;
      }
    }
  }
  return (key) => {
    let hi = 0, lo = 0;
    for (let p = 0; p < n; p++) {
      const x = p * 256 + (key[p] as number);
      hi ^= hiT[x] as number;
      lo ^= loT[x] as number;
    }
    return [hi >>> 0, lo >>> 0];
  };
}

// ------------------------------------------------------------------------------------------------
// The table

export interface FtConfig {
  /** NB, a power of two in 2..16,384; N_CTX = 4 · NB main slots. */
  buckets: number;
  /** Stash entries (0..16). */
  stash: number;
  /** Most entries moved by one install's displacement path (1..8). */
  maxPath: number;
  /** Most bucket reads of one install's displacement search (the 2 reads of h1, h2 not counted). */
  maxReads: number;
  /** The 128-bit secret. */
  hashKey: Uint8Array;
}

export interface FtEntry {
  key: Uint8Array;
  ctxId: number;
  /** The entry's two candidate buckets (the RTL stores only hx = h1 ⊕ h2). */
  h1: number;
  h2: number;
}

export interface FlowTableV2 {
  config: FtConfig;
  window: Uint8Array;
  hash: Hasher;
  /** 4·NB main slots then the stash; null = free. */
  slots: (FtEntry | null)[];
  /** Valid entries, main and stash. */
  count: number;
}

export interface FtMove {
  ctxId: number;
  from: number;
  to: number;
}

export type FtInsertResult =
  | { status: 'present'; slot: number; ctxId: number; cycles: number }
  | { status: 'ok'; slot: number; via: 'bucket' | 'displace' | 'stash'; moves: FtMove[]; bfsReads: number; cycles: number }
  | { status: 'full'; bfsReads: number; cycles: number };

/** Search tree size: Σ_{d=1..L} 2·4^d children read at most. */
export function ftSearchTreeReads(maxPath: number): number {
  let s = 0;
  for (let d = 1; d <= maxPath; d++) s += 2 * 4 ** d;
  return s;
}

export function ftCheckConfig(c: FtConfig): void {
  if (!Number.isInteger(c.buckets) || c.buckets < 2 || c.buckets > FT_MAX_BUCKETS || (c.buckets & (c.buckets - 1)) !== 0) {
    throw new Error(`flow table: buckets must be a power of two in 2..${FT_MAX_BUCKETS}, got ${c.buckets}`);
  }
  if (!Number.isInteger(c.stash) || c.stash < 0 || c.stash > 16) throw new Error(`flow table: stash must be 0..16, got ${c.stash}`);
  if (!Number.isInteger(c.maxPath) || c.maxPath < 1 || c.maxPath > 8) throw new Error(`flow table: maxPath must be 1..8, got ${c.maxPath}`);
  if (!Number.isInteger(c.maxReads) || c.maxReads < 0) throw new Error(`flow table: maxReads must be ≥ 0, got ${c.maxReads}`);
}

export interface FtOptions {
  /** Main slots N_CTX = 4 · NB (a multiple of 8, power of two). */
  nCtx: number;
  hashKey: Uint8Array;
  stash?: number;
  maxPath?: number;
  maxReads?: number;
}

export function ftConfig(o: FtOptions): FtConfig {
  if (!Number.isInteger(o.nCtx) || o.nCtx % FT_WAYS !== 0) throw new Error(`flow table: nCtx must be a multiple of ${FT_WAYS}, got ${o.nCtx}`);
  const maxPath = o.maxPath ?? FT_DEFAULT_MAX_PATH;
  return {
    buckets: o.nCtx / FT_WAYS,
    stash: o.stash ?? FT_DEFAULT_STASH,
    maxPath,
    maxReads: Math.min(o.maxReads ?? FT_DEFAULT_MAX_READS, ftSearchTreeReads(maxPath)),
    hashKey: o.hashKey,
  };
}

export function ftCreate(config: FtConfig): FlowTableV2 {
  ftCheckConfig(config);
  const window = expandHashKey(config.hashKey);
  return {
    config,
    window,
    hash: createHasher(window),
    slots: new Array<FtEntry | null>(config.buckets * FT_WAYS + config.stash).fill(null),
    count: 0,
  };
}

/** The two candidate buckets of a 37-byte key (and the raw Toeplitz words). */
export function ftHashesOfKey(table: FlowTableV2, key: Uint8Array): { h1: number; h2: number; hi: number; lo: number } {
  const [hi, lo] = table.hash(key);
  const half = table.config.buckets >>> 1;
  const h1 = hi & (half - 1);
  const h2 = half | (lo & (half - 1));
  return { h1, h2, hi, lo };
}

export function ftHashes(table: FlowTableV2, t: FlowTuple): { h1: number; h2: number; hi: number; lo: number } {
  return ftHashesOfKey(table, tupleKey(t));
}

/** Main slots (4·NB). */
export function ftMainSlots(table: FlowTableV2): number {
  return table.config.buckets * FT_WAYS;
}

export function ftStashUsed(table: FlowTableV2): number {
  let n = 0;
  for (let i = ftMainSlots(table); i < table.slots.length; i++) if (table.slots[i]) n++;
  return n;
}

/** The slot holding this key (priority h1 ways, h2 ways, stash), or -1. */
function findKey(table: FlowTableV2, key: Uint8Array, h1: number, h2: number): number {
  for (const b of [h1, h2]) {
    for (let w = 0; w < FT_WAYS; w++) {
      const e = table.slots[b * FT_WAYS + w];
      if (e && bytesEqual(e.key, key)) return b * FT_WAYS + w;
    }
  }
  for (let s = ftMainSlots(table); s < table.slots.length; s++) {
    const e = table.slots[s];
    if (e && bytesEqual(e.key, key)) return s;
  }
  return -1;
}

function freeWay(table: FlowTableV2, bucket: number): number {
  for (let w = 0; w < FT_WAYS; w++) if (table.slots[bucket * FT_WAYS + w] === null) return w;
  return -1;
}

/** Lookup: buckets h1 and h2 and the stash, full-key compare. */
export function ftLookup(table: FlowTableV2, t: FlowTuple): { slot: number; ctxId: number } | null {
  const key = tupleKey(t);
  const { h1, h2 } = ftHashesOfKey(table, key);
  const slot = findKey(table, key, h1, h2);
  if (slot < 0) return null;
  return { slot, ctxId: (table.slots[slot] as FtEntry).ctxId };
}

/** Cycles of an install under the cost model: 2 reads (h1, h2) + BFS reads + 2 per move + 1 write if placed. */
export function ftInstallCycles(r: { status: FtInsertResult['status']; bfsReads?: number; moves?: readonly FtMove[] }): number {
  if (r.status === 'present') return 2;
  return 2 + (r.bfsReads ?? 0) + 2 * (r.moves?.length ?? 0) + (r.status === 'ok' ? 1 : 0);
}

/** The worst-case install under the cost model: 3 + MAX_READS + 2 · MAX_PATH. */
export function ftWorstCaseInstallCycles(c: FtConfig): number {
  return 3 + Math.min(c.maxReads, ftSearchTreeReads(c.maxPath)) + 2 * c.maxPath;
}

interface BfsNode {
  bucket: number;
  depth: number;
  parent: number;
  /** Way of the parent bucket whose entry moves into this bucket. */
  parentWay: number;
}

/** Install a tuple with a context id (see the header for the exact order). */
export function ftInsert(table: FlowTableV2, t: FlowTuple, ctxId: number): FtInsertResult {
  const key = tupleKey(t);
  const { h1, h2 } = ftHashesOfKey(table, key);
  const { maxPath, maxReads } = table.config;
  // 1. Present?
  const at = findKey(table, key, h1, h2);
  if (at >= 0) return { status: 'present', slot: at, ctxId: (table.slots[at] as FtEntry).ctxId, cycles: 2 };
  const entry: FtEntry = { key, ctxId, h1, h2 };
  const place = (slot: number, via: 'bucket' | 'displace' | 'stash', moves: FtMove[], bfsReads: number): FtInsertResult => {
    table.slots[slot] = entry;
    table.count++;
    const r = { status: 'ok' as const, slot, via, moves, bfsReads, cycles: 0 };
    r.cycles = ftInstallCycles(r);
    return r;
  };
  // 2. A free way of h1, then h2.
  for (const b of [h1, h2]) {
    const w = freeWay(table, b);
    if (w >= 0) return place(b * FT_WAYS + w, 'bucket', [], 0);
  }
  // 3. Breadth-first displacement search.
  const nodes: BfsNode[] = [{ bucket: h1, depth: 0, parent: -1, parentWay: -1 }, { bucket: h2, depth: 0, parent: -1, parentWay: -1 }];
  let reads = 0;
  let found: { node: number; way: number; child: number; free: number } | null = null;
  search: for (let head = 0; head < nodes.length; head++) {
    const n = nodes[head] as BfsNode;
    for (let w = 0; w < FT_WAYS; w++) {
      const e = table.slots[n.bucket * FT_WAYS + w] as FtEntry;
      const child = n.bucket ^ e.h1 ^ e.h2;
      if (child === h1 || child === h2) continue;
      let onPath = false;
      for (let a = head; a >= 0; a = (nodes[a] as BfsNode).parent) if ((nodes[a] as BfsNode).bucket === child) { onPath = true; break; }
      if (onPath) continue;
      if (reads === maxReads) break search;
      reads++;
      const f = freeWay(table, child);
      if (f >= 0) { found = { node: head, way: w, child, free: f }; break search; }
      if (n.depth + 1 < maxPath) nodes.push({ bucket: child, depth: n.depth + 1, parent: head, parentWay: w });
    }
  }
  if (found) {
    // Slots along the path: s_0 (root), …, s_k = (child, free).
    const path: number[] = [found.child * FT_WAYS + found.free];
    let prevWay = found.way;
    for (let a = found.node; a >= 0; a = (nodes[a] as BfsNode).parent) {
      const n = nodes[a] as BfsNode;
      path.push(n.bucket * FT_WAYS + prevWay);
      prevWay = n.parentWay;
    }
    path.reverse(); // path[0] = root slot … path[k] = the free slot
    const moves: FtMove[] = [];
    for (let j = path.length - 2; j >= 0; j--) {
      const from = path[j] as number, to = path[j + 1] as number;
      const e = table.slots[from] as FtEntry;
      table.slots[to] = e;
      table.slots[from] = null;
      moves.push({ ctxId: e.ctxId, from, to });
    }
    return place(path[0] as number, 'displace', moves, reads);
  }
  // 4. The stash.
  for (let s = ftMainSlots(table); s < table.slots.length; s++) {
    if (table.slots[s] === null) return place(s, 'stash', [], reads);
  }
  const r = { status: 'full' as const, bfsReads: reads, cycles: 0 };
  r.cycles = ftInstallCycles(r);
  return r;
}

/** Re-point an existing entry at another context id (the caller's eviction of a present tuple). */
export function ftSetCtx(table: FlowTableV2, slot: number, ctxId: number): void {
  const e = table.slots[slot];
  if (!e) throw new Error(`flow table: slot ${slot} is free`);
  table.slots[slot] = { ...e, ctxId };
}

export interface FtDeleteResult {
  ctxId: number;
  /** A stash entry moved into the freed slot. */
  moved: FtMove | null;
  cycles: number;
}

/** Delete the entry of a slot; a stash entry that can use the freed main slot moves into it. */
export function ftDeleteSlot(table: FlowTableV2, slot: number): FtDeleteResult {
  const e = table.slots[slot];
  if (!e) throw new Error(`flow table: slot ${slot} is free`);
  table.slots[slot] = null;
  table.count--;
  const main = ftMainSlots(table);
  if (slot < main) {
    const b = Math.floor(slot / FT_WAYS);
    for (let s = main; s < table.slots.length; s++) {
      const x = table.slots[s];
      if (x && (x.h1 === b || x.h2 === b)) {
        table.slots[slot] = x;
        table.slots[s] = null;
        return { ctxId: e.ctxId, moved: { ctxId: x.ctxId, from: s, to: slot }, cycles: 2 };
      }
    }
  }
  return { ctxId: e.ctxId, moved: null, cycles: 1 };
}

/** Delete a tuple (lookup, then ftDeleteSlot); null when it is not in the table. */
export function ftDelete(table: FlowTableV2, t: FlowTuple): FtDeleteResult | null {
  const hit = ftLookup(table, t);
  if (!hit) return null;
  const r = ftDeleteSlot(table, hit.slot);
  return { ...r, cycles: r.cycles + 2 };
}

/**
 * Self-check of the table's invariants: every entry's stored buckets are its key's hashes, a main
 * entry sits in one of them, no key twice, count right. [] when consistent.
 */
export function ftCheck(table: FlowTableV2): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const main = ftMainSlots(table);
  let n = 0;
  table.slots.forEach((e, slot) => {
    if (!e) return;
    n++;
    const { h1, h2 } = ftHashesOfKey(table, e.key);
    if (e.h1 !== h1 || e.h2 !== h2) problems.push(`slot ${slot}: stored buckets ${e.h1},${e.h2} but the key hashes to ${h1},${h2}`);
    if (h1 >= table.config.buckets / 2 || h2 < table.config.buckets / 2) problems.push(`slot ${slot}: h1 ${h1} / h2 ${h2} not in the two halves`);
    if (slot < main) {
      const b = Math.floor(slot / FT_WAYS);
      if (b !== h1 && b !== h2) problems.push(`slot ${slot}: bucket ${b} is neither ${h1} nor ${h2}`);
    }
    const k = toHex(e.key);
    if (seen.has(k)) problems.push(`slot ${slot}: key also in slot ${seen.get(k)}`);
    seen.set(k, slot);
    const found = findKey(table, e.key, h1, h2);
    if (found !== slot) problems.push(`slot ${slot}: lookup finds the key at ${found}`);
  });
  if (n !== table.count) problems.push(`count ${table.count} but ${n} entries`);
  return problems;
}

// ------------------------------------------------------------------------------------------------
// The device: the table driven by context ids, as the RTL block (tlsnic_rx_cuckoo) drives it

/** Result codes of the block's commands (tlsnic_rx_pkg::Ft*). */
export const FtStatus = { ok: 0, present: 1, full: 2, deleted: 3, absent: 4 } as const;
export type FtStatusCode = (typeof FtStatus)[keyof typeof FtStatus];

export interface FtDeviceGeometry {
  /** Main slots (4 · NB), NB a power of two (the RTL: ≥ 4). */
  nCtx: number;
  stash?: number;
  maxPath?: number;
  maxReads?: number;
}

/** An install's or a delete's result: status, the slot, and a ctx id (present: the id that held the tuple). */
export interface FtCmdResult { status: FtStatusCode; slot: number; ctx: number }

/**
 * The table with the RTL block's command semantics and its ctx id → slot map:
 *   install(id, tuple)  first deletes the id's own entry (if any; with the stash drain), then
 *                       ftInsert. The tuple present (under another id X): the entry is re-pointed
 *                       to the new id (ftSetCtx; nothing deleted, no drain), status present with
 *                       ctx = X. Full: nothing more written (the id's old entry stays deleted).
 *                       Ok: the entry written (moves along a displacement path update the map).
 *   delete(id)          the id's entry deleted (with the stash drain); absent when it has none.
 *   lookup(tuple)       hit, ctx id, slot.
 */
export class FtDevice {
  readonly table: FlowTableV2;
  readonly ctxSlot = new Map<number, number>();
  /** Moves of the last install (for chain-length statistics). */
  lastMoves: readonly FtMove[] = [];
  /** How the last install ended: 'present', 'full', or its FtInsertResult via. */
  lastVia = '';

  constructor(g: FtDeviceGeometry, hashKey: Uint8Array) {
    const o: FtOptions = { nCtx: g.nCtx, hashKey };
    if (g.stash !== undefined) o.stash = g.stash;
    if (g.maxPath !== undefined) o.maxPath = g.maxPath;
    if (g.maxReads !== undefined) o.maxReads = g.maxReads;
    this.table = ftCreate(ftConfig(o));
  }

  /** The 16-byte secret the table hashes with. */
  get hashKey(): Uint8Array {
    return this.table.config.hashKey;
  }

  /** Valid entries (main and stash). */
  get count(): number {
    return this.table.count;
  }

  private removeOwn(ctx: number): number {
    const slot = this.ctxSlot.get(ctx);
    if (slot === undefined) return -1;
    const r = ftDeleteSlot(this.table, slot);
    this.ctxSlot.delete(ctx);
    if (r.moved) this.ctxSlot.set(r.moved.ctxId, r.moved.to);
    return slot;
  }

  install(ctx: number, t: FlowTuple): FtCmdResult {
    this.removeOwn(ctx);
    const r = ftInsert(this.table, t, ctx);
    this.lastMoves = [];
    this.lastVia = r.status;
    if (r.status === 'present') {
      ftSetCtx(this.table, r.slot, ctx);
      this.ctxSlot.delete(r.ctxId);
      this.ctxSlot.set(ctx, r.slot);
      return { status: FtStatus.present, slot: r.slot, ctx: r.ctxId };
    }
    if (r.status === 'full') return { status: FtStatus.full, slot: 0, ctx };
    for (const m of r.moves) this.ctxSlot.set(m.ctxId, m.to);
    this.ctxSlot.set(ctx, r.slot);
    this.lastMoves = r.moves;
    this.lastVia = r.via;
    return { status: FtStatus.ok, slot: r.slot, ctx };
  }

  delete(ctx: number): FtCmdResult {
    const slot = this.removeOwn(ctx);
    return slot < 0 ? { status: FtStatus.absent, slot: 0, ctx } : { status: FtStatus.deleted, slot, ctx };
  }

  lookup(t: FlowTuple): { hit: number; ctx: number; slot: number } {
    const r = ftLookup(this.table, t);
    return r ? { hit: 1, ctx: r.ctxId, slot: r.slot } : { hit: 0, ctx: 0, slot: 0 };
  }
}

// ------------------------------------------------------------------------------------------------
// Fill measurement

export const FT_LOCAL_ADDR = Uint8Array.of(10, 0, 0, 1);
export const FT_LOCAL_PORT = 443;

/** A random remote-IPv4 tuple to the local server 10.0.0.1:443 (source port 1024..65535). */
export function randomServerTuple(prng: Prng): FlowTuple {
  return { ipVersion: 4, srcAddr: prng.bytes(4), dstAddr: FT_LOCAL_ADDR, srcPort: prng.int(1024, 65535), dstPort: FT_LOCAL_PORT };
}

/** n distinct random server tuples from a seed. */
export function randomServerTuples(seed: number, n: number): FlowTuple[] {
  const prng = createPrng(seed);
  const seen = new Set<string>();
  const out: FlowTuple[] = [];
  while (out.length < n) {
    const t = randomServerTuple(prng);
    const k = toHex(tupleKey(t));
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(t);
  }
  return out;
}

export interface FillResult {
  nCtx: number;
  /** Successful installs before the first failed one (nCtx when none failed). */
  installsBeforeFirstFailure: number;
  /** installsBeforeFirstFailure / nCtx. */
  loadAtFirstFailure: number;
  /** Entries after nCtx installs of distinct tuples (ctx ids 0..nCtx−1), / nCtx. */
  finalLoad: number;
  failures: number;
  /** Stash entries in use at the first failure (or at the end). */
  stashAtFirstFailure: number;
  maxInstallCycles: number;
  /** Over all nCtx installs (the failed ones after the first failure each cost a whole search). */
  meanInstallCycles: number;
  /** Over the installs up to and including the first failure (all of them when none failed). */
  meanInstallCyclesToFirstFailure: number;
  /** Installs that needed the displacement search / landed in the stash. */
  displaced: number;
  stashed: number;
}

export interface FillOptions {
  nCtx: number;
  seed: number;
  /** Defaults to hashKeyFromSeed(seed). */
  hashKey?: Uint8Array;
  stash?: number;
  maxPath?: number;
  maxReads?: number;
}

/**
 * nCtx installs (ctx ids 0..nCtx−1, every id in use, as a full device) of distinct random remote
 * IPv4 tuples to one local address and port, into an empty table of nCtx main slots; the
 * installs after the first failure go on, failures counted.
 */
export function fillUntilFailure(o: FillOptions): FillResult {
  const hashKey = o.hashKey ?? hashKeyFromSeed(o.seed);
  const opts: FtOptions = { nCtx: o.nCtx, hashKey };
  if (o.stash !== undefined) opts.stash = o.stash;
  if (o.maxPath !== undefined) opts.maxPath = o.maxPath;
  if (o.maxReads !== undefined) opts.maxReads = o.maxReads;
  const table = ftCreate(ftConfig(opts));
  const tuples = randomServerTuples(o.seed, o.nCtx);
  let first = -1, failures = 0, maxC = 0, sumC = 0, displaced = 0, stashed = 0, stashAtFirst = -1, sumToFirst = 0, nToFirst = 0;
  tuples.forEach((t, i) => {
    const r = ftInsert(table, t, i);
    if (r.status === 'present') throw new Error('fillUntilFailure: duplicate tuple');
    maxC = Math.max(maxC, r.cycles);
    sumC += r.cycles;
    if (first < 0) { sumToFirst += r.cycles; nToFirst++; }
    if (r.status === 'full') {
      failures++;
      if (first < 0) { first = table.count; stashAtFirst = ftStashUsed(table); }
    } else if (r.via === 'displace') displaced++;
    else if (r.via === 'stash') stashed++;
  });
  const before = first < 0 ? table.count : first;
  return {
    nCtx: o.nCtx,
    installsBeforeFirstFailure: before,
    loadAtFirstFailure: before / o.nCtx,
    finalLoad: table.count / o.nCtx,
    failures,
    stashAtFirstFailure: stashAtFirst < 0 ? ftStashUsed(table) : stashAtFirst,
    maxInstallCycles: maxC,
    meanInstallCycles: sumC / o.nCtx,
    meanInstallCyclesToFirstFailure: sumToFirst / nToFirst,
    displaced,
    stashed,
  };
}
