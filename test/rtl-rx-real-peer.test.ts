// The outside check of the RTL RX engine: records a real OpenSSL peer (node:tls through the
// recording relay of harness/peer/tls-peer.ts) sent, cut into a lossless in-order capture
// (harness/peer/capture-gen.ts), go through the Verilator-built engine at W = 128 as the receiving host
// would feed them (harness/replay/rx.ts: context installed from the keylog at the first
// application record, kernel model answering). Every packet carrying only application-record bytes
// must come out marked decrypted, and the record contents rebuilt from the engine's output alone
// must be the plaintext the real TLS sockets delivered. Then the same capture with one record's
// tag damaged: the packet holding that record's end must never be marked, and the host must see
// the authentication failure.
//
// Seeds: TLSNIC_SEED=<n> reruns with another base seed; each test prints the seed it used. The TLS
// sessions themselves are real and so differ per run; the seed fixes traffic sizes and segmentation.
import { beforeAll, describe, expect, test } from 'vitest';
import { recordTlsSession, sessionPackets, sessionTraffic, mergeIntoPcap, type RecordedSession } from '../harness/peer/capture-gen.ts';
import { parseCapture, planReplay, type ReplayPlan } from '../harness/replay/replay.ts';
import { runRxReplay, type RxReplayEngine } from '../harness/replay/rx.ts';
import { buildRxEngineSim, runRxEngine } from '../harness/rx/sim.ts';
import { TLS_PEER_SUITES, type TlsPeerSuite } from '../harness/peer/tls-peer.ts';
import { bytesEqual } from '../models/bytes.ts';
import { parseKeylog } from '../models/keylog.ts';
import { isParseError, parseTcpPacket } from '../models/packet.ts';
import type { PcapPacket } from '../models/pcap.ts';
import { createPrng } from '../models/prng.ts';
import type { NicRxConfig } from '../models/nic-rx.ts';
import { seqDiff } from '../models/tcp-seq.ts';
import { recordPrefixLen, TLS_TAG_LEN } from '../models/tls-record.ts';

const WIDTH = 128;
// 16 contexts, 4 buckets × 4 ways + 4 stash: the build rtl-rx-engine.test.ts uses (`tlsnic replay` itself,
// rxReplayTable, gives 16 contexts 8 buckets, at most half full; these captures have ≤ 8 directions).
const TABLE: NicRxConfig = { nCtx: 16, buckets: 4 };
const BASE_SEED = Number(process.env.TLSNIC_SEED ?? 6061);
let binary: string;

beforeAll(async () => {
  binary = await buildRxEngineSim({ width: WIDTH, ...TABLE });
}, 600_000);

const rtlEngine = (seed: number): RxReplayEngine => (frames) => runRxEngine(binary, frames, { seed, gapPermille: 50, stallPermille: 100 });

interface Capture {
  rec: RecordedSession;
  packets: PcapPacket[];
  plan: ReplayPlan;
}

/** A lossless, in-order capture of one real session (IPv4, or IPv6 in a VLAN with jumbo segments). */
async function capture(suite: TlsPeerSuite, seed: number, ipv6: boolean): Promise<Capture> {
  const prng = createPrng(seed);
  const rec = await recordTlsSession(suite, sessionTraffic(prng, 70_000), prng);
  const g = sessionPackets(prng, rec, {
    ipVersion: ipv6 ? 6 : 4,
    vlan: ipv6 ? 9 : undefined,
    clientPort: 41000 + (seed % 1000),
    serverPort: 443,
    hostIndex: 3,
    maxSegment: ipv6 ? 8960 : 1460,
    tcpTimestamps: !ipv6,
    retransmitProbability: 0,
    forceRetransmissions: false,
  });
  expect(g.stats.retransmissions).toBe(0);
  const packets = parseCapture(mergeIntoPcap(prng, [g.packets])).packets;
  const plan = planReplay(packets, parseKeylog(rec.keylogText));
  expect(plan.receivers).toHaveLength(2);
  return { rec, packets, plan };
}

/**
 * The application data (content type 23) of the records that lie wholly in marked packets of one
 * direction, rebuilt from the engine's output alone, with the index of each such record among the
 * direction's application records; and how many records could not be rebuilt that way.
 */
function rebuild(c: Capture, k: number, out: (Uint8Array | null)[], marks: boolean[]): { byRecord: Map<number, Uint8Array>; missing: number } {
  const r = c.plan.receivers[k];
  const last = r.records[r.records.length - 1];
  const end = seqDiff(last.tcpSeq, r.startSn) + last.plain.length;
  const stream = new Uint8Array(end);
  const have = new Uint8Array(end);
  out.forEach((data, i) => {
    if (!data || !marks[i] || c.plan.receiverOf[i] !== k) return;
    const p = parseTcpPacket(data);
    if (isParseError(p)) throw new Error(p.detail);
    const off = seqDiff(p.seq, r.startSn);
    for (let j = 0; j < p.payloadLength; j++) {
      stream[off + j] = data[p.payloadOffset + j];
      have[off + j] = 1;
    }
  });
  const ps = recordPrefixLen(r.crypto.version);
  const byRecord = new Map<number, Uint8Array>();
  let missing = 0;
  r.records.forEach((rec, idx) => {
    const a = seqDiff(rec.tcpSeq, r.startSn);
    if (!rec.complete) return;
    if (have.subarray(a, a + rec.length).includes(0)) {
      missing++;
      return;
    }
    const body = stream.subarray(a + ps, a + rec.length - TLS_TAG_LEN);
    let type = stream[a];
    let content = body;
    if (r.crypto.version === '1.3') {
      let e = body.length;
      while (e > 0 && body[e - 1] === 0) e--;
      type = body[e - 1];
      content = body.subarray(0, e - 1);
    }
    if (type === 23) byRecord.set(idx, content);
  });
  return { byRecord, missing };
}

const SUITES = Object.values(TLS_PEER_SUITES);

describe.each(SUITES.map((suite, i) => ({ suite, i, name: suite.name })))('RX RTL (W=128) decrypts a real peer: $name', ({ suite, i }) => {
  const seed = (BASE_SEED + 17 * i) >>> 0;
  let c: Capture;

  beforeAll(async () => {
    console.log(`[rtl-rx-real-peer] ${suite.name}: seed ${seed}`);
    c = await capture(suite, seed, i % 2 === 1);
  }, 120_000);

  test('lossless capture: every application-record packet marked, plaintext as the sockets delivered', async () => {
    const rep = await runRxReplay(c.packets, c.plan, rtlEngine(seed), TABLE);
    expect(rep.modelMismatch, `seed ${seed}`).toBeNull();
    expect(rep.otherProblems, `seed ${seed}`).toEqual([]);
    expect(rep.ok).toBe(true);
    expect(rep.counters.rx_tls_err).toBe(0);
    expect(rep.counters.rx_tls_ctx).toBe(2);
    for (const [k, r] of c.plan.receivers.entries()) {
      const dir = r.report.direction;
      expect(r.report.rx?.result, `${dir} seed ${seed}: ${r.report.rx?.reason}`).toBe('PASS');
      // Every packet whose payload is application-record data only (not the one that may still
      // carry the end of the handshake before the install point) is marked.
      let appPackets = 0;
      c.packets.forEach((p, idx) => {
        if (c.plan.receiverOf[idx] !== k) return;
        const t = parseTcpPacket(p.data);
        if (isParseError(t) || t.payloadLength === 0 || seqDiff(t.seq, r.startSn) < 0) return;
        appPackets++;
        expect(rep.decrypted[idx], `${dir} frame ${idx + 1} (seed ${seed})`).toBe(true);
      });
      expect(appPackets).toBeGreaterThan(3);
      // The record contents rebuilt from the engine's output are the plaintext the peer sent, at
      // the right place in it; at most the first record (sharing a packet with the handshake) is not.
      const { byRecord, missing } = rebuild(c, k, rep.packets, rep.decrypted);
      expect(missing, `${dir}: records not wholly in marked packets`).toBeLessThanOrEqual(1);
      const sent = dir === 'c2s' ? c.rec.plaintext.c2s : c.rec.plaintext.s2c;
      let at = 0;
      let rebuilt = 0;
      r.records.forEach((rec, idx) => {
        if (!rec.complete || rec.contentType !== 23) return;
        const got = byRecord.get(idx);
        if (got) {
          expect(bytesEqual(got, sent.subarray(at, at + got.length)), `${dir} record ${rec.recordSeq} (seed ${seed})`).toBe(true);
          rebuilt += got.length;
        }
        at += rec.content.length;
      });
      expect(at).toBe(sent.length);
      expect(rebuilt).toBeGreaterThan(sent.length * 0.8);
    }
  }, 180_000);

  test('a corrupted tag never yields a decrypted mark on the packet holding the record end', async () => {
    const prng = createPrng(seed ^ 0x7a6);
    const k = c.plan.receivers.findIndex((r) => r.report.direction === 'c2s');
    const r = c.plan.receivers[k];
    const candidates = r.records.map((x, idx) => ({ x, idx })).filter(({ x, idx }) => x.complete && idx > 0 && idx < r.records.length - 1);
    expect(candidates.length).toBeGreaterThan(0);
    const { x: victim } = prng.pick(candidates);
    const endSeq = (victim.tcpSeq + victim.length - 1) >>> 0;
    const flipSeq = (endSeq - prng.int(0, TLS_TAG_LEN - 1)) >>> 0; // some tag byte
    let endPacket = -1;
    let flipped = 0;
    const packets = c.packets.map((p, idx) => {
      const t = parseTcpPacket(p.data);
      if (c.plan.receiverOf[idx] !== k || isParseError(t)) return p;
      const inPkt = (s: number) => seqDiff(s, t.seq) >= 0 && seqDiff(s, t.seq) < t.payloadLength;
      if (inPkt(endSeq)) endPacket = idx;
      if (!inPkt(flipSeq)) return p;
      const data = p.data.slice();
      data[t.payloadOffset + seqDiff(flipSeq, t.seq)] ^= 0x20;
      flipped++;
      return { ...p, data };
    });
    expect(flipped).toBe(1);
    console.log(`[rtl-rx-real-peer] ${suite.name}: tag byte at tcp seq ${flipSeq} of record ${victim.recordSeq} corrupted; its end is in frame ${endPacket + 1}`);
    const rep = await runRxReplay(packets, c.plan, rtlEngine(seed), TABLE);
    expect(rep.modelMismatch, `seed ${seed}`).toBeNull();
    expect(rep.decrypted[endPacket], `frame ${endPacket + 1} holds the end of the corrupted record`).toBe(false);
    expect(rep.counters.rx_tls_err).toBeGreaterThanOrEqual(1);
    // The host sees the authentication failure: that direction fails, the other still passes.
    expect(r.report.rx?.result).toBe('FAIL');
    expect(r.report.rx?.reason).toMatch(new RegExp(`record ${victim.recordSeq} at tcp seq \\d+: authentication failed`));
    const other = c.plan.receivers[1 - k];
    expect(other.report.rx?.result).toBe('PASS');
    // Records before the damaged one were still decrypted by the device.
    expect(r.report.rx?.recordPaths.device).toBeGreaterThan(0);
  }, 180_000);
});
