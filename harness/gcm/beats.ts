// Beats for rtl/tlsnic_gcm_datapath and what the golden model says must come out of them.
//
// A GCM message (one TLS record) becomes the block sequence the core sees — AAD blocks, text
// blocks with counters 2, 3, …, and the length block with counter 1 (its keystream is E_K(J0)) —
// and a scheduler packs the blocks of several connections into beats of up to LANES blocks,
// interleaving connections the way the engine may, with install beats for new keys and the
// chain flag for back-to-back beats of one message. Expected outputs come from models/gcm.ts
// (gcmEncrypt: ciphertext and tag) and models/ghash.ts (per-beat accumulator).
import { bytesEqual, concatBytes, u64be, xorBytes } from '../../models/bytes.ts';
import { cachedKeySchedule, gcmEncrypt, type GcmKeySchedule } from '../../models/gcm.ts';
import { ghashMulTable } from '../../models/ghash.ts';
import type { Prng } from '../../models/prng.ts';
import { hex, hexToLanes, lanesToHex, numHex } from './lane-hex.ts';

/** Lane kinds, as tlsnic_aes_pkg::Kind*. */
export const KIND_NONE = 0;
export const KIND_AAD = 1;
export const KIND_TEXT = 2;
export const KIND_LEN = 3;
export type LaneKind = typeof KIND_AAD | typeof KIND_TEXT | typeof KIND_LEN;

export interface LaneBlock {
  kind: LaneKind;
  /** 32-bit counter of the block's counter block {iv, ctr}. */
  ctr: number;
  /** Valid bytes, 1..16, from the start of the block. */
  bytes: number;
  /** 16 bytes, zero beyond `bytes`. */
  data: Uint8Array;
}

/** One input beat of the datapath. */
export interface GcmBeat {
  key: Uint8Array; // 16 or 32 bytes
  h: Uint8Array;
  accIn: Uint8Array;
  chain: boolean;
  decrypt: boolean;
  install: boolean;
  iv: Uint8Array; // 12 bytes
  blocks: LaneBlock[]; // lanes 0..n-1, n ≤ LANES
}

/** What the model says the beat must produce. */
export interface GcmBeatExpect {
  /** Output data per used lane (16 bytes each); for an install beat, [H]. */
  data: Uint8Array[];
  acc: Uint8Array;
  tag?: Uint8Array;
}

export interface GcmMessage {
  iv: Uint8Array;
  aad: Uint8Array;
  /** Plaintext (the core decrypts its ciphertext when `decrypt`). */
  plaintext: Uint8Array;
  decrypt: boolean;
}

export interface GcmConnection {
  key: Uint8Array;
  messages: GcmMessage[];
}

export interface ScheduledBeat {
  beat: GcmBeat;
  expect: GcmBeatExpect;
  conn: number;
  /** Message index within the connection, or -1 for an install beat. */
  msg: number;
}

interface PlannedBlock {
  lane: LaneBlock;
  out: Uint8Array;
  hash: Uint8Array;
}

function maskOf(bytes: number): number {
  return (0xffff << (16 - bytes)) & 0xffff;
}

function padBlock(src: Uint8Array, off: number, len: number): Uint8Array {
  const b = new Uint8Array(16);
  b.set(src.subarray(off, off + len));
  return b;
}

/** The message's blocks in order, each with its expected output and its GHASH input. */
function planMessage(key: Uint8Array, m: GcmMessage): { blocks: PlannedBlock[]; tag: Uint8Array } {
  const { ciphertext, tag } = gcmEncrypt(key, m.iv, m.aad, m.plaintext);
  const input = m.decrypt ? ciphertext : m.plaintext;
  const output = m.decrypt ? m.plaintext : ciphertext;
  const blocks: PlannedBlock[] = [];
  for (let off = 0; off < m.aad.length; off += 16) {
    const n = Math.min(16, m.aad.length - off);
    const data = padBlock(m.aad, off, n);
    blocks.push({ lane: { kind: KIND_AAD, ctr: 0, bytes: n, data }, out: data, hash: data });
  }
  for (let off = 0, i = 0; off < input.length; off += 16, i++) {
    const n = Math.min(16, input.length - off);
    blocks.push({
      lane: { kind: KIND_TEXT, ctr: 2 + i, bytes: n, data: padBlock(input, off, n) },
      out: padBlock(output, off, n),
      hash: padBlock(ciphertext, off, n),
    });
  }
  const len = concatBytes(u64be(BigInt(m.aad.length) * 8n), u64be(BigInt(m.plaintext.length) * 8n));
  blocks.push({ lane: { kind: KIND_LEN, ctr: 1, bytes: 16, data: len }, out: len, hash: len });
  return { blocks, tag };
}

export interface ScheduleOptions {
  lanes: number;
  /** Probability that the next beat goes to another connection (if one has work). */
  switchChance: number;
  /** Connections interleaved at a time; later ones enter as earlier ones finish. */
  active: number;
  /** Fill every beat with LANES blocks when the message has them (else 1..LANES at random). */
  fullBeats: boolean;
}

interface ConnState {
  conn: number;
  key: Uint8Array;
  ks: GcmKeySchedule;
  installed: boolean;
  msg: number;
  plan: { blocks: PlannedBlock[]; tag: Uint8Array } | undefined;
  pos: number;
  acc: Uint8Array;
}

/**
 * Packs the connections' messages into beats. Every connection starts with an install beat;
 * a beat is chained when the previous beat was of the same message.
 */
export function scheduleBeats(conns: readonly GcmConnection[], rng: Prng, opt: ScheduleOptions): ScheduledBeat[] {
  const out: ScheduledBeat[] = [];
  const active: ConnState[] = [];
  let nextConn = 0;
  const refill = () => {
    while (active.length < opt.active && nextConn < conns.length) {
      const c = conns[nextConn] as GcmConnection;
      active.push({ conn: nextConn, key: c.key, ks: cachedKeySchedule(c.key), installed: false, msg: 0, plan: undefined, pos: 0, acc: new Uint8Array(16) });
      nextConn++;
    }
  };
  refill();
  let prev: ConnState | undefined;
  let prevMsg = -1;
  while (active.length > 0) {
    let s: ConnState = prev && active.includes(prev) && !rng.chance(opt.switchChance) ? prev : (rng.pick(active) as ConnState);
    const c = conns[s.conn] as GcmConnection;
    if (!s.installed) {
      out.push({
        beat: { key: s.key, h: new Uint8Array(16), accIn: new Uint8Array(16), chain: false, decrypt: false, install: true, iv: new Uint8Array(12), blocks: [] },
        expect: { data: [s.ks.h], acc: new Uint8Array(16) },
        conn: s.conn,
        msg: -1,
      });
      s.installed = true;
      prev = s;
      prevMsg = -1;
      continue;
    }
    const m = c.messages[s.msg] as GcmMessage;
    s.plan ??= planMessage(s.key, m);
    const plan = s.plan;
    const left = plan.blocks.length - s.pos;
    const n = Math.min(left, opt.fullBeats ? opt.lanes : rng.int(1, opt.lanes));
    const taken = plan.blocks.slice(s.pos, s.pos + n);
    const chain = prev === s && prevMsg === s.msg && s.pos > 0;
    const accIn = chain ? rngGarbage(rng) : s.acc;
    let acc = s.acc;
    for (const b of taken) acc = ghashMulTable(s.ks.hTable, xorBytes(acc, b.hash));
    s.pos += n;
    const last = s.pos === plan.blocks.length;
    out.push({
      beat: { key: s.key, h: s.ks.h, accIn, chain, decrypt: m.decrypt, install: false, iv: m.iv, blocks: taken.map((b) => b.lane) },
      expect: { data: taken.map((b) => b.out), acc, ...(last ? { tag: plan.tag } : {}) },
      conn: s.conn,
      msg: s.msg,
    });
    s.acc = acc;
    prev = s;
    prevMsg = s.msg;
    if (last) {
      s.msg++;
      s.plan = undefined;
      s.pos = 0;
      s.acc = new Uint8Array(16);
      if (s.msg === c.messages.length) {
        active.splice(active.indexOf(s), 1);
        refill();
      }
    }
  }
  return out;
}

/** A chained beat's acc_i must be ignored by the core: give it random bytes. */
function rngGarbage(rng: Prng): Uint8Array {
  return rng.bytes(16);
}

/** The bench record of one beat (format in tb/tb_gcm.cpp). */
export function gcmBeatRecord(b: GcmBeat, lanes: number): string {
  const key = new Uint8Array(32);
  key.set(b.key);
  const flags = (b.chain ? 1 : 0) | (b.decrypt ? 2 : 0) | (b.install ? 4 : 0);
  let kind = 0;
  let mask = '';
  let ctr = '';
  for (let l = lanes - 1; l >= 0; l--) {
    const blk = b.blocks[l];
    kind = kind * 4 + (blk ? blk.kind : KIND_NONE);
    mask += numHex(blk ? maskOf(blk.bytes) : 0, 16);
    ctr += numHex(blk ? blk.ctr : 0, 32);
  }
  const data = lanesToHex(b.blocks.map((x) => x.data), lanes);
  return `${b.key.length === 32 ? 1 : 0} ${hex(key)} ${hex(b.h)} ${hex(b.accIn)} ${flags} ${hex(b.iv)} ${ctr} ${kind} ${mask} ${data}`;
}

export interface GcmBeatResult {
  index: number;
  inCycle: number;
  outCycle: number;
  tagValid: boolean;
  install: boolean;
  data: Uint8Array[]; // all LANES lanes
  acc: Uint8Array;
  tag: Uint8Array;
}

export function parseGcmResult(f: readonly string[], lanes: number): GcmBeatResult {
  if (f.length !== 8 || f[0] !== 'o') throw new Error(`bad tb_gcm output line: ${f.join(' ')}`);
  const flags = Number(f[4]);
  return {
    index: Number(f[1]),
    inCycle: Number(f[2]),
    outCycle: Number(f[3]),
    tagValid: (flags & 1) !== 0,
    install: (flags & 2) !== 0,
    data: hexToLanes(f[5] as string, lanes),
    acc: hexToLanes(f[6] as string, 1)[0] as Uint8Array,
    tag: hexToLanes(f[7] as string, 1)[0] as Uint8Array,
  };
}

/**
 * Differences between a result and the model, as readable strings (empty = match). Unused lanes
 * must be zero; the accumulator is checked on every non-install beat.
 */
export function compareBeat(sb: ScheduledBeat, r: GcmBeatResult, lanes: number): string[] {
  const errs: string[] = [];
  const zero = new Uint8Array(16);
  for (let l = 0; l < lanes; l++) {
    const want = sb.expect.data[l] ?? zero;
    const got = r.data[l] ?? zero;
    if (!bytesEqual(got, want)) errs.push(`lane ${l} data ${hex(got)} want ${hex(want)}`);
  }
  if (r.install !== sb.beat.install) errs.push(`install flag ${r.install}`);
  if (!sb.beat.install && !bytesEqual(r.acc, sb.expect.acc)) errs.push(`acc ${hex(r.acc)} want ${hex(sb.expect.acc)}`);
  if (r.tagValid !== (sb.expect.tag !== undefined)) errs.push(`tag_valid ${r.tagValid}`);
  if (sb.expect.tag && !bytesEqual(r.tag, sb.expect.tag)) errs.push(`tag ${hex(r.tag)} want ${hex(sb.expect.tag)}`);
  return errs;
}
