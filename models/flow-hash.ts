// Flow table v1 (replaced by flow table v2, models/flow-table.ts, which models/nic-rx.ts uses since
// issue 15; kept for the tuple key layout, tupleKey, which v2 hashes and compares unchanged, and
// for the fill bench's comparison). The RX engine's flow table was: a received packet's 4-tuple →
// the context id the driver installed for that connection. A set-associative hash table of
// BUCKETS × WAYS entries: the hash picks one bucket, all WAYS entries of the bucket are read at
// once and compared in parallel, so a lookup is one memory read whatever the table size.
//
// Tuple key (TUPLE_KEY_LEN = 37 bytes, the exact bytes hashed and compared):
//   0       IP version (4 or 6)
//   1..16   source address (the remote peer: the packet's IP source); IPv4 right-aligned after
//           12 zero bytes
//   17..32  destination address (the local host), same layout
//   33..34  source port, big-endian
//   35..36  destination port, big-endian
// Hash: CRC-32 as zlib/IEEE 802.3 computes it (reflected polynomial 0xEDB88320, initial value
// 0xFFFFFFFF, final XOR 0xFFFFFFFF) over those 37 bytes in order. Bucket = hash mod BUCKETS,
// i.e. the hash's low log2(BUCKETS) bits (BUCKETS is a power of two). In the RTL the 37-byte
// CRC is a fixed XOR network (no iteration).
//
// Entries hold the whole key (296 bits) and a context id. Lookup returns the lowest-numbered way
// whose key matches; the install policy (models/nic-rx.ts before issue 15) kept keys unique, so
// there was at most one. A new entry takes the lowest-numbered free way; a bucket with no free way
// is full.
import { crc32 } from 'node:zlib';
import { bytesEqual } from './bytes.ts';
import type { FlowTuple } from './packet.ts';

export const TUPLE_KEY_LEN = 37;

export interface FlowTableConfig {
  /** Number of buckets, a power of two. */
  buckets: number;
  /** Entries per bucket. */
  ways: number;
}

export interface FlowEntry {
  key: Uint8Array;
  ctxId: number;
}

export interface FlowTable {
  config: FlowTableConfig;
  /** buckets × ways entries; bucket b, way w at index b * ways + w; null = free. */
  entries: (FlowEntry | null)[];
}

/** Where a tuple lives (or would live) in the table. */
export interface FlowSlot {
  bucket: number;
  way: number;
}

export function tupleKey(t: FlowTuple): Uint8Array {
  const al = t.ipVersion === 4 ? 4 : 16;
  if (t.srcAddr.length !== al || t.dstAddr.length !== al) throw new Error(`tupleKey: IPv${t.ipVersion} addresses must be ${al} bytes`);
  const k = new Uint8Array(TUPLE_KEY_LEN);
  k[0] = t.ipVersion;
  k.set(t.srcAddr, 1 + 16 - al);
  k.set(t.dstAddr, 17 + 16 - al);
  k[33] = t.srcPort >>> 8;
  k[34] = t.srcPort & 0xff;
  k[35] = t.dstPort >>> 8;
  k[36] = t.dstPort & 0xff;
  return k;
}

/** CRC-32 (zlib) of the tuple key. */
export function flowHash(t: FlowTuple): number {
  return crc32(tupleKey(t)) >>> 0;
}

export function checkFlowTableConfig(c: FlowTableConfig): void {
  if (!Number.isInteger(c.buckets) || c.buckets < 1 || (c.buckets & (c.buckets - 1)) !== 0) {
    throw new Error(`flow table: buckets must be a power of two, got ${c.buckets}`);
  }
  if (!Number.isInteger(c.ways) || c.ways < 1) throw new Error(`flow table: ways must be ≥ 1, got ${c.ways}`);
}

export function createFlowTable(config: FlowTableConfig): FlowTable {
  checkFlowTableConfig(config);
  return { config, entries: new Array<FlowEntry | null>(config.buckets * config.ways).fill(null) };
}

export function flowBucket(table: FlowTable, t: FlowTuple): number {
  return flowHash(t) & (table.config.buckets - 1);
}

/** The entry holding this tuple, or null. */
export function flowLookup(table: FlowTable, t: FlowTuple): (FlowSlot & { ctxId: number }) | null {
  const key = tupleKey(t);
  const bucket = flowBucket(table, t);
  const { ways } = table.config;
  for (let way = 0; way < ways; way++) {
    const e = table.entries[bucket * ways + way];
    if (e && bytesEqual(e.key, key)) return { bucket, way, ctxId: e.ctxId };
  }
  return null;
}

/** Lowest free way of the bucket, or -1 when the bucket is full. */
export function flowFreeWay(table: FlowTable, bucket: number): number {
  const { ways } = table.config;
  for (let way = 0; way < ways; way++) if (table.entries[bucket * ways + way] === null) return way;
  return -1;
}

export function flowWrite(table: FlowTable, slot: FlowSlot, t: FlowTuple, ctxId: number): void {
  table.entries[slot.bucket * table.config.ways + slot.way] = { key: tupleKey(t), ctxId };
}

export function flowClear(table: FlowTable, slot: FlowSlot): void {
  table.entries[slot.bucket * table.config.ways + slot.way] = null;
}
