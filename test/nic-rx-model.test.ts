// The NIC RX golden model (models/nic-rx.ts) in a closed loop with the kernel model
// (models/kernel-rx.ts), checked by an oracle that shares none of the engine's decision logic
// (harness/rx-check.ts: whole-record decryption of the senders' records, byte-for-byte comparison
// of untouched packets, the kernel's recovered plaintext). Directed cases cover each class of the
// document (reorder of a non-header segment, loss of a header segment with stream-scan resync,
// false lock, host-driven resync, duplicates, corrupted tags, bad checksums, full buckets, deletes);
// seeded random scenarios cover the rest. Every random case names its seed.
import { describe, expect, test } from 'vitest';
import { checkRxRun } from '../harness/rx-check.ts';
import {
  addRxFlow,
  buildRxScenario,
  createRxScenario,
  DEFAULT_RX_SCENARIO,
  generateRxScenario,
  pushDelete,
  pushInstall,
  pushSegment,
  recordOffset,
  runRxScenario,
  type RxFlowSpec,
  type RxRun,
  type RxRunOptions,
  type RxScenario,
  type RxScenarioBuilder,
  type RxScenarioConfig,
} from '../harness/rx-scenario.ts';
import { bytesEqual } from '../models/bytes.ts';
import { flowHash, tupleKey } from '../models/flow-hash.ts';
import { nextHintOnEncrypted, type NextHintState } from '../models/kernel-rx.ts';
import { createNicRx, MAX_RECORD_LEN, nicRxStep, type NicRxConfig, type RxVerdict } from '../models/nic-rx.ts';
import { buildTcpPacket, isParseError, parseTcpPacket, TcpFlag, type FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import {
  decodeRxControl,
  decodeRxEvent,
  RX_INSTALL_LEN,
  RxInKind,
  rxDeleteFrame,
  rxEventFrame,
  rxInstallFrame,
  RxOutKind,
  rxPacketFrame,
  rxResyncFrame,
  type RxFrame,
} from '../models/rx-frames.ts';
import type { TlsVersion } from '../models/tls-record.ts';

const NIC: NicRxConfig = { nCtx: 65536, buckets: 256, ways: 4 };

function runChecked(sc: RxScenario, o: Partial<RxRunOptions> = {}) {
  const run = runRxScenario(sc, { nic: NIC, latency: 0, ...o });
  const check = checkRxRun(sc, run);
  return { run, check };
}

/** Verdict of each scenario packet, in order (control frames from the kernel skipped). */
function packetVerdicts(run: RxRun): RxVerdict[] {
  return run.results.filter((_, i) => run.inputs[i].user.kind === RxInKind.PACKET).map((r) => r.verdict);
}

/** Stream offset (from isn) and payload length of each scenario packet of `flow`, with its index among all packets. */
function flowPackets(sc: RxScenario, flow: RxFlowSpec): { idx: number; off: number; len: number }[] {
  const out: { idx: number; off: number; len: number }[] = [];
  let idx = 0;
  for (const ev of sc.events) {
    if (ev.kind !== 'packet') continue;
    if (ev.flow === flow.index) {
      const p = parseTcpPacket(ev.frame);
      if (isParseError(p)) throw new Error('scenario packet does not parse');
      out.push({ idx, off: (p.seq - flow.isn) >>> 0, len: p.payloadLength });
    }
    idx++;
  }
  return out;
}

function countOf(v: RxVerdict[], x: RxVerdict): number {
  return v.filter((y) => y === x).length;
}

function requestEvents(run: RxRun): number[] {
  return run.outputs.filter((f) => f.user.kind === RxOutKind.EVENT).flatMap((f) => {
    const e = decodeRxEvent(f);
    return e && e.code === 'resync_request' ? [e.tcpSn] : [];
  });
}

/** The request invariant: every lock started ends confirmed, skipped, or is still held. */
function expectRequestBalance(run: RxRun): void {
  const c = run.nic.counters;
  const held = [...run.nic.contexts.values()].filter((x) => x.mode === 'lock').length;
  expect(c.rx_tls_resync_req_start).toBe(c.rx_tls_resync_req_end + c.rx_tls_resync_req_skip + held);
}

/** A one-flow directed scenario: handshake segment, install, then the caller's segments. */
function directed(seed: number, version: TlsVersion, recordSizes: number[], extra: Partial<Parameters<typeof addRxFlow>[1]> = {}) {
  const b = createRxScenario(seed);
  const f = addRxFlow(b, { version, recordSizes, preOffload: 100, ipVersion: seed % 2 ? 6 : 4, vlan: seed % 3 === 0, ...extra });
  pushSegment(b, f, 0, 100);
  pushInstall(b, f);
  return { b, f };
}

/** Cuts [from, to) into segments of `seg` bytes: [offset, length] pairs. */
function cuts(from: number, to: number, seg: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = from; a < to; a += seg) out.push([a, Math.min(seg, to - a)]);
  return out;
}

function push(b: RxScenarioBuilder, f: RxFlowSpec, s: [number, number]): void {
  pushSegment(b, f, s[0], s[1]);
}

describe('RX frames and flow hash', () => {
  const tuple4: FlowTuple = { ipVersion: 4, srcAddr: Uint8Array.of(10, 1, 2, 3), dstAddr: Uint8Array.of(192, 168, 0, 9), srcPort: 443, dstPort: 51000 };

  test('tuple key layout and CRC-32 against a bitwise reference', () => {
    const k = tupleKey(tuple4);
    expect(Array.from(k)).toEqual([4, ...new Array(12).fill(0), 10, 1, 2, 3, ...new Array(12).fill(0), 192, 168, 0, 9, 0x01, 0xbb, 0xc7, 0x38]);
    const crcRef = (b: Uint8Array): number => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const p = createPrng(5);
    for (let i = 0; i < 200; i++) {
      const v6 = p.chance(0.5);
      const t: FlowTuple = { ipVersion: v6 ? 6 : 4, srcAddr: p.bytes(v6 ? 16 : 4), dstAddr: p.bytes(v6 ? 16 : 4), srcPort: p.int(0, 65535), dstPort: p.int(0, 65535) };
      expect(flowHash(t)).toBe(crcRef(tupleKey(t)));
    }
  });

  test('control frames round-trip; malformed ones are errors; events round-trip', () => {
    const t6: FlowTuple = { ipVersion: 6, srcAddr: new Uint8Array(16).fill(0xfd), dstAddr: new Uint8Array(16).fill(1), srcPort: 443, dstPort: 40000 };
    for (const [tuple, version, keyLen, scan] of [[tuple4, '1.2', 16, true], [t6, '1.3', 32, false]] as const) {
      const inst = { ctxId: 777, tuple, version, key: new Uint8Array(keyLen).fill(3), iv: new Uint8Array(version === '1.3' ? 12 : 4).fill(4), recordSeq: 0x1234_5678_9abcn, startTcpSn: 0xfffffff0, scan };
      const f = rxInstallFrame(inst);
      expect(f.data.length).toBe(RX_INSTALL_LEN);
      const d = decodeRxControl(f);
      expect(d).toEqual({ op: 'install', install: inst });
      expect(decodeRxControl({ user: f.user, data: f.data.subarray(0, 95) }).op).toBe('error');
      const bad = f.data.slice();
      bad[1] |= 0x10;
      expect(decodeRxControl({ user: f.user, data: bad }).op).toBe('error');
    }
    const r = { ctxId: 9, tcpSn: 123456, recordSeq: 77n, hostDriven: true };
    expect(decodeRxControl(rxResyncFrame(r))).toEqual({ op: 'resync', resync: r });
    expect(decodeRxControl(rxDeleteFrame(65535))).toEqual({ op: 'delete', ctxId: 65535 });
    expect(decodeRxControl({ user: { kind: RxInKind.CONTROL, ctxId: 1 }, data: Uint8Array.of(7) }).op).toBe('error');
    for (const e of [{ code: 'resync_request', ctxId: 3, tcpSn: 0xdeadbeef }, { code: 'install_result', ctxId: 65535, status: 'bucket_full' }] as const) {
      expect(decodeRxEvent(rxEventFrame(e))).toEqual(e);
    }
  });
});

describe('RX: in-order traffic', () => {
  const cases: [number, Partial<RxScenarioConfig>][] = [
    [1, {}],
    [2, { mss: 90, bytesPerFlow: 15_000 }], // headers and tags split across packets, many records per packet at small sizes
    [3, { mss: 8900, recordSizes: [16384, 200] }], // jumbo segments, several records per packet
    [4, { recordSizes: [1, 2, 30], bytesPerFlow: 6_000, mss: 1460 }], // tiny records: dozens per packet
  ];
  for (const [seed, extra] of cases) {
    test(`seed ${seed}: every data packet of an offloaded flow is marked, counters exact`, () => {
      const cfg: RxScenarioConfig = { ...DEFAULT_RX_SCENARIO, seed, flows: 10, bytesPerFlow: 30_000, ...extra };
      const sc = generateRxScenario(cfg);
      const { run, check } = runChecked(sc);
      expect(check.problems, `seed ${seed}`).toEqual([]);
      // Expected from the scenario alone: a flow's packets with payload between its install and delete.
      let data = 0;
      let bytes = 0;
      let plain = 0;
      const live = new Set<number>();
      let pkt = 0;
      const verdicts = packetVerdicts(run);
      for (const ev of sc.events) {
        if (ev.kind === 'install') live.add(ev.flow);
        else if (ev.kind === 'delete') live.delete(ev.flow);
        else {
          const p = parseTcpPacket(ev.frame);
          const len = isParseError(p) ? 0 : p.payloadLength;
          if (ev.flow !== null && live.has(ev.flow) && len > 0) {
            data++;
            bytes += len;
            expect(verdicts[pkt], `seed ${seed} packet ${pkt}`).toBe('decrypted');
          } else if (!isParseError(p) && !(ev.flow !== null && live.has(ev.flow))) plain++;
          pkt++;
        }
      }
      const c = run.nic.counters;
      expect(c.rx_tls_decrypted_packets).toBe(data);
      expect(c.rx_tls_decrypted_bytes).toBe(bytes);
      expect(c.rx_plain_packets).toBe(plain);
      expect(c.rx_tls_ctx).toBe(cfg.flows);
      expect(c.rx_tls_del).toBe(sc.events.filter((e) => e.kind === 'delete').length);
      expect(c.rx_not_tcp_packets).toBe(countOf(verdicts, 'not_tcp'));
      for (const n of ['rx_tls_pass_packets', 'rx_tls_err', 'rx_tls_gap_packets', 'rx_tls_sync_lost', 'rx_tls_resync_req_start', 'rx_tls_resync_res_ok', 'rx_tls_csum_err', 'rx_ctrl_err'] as const) {
        expect(c[n], `${n}, seed ${seed}`).toBe(0);
      }
      expect(check.recordsVerified).toBe(sc.flows.reduce((n, f) => n + f.records.length, 0));
      expect(run.conns.every((k) => k.stats.records.software === 0 && k.stats.records.mixed === 0)).toBe(true);
      const versions = new Set(sc.flows.map((f) => `${f.crypto.version}/${f.crypto.key.length}/${f.tuple.ipVersion}`));
      expect(versions.size, `seed ${seed}: variety`).toBeGreaterThan(2);
    });
  }
});

describe('RX: reorder classes of tls-offload.rst', () => {
  for (const version of ['1.2', '1.3'] as const) {
    test(`reorder of a non-header segment keeps sync (${version})`, () => {
      const { b, f } = directed(11, version, [3000, 3000, 3000]);
      const s = cuts(100, f.stream.length, 1200);
      const r1 = recordOffset(f, 1);
      // Segment 1 carries no header; segment 2 holds the end of record 0 and the start of record 1.
      expect(s[1][0] > 100 && s[1][0] + s[1][1] <= r1).toBe(true);
      expect(s[2][0] < r1 && r1 < s[2][0] + s[2][1]).toBe(true);
      for (const [i, seg] of s.entries()) if (i !== 1) push(b, f, seg);
      push(b, f, s[1]); // arrives last, behind everything
      const sc = buildRxScenario(b);
      const { run, check } = runChecked(sc);
      expect(check.problems).toEqual([]);
      const v = packetVerdicts(run);
      expect(v).toEqual(['plain', 'decrypted', 'pass', ...new Array(s.length - 3).fill('decrypted'), 'old']);
      const c = run.nic.counters;
      expect([c.rx_tls_gap_packets, c.rx_tls_old_packets, c.rx_tls_sync_lost, c.rx_tls_resync_req_start, c.rx_tls_err]).toEqual([1, 1, 0, 0, 0]);
      // Records 0 and 1 are partly device-decrypted: the kernel re-encrypts and decrypts them in software.
      expect(run.conns[0].records.map((r) => r.path)).toEqual(['mixed', 'mixed', 'device']);
    });

    test(`lost header segment: wait, scan, request, confirm, resume (${version})`, () => {
      const { b, f } = directed(12, version, new Array(12).fill(4000));
      const s = cuts(100, f.stream.length, 1000);
      const r1 = recordOffset(f, 1);
      const lost = s.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
      expect(lost).toBeGreaterThan(0);
      const order = [...s.keys()].filter((i) => i !== lost);
      order.splice(order.indexOf(lost + 5), 0, lost); // retransmitted five segments later
      for (const i of order) push(b, f, s[i]);
      const sc = buildRxScenario(b);
      const { run, check } = runChecked(sc);
      expect(check.problems).toEqual([]);
      const c = run.nic.counters;
      // The scan starts MAX_RECORD_LEN past the first missing byte; the first header at or after it is the candidate.
      const scanFrom = s[lost][0] + MAX_RECORD_LEN;
      const cand = f.records.findIndex((_, i) => recordOffset(f, i) >= scanFrom);
      expect(requestEvents(run)).toEqual([f.records[cand].tcpSeq]);
      expect([c.rx_tls_sync_lost, c.rx_tls_resync_req_start, c.rx_tls_resync_req_pkt, c.rx_tls_resync_req_end, c.rx_tls_resync_res_ok]).toEqual([1, 1, 1, 1, 1]);
      expect([c.rx_tls_resync_req_skip, c.rx_tls_resync_res_skip, c.rx_tls_err]).toEqual([0, 0, 0]);
      expect(run.conns[0].stats.confirmsSent).toBe(1);
      // Decryption resumes with the record after the candidate's: packets wholly from there on are marked.
      const resume = recordOffset(f, cand + 1);
      const v = packetVerdicts(run);
      for (const p of flowPackets(sc, f)) {
        if (p.off < s[lost][0] + s[lost][1] || p.len === 0) continue;
        expect(v[p.idx], `packet at stream offset ${p.off}`).toBe(p.off >= resume ? 'decrypted' : 'pass');
      }
      expectRequestBalance(run);
    });

    test(`false lock on a planted header pattern is dropped at the predicted header (${version})`, () => {
      // Plan the loss first (same layout as above), then plant 17 03 03 00 64 in the ciphertext
      // just past where the scan starts, 50 bytes before a segment boundary, so the predicted
      // header (105 bytes on) is checked in the next packet.
      const sizes = new Array(12).fill(4000);
      const probe = directed(13, version, sizes).f;
      const s = cuts(100, probe.stream.length, 1000);
      const r1 = recordOffset(probe, 1);
      const lost = s.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
      const scanFrom = s[lost][0] + MAX_RECORD_LEN;
      const boundary = s.find(([a]) => a >= scanFrom + 60)![0];
      const falseAt = boundary - 50;
      const rec = probe.records.findIndex((_, i) => recordOffset(probe, i) <= falseAt && falseAt < recordOffset(probe, i + 1));
      expect(recordOffset(probe, rec)).toBeLessThan(scanFrom); // no true header between the scan start and the plant
      const { b, f } = directed(13, version, sizes, { plants: [{ record: rec, offset: falseAt - recordOffset(probe, rec), bytes: Uint8Array.of(0x17, 3, 3, 0, 100) }] });
      expect(bytesEqual(f.stream.subarray(falseAt, falseAt + 5), Uint8Array.of(0x17, 3, 3, 0, 100))).toBe(true);
      const order = [...s.keys()].filter((i) => i !== lost);
      order.splice(order.indexOf(lost + 5), 0, lost);
      for (const i of order) push(b, f, s[i]);
      const sc = buildRxScenario(b);
      const { run, check } = runChecked(sc);
      expect(check.problems).toEqual([]);
      const c = run.nic.counters;
      expect(requestEvents(run)).toEqual([(f.isn + falseAt) >>> 0, f.records[rec + 1].tcpSeq]);
      expect([c.rx_tls_resync_req_start, c.rx_tls_resync_req_pkt, c.rx_tls_resync_req_skip, c.rx_tls_resync_req_end, c.rx_tls_resync_res_ok, c.rx_tls_resync_res_skip]).toEqual([2, 2, 1, 1, 1, 0]);
      expect(run.conns[0].stats.requestsSeen).toBe(2);
      expect(run.conns[0].stats.confirmsSent).toBe(1);
      expect(c.rx_tls_err).toBe(0);
      expectRequestBalance(run);
    });

    test(`confirmation while the next header is half received: the held header bytes start the record (${version})`, () => {
      // Layout as above, but the candidate (first header past the scan start) is a short record,
      // and one packet carries its header and ends 2 bytes into the next header. The host confirms
      // right after that packet, so the engine resumes with 2 header bytes already seen, and the
      // very next packet (the rest of that record) is decrypted and marked.
      const sizes = new Array(12).fill(4000);
      const probe = directed(16, version, sizes).f;
      const s0 = cuts(100, probe.stream.length, 1000);
      const r1 = recordOffset(probe, 1);
      const lost = s0.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
      const scanFrom = s0[lost][0] + MAX_RECORD_LEN;
      const cand = probe.records.findIndex((_, i) => recordOffset(probe, i) >= scanFrom);
      sizes[cand] = 1000;
      const { b, f } = directed(16, version, sizes);
      const H = recordOffset(f, cand);
      const next = recordOffset(f, cand + 1);
      const s: [number, number][] = [...cuts(100, H - 100, 1000), [H - 100, next + 2 - (H - 100)], ...cuts(next + 2, f.stream.length, 1000)];
      const order = [...s.keys()].filter((i) => i !== lost);
      order.splice(order.indexOf(lost + 5), 0, lost);
      for (const i of order) push(b, f, s[i]);
      const sc = buildRxScenario(b);
      const { run, check } = runChecked(sc);
      expect(check.problems).toEqual([]);
      expect(requestEvents(run)).toEqual([f.records[cand].tcpSeq]);
      expect(run.nic.counters.rx_tls_resync_res_ok).toBe(1);
      const v = packetVerdicts(run);
      for (const p of flowPackets(sc, f)) {
        if (p.off < H - 100) continue;
        expect(v[p.idx], `packet at stream offset ${p.off}`).toBe(p.off >= next ? 'decrypted' : 'pass');
      }
      // Its first 2 header bytes rode in an unmarked packet: mixed for the kernel; the next is the device's alone.
      expect(run.conns[0].records.slice(cand + 1, cand + 3).map((r) => r.path)).toEqual(['mixed', 'device']);
    });

    test(`host-driven resync after fully encrypted records (${version})`, () => {
      const { b, f } = directed(14, version, new Array(12).fill(4000), { mode: 'host' });
      const s = cuts(100, f.stream.length, 1000);
      const r1 = recordOffset(f, 1);
      const lost = s.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
      const order = [...s.keys()].filter((i) => i !== lost);
      order.splice(order.indexOf(lost + 5), 0, lost);
      for (const i of order) push(b, f, s[i]);
      const sc = buildRxScenario(b);
      const { run, check } = runChecked(sc);
      expect(check.problems).toEqual([]);
      const c = run.nic.counters;
      const k = run.conns[0];
      // Scan is off for a host-driven connection: no requests. Record 0 is mixed (resets the
      // back-off), records 1..3 fully encrypted: the third triggers the hint, sent once the socket
      // holds no more than the next record: "record 5 starts at its TCP seq".
      expect(c.rx_tls_resync_req_start).toBe(0);
      expect(k.stats.hintsSent).toBe(1);
      expect([c.rx_tls_resync_res_ok, c.rx_tls_resync_res_skip, c.rx_tls_sync_lost, c.rx_tls_err]).toEqual([1, 0, 1, 0]);
      // Record 5 starts inside a packet that also carries skipped bytes: mixed; then device.
      expect(k.records.map((r) => r.path).slice(0, 7)).toEqual(['mixed', 'software', 'software', 'software', 'software', 'mixed', 'device']);
      const resume = recordOffset(f, 5);
      const v = packetVerdicts(run);
      for (const p of flowPackets(sc, f)) {
        if (p.off < resume || p.len === 0) continue;
        expect(v[p.idx], `packet at stream offset ${p.off}`).toBe('decrypted');
      }
    });
  }

  test('host-driven hints that arrive too late are skipped; the host backs off and data stays right', () => {
    const { b, f } = directed(15, '1.3', new Array(40).fill(2000), { mode: 'host' });
    const s = cuts(100, f.stream.length, 700);
    const r1 = recordOffset(f, 1);
    const lost = s.findIndex(([a, n]) => a <= r1 && r1 + 5 <= a + n);
    const order = [...s.keys()].filter((i) => i !== lost);
    order.splice(order.indexOf(lost + 3), 0, lost);
    for (const i of order) push(b, f, s[i]);
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc, { latency: 40, minLatency: 40 });
    expect(check.problems).toEqual([]);
    const c = run.nic.counters;
    const k = run.conns[0];
    expect(k.stats.hintsSent).toBeGreaterThanOrEqual(2);
    expect(c.rx_tls_resync_res_skip).toBe(k.stats.hintsSent); // every hint was behind the stream
    expect(c.rx_tls_resync_res_ok).toBe(0);
    expect(c.rx_tls_decrypted_packets).toBe(countOf(packetVerdicts(run), 'decrypted'));
  });

  test('next-hint back-off: hints 2, 4, 8, …, 128, 128 records apart', () => {
    const nh: NextHintState = { reset: true, failed: 0, tgt: 2, doNow: false };
    const at: number[] = [];
    for (let rec = 1; rec <= 700; rec++) if (nextHintOnEncrypted(nh)) at.push(rec);
    expect(at).toEqual([3, 5, 9, 17, 33, 65, 129, 257, 385, 513, 641]);
    // A decrypted record in between restarts the schedule.
    nh.reset = true;
    const again: number[] = [];
    for (let rec = 1; rec <= 10; rec++) if (nextHintOnEncrypted(nh)) again.push(rec);
    expect(again).toEqual([3, 5, 9]);
  });
});

describe('RX: duplicates, errors, table', () => {
  test('duplicates and old segments pass untouched without a state change; an overlapping one is tracked', () => {
    const { b, f } = directed(21, '1.2', [2000, 2000, 2000, 2000, 2000]);
    const s = cuts(100, f.stream.length, 700);
    push(b, f, s[0]);
    push(b, f, s[1]);
    push(b, f, s[2]);
    push(b, f, s[1]); // exact duplicate
    push(b, f, s[3]);
    pushSegment(b, f, s[3][0] + 300, s[3][1] - 300 + s[4][1]); // old bytes + all of segment 4
    push(b, f, s[5]);
    push(b, f, s[0]); // old duplicate
    pushSegment(b, f, 50, 100); // straddles the install point, wholly old
    for (const seg of s.slice(6)) push(b, f, seg);
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc);
    expect(check.problems).toEqual([]);
    const v = packetVerdicts(run);
    expect(v.slice(0, 10)).toEqual(['plain', 'decrypted', 'decrypted', 'decrypted', 'old', 'decrypted', 'pass', 'decrypted', 'old', 'old']);
    expect(v.slice(10).every((x) => x === 'decrypted')).toBe(true);
    const c = run.nic.counters;
    expect([c.rx_tls_old_packets, c.rx_tls_pass_packets, c.rx_tls_gap_packets, c.rx_tls_sync_lost]).toEqual([3, 4, 0, 0]);
  });

  test('a corrupted tag: that packet is never marked, rx_tls_err, the next record continues', () => {
    const { b, f } = directed(22, '1.3', new Array(6).fill(1500), { badTags: [2] });
    const s = cuts(100, f.stream.length, 1000);
    for (const seg of s) push(b, f, seg);
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc);
    expect(check.problems).toEqual([]); // incl. the kernel reporting record 2's authentication failure
    const end2 = recordOffset(f, 3) - 1;
    const v = packetVerdicts(run);
    for (const p of flowPackets(sc, f)) {
      if (p.off < 100) continue;
      const holdsTagEnd = p.off <= end2 && end2 < p.off + p.len;
      expect(v[p.idx], `packet at ${p.off}`).toBe(holdsTagEnd ? 'pass' : 'decrypted');
    }
    expect(run.nic.counters.rx_tls_err).toBe(1);
    expect(run.nic.counters.rx_tls_sync_lost).toBe(0);
    expect(run.conns[0].error).toMatch(/authentication failed \(mixed\)/);
  });

  test('bad checksums: untouched, counted, no state change (not even for a future segment)', () => {
    const { b, f } = directed(23, '1.2', [3000, 3000, 3000, 3000]);
    const s = cuts(100, f.stream.length, 1000);
    for (const [i, seg] of s.entries()) {
      if (i === 3) {
        pushSegment(b, f, seg[0], seg[1], { badChecksum: true });
        pushSegment(b, f, s[5][0], s[5][1], { badChecksum: true });
      }
      push(b, f, seg);
    }
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc);
    expect(check.problems).toEqual([]);
    const v = packetVerdicts(run);
    expect(countOf(v, 'csum_err')).toBe(2);
    expect(countOf(v, 'decrypted')).toBe(s.length);
    expect(run.nic.counters.rx_tls_csum_err).toBe(2);
    expect(run.nic.counters.rx_tls_gap_packets).toBe(0);
    expect(run.conns[0].stats.droppedBadChecksum).toBe(2);
  });

  test('an impossible record length in sync: rx_tls_err, sync lost, packets untouched', () => {
    const { b, f } = directed(24, '1.3', [1000, 1000, 1000, 1000]);
    const r2 = recordOffset(f, 2);
    f.stream[r2 + 3] = 0xff; // length 0xff.. > 2^14 + 256
    const s = cuts(100, f.stream.length, 700);
    for (const seg of s) push(b, f, seg);
    const sc = buildRxScenario(b);
    const run = runRxScenario(sc, { nic: NIC, latency: 0 });
    const v = packetVerdicts(run);
    const c = run.nic.counters;
    expect([c.rx_tls_err, c.rx_tls_sync_lost]).toEqual([1, 1]);
    for (const p of flowPackets(sc, f)) {
      if (p.off < 100) continue;
      expect(v[p.idx], `packet at ${p.off}`).toBe(p.off + p.len <= r2 + 4 ? 'decrypted' : 'pass');
    }
    const ins = run.inputs.filter((x) => x.user.kind === RxInKind.PACKET);
    const outs = run.outputs.filter((x) => x.user.kind === RxOutKind.PACKET);
    outs.forEach((o, i) => {
      if (!o.user.decrypted) expect(bytesEqual(o.data, ins[i].data)).toBe(true);
    });
    expect(run.conns[0].error).toMatch(/impossible length/);
  });

  test('oversize frames pass untouched and leave the context as it was', () => {
    const { b, f } = directed(25, '1.3', [3000, 3000]);
    pushSegment(b, f, 100, 500);
    pushSegment(b, f, 600, 1200); // over the 1000-byte limit below
    pushSegment(b, f, 1800, 500); // the engine sees a gap inside record 0: skips to record 1
    pushSegment(b, f, 2300, f.stream.length - 2300 > 900 ? 900 : f.stream.length - 2300);
    for (let a = 3200; a < f.stream.length; a += 900) pushSegment(b, f, a, Math.min(900, f.stream.length - a));
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc, { nic: { ...NIC, maxFrameBytes: 1000 } });
    expect(check.problems).toEqual([]);
    const v = packetVerdicts(run);
    expect(v.slice(0, 4)).toEqual(['plain', 'decrypted', 'oversize', 'pass']);
    expect(run.nic.counters.rx_oversize_packets).toBe(1);
    expect(run.nic.counters.rx_tls_sync_lost).toBe(0);
    expect(v[v.length - 1]).toBe('decrypted');
  });

  test('full bucket: the install fails, the flow stays in software, all its packets untouched', () => {
    const b = createRxScenario(31);
    const flows = [0, 1, 2].map(() => addRxFlow(b, { recordSizes: [5000, 5000], preOffload: 0 }));
    for (const f of flows) pushInstall(b, f);
    for (const f of flows) for (const seg of cuts(0, f.stream.length, 1400)) push(b, f, seg);
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc, { nic: { nCtx: 65536, buckets: 1, ways: 2 } });
    expect(check.problems).toEqual([]);
    const results = run.outputs.filter((o) => o.user.kind === RxOutKind.EVENT).map((o) => decodeRxEvent(o));
    expect(results).toEqual(flows.map((f, i) => ({ code: 'install_result', ctxId: f.ctxId, status: i < 2 ? 'ok' : 'bucket_full' })));
    const c = run.nic.counters;
    expect([c.rx_tls_ctx, c.rx_tls_install_fail]).toEqual([2, 1]);
    const v = packetVerdicts(run);
    for (const [i, f] of flows.entries()) for (const p of flowPackets(sc, f)) expect(v[p.idx]).toBe(i < 2 ? 'decrypted' : 'plain');
    expect(run.conns[2].offload).toBe('off');
    expect(run.conns[2].stats.records.software).toBe(2);
  });

  test('delete: later packets of the connection pass untouched; the kernel finishes in software', () => {
    const { b, f } = directed(32, '1.2', [3000, 3000, 3000]);
    const s = cuts(100, f.stream.length, 1000);
    s.slice(0, 4).forEach((seg) => push(b, f, seg));
    pushDelete(b, f);
    s.slice(4).forEach((seg) => push(b, f, seg));
    const sc = buildRxScenario(b);
    const { run, check } = runChecked(sc);
    expect(check.problems).toEqual([]);
    expect(packetVerdicts(run)).toEqual(['plain', 'decrypted', 'decrypted', 'decrypted', 'decrypted', ...new Array(s.length - 4).fill('plain')]);
    expect(run.nic.counters.rx_tls_del).toBe(1);
    expect(run.nic.contexts.size).toBe(0);
    expect(run.nic.table.entries.every((e) => e === null)).toBe(true);
  });

  test('install replaces: same tuple under a new id evicts the old context; reused id drops its old tuple', () => {
    const nic = createNicRx({ nCtx: 64, buckets: 4, ways: 2 });
    const p = createPrng(33);
    const tuple = (port: number): FlowTuple => ({ ipVersion: 4, srcAddr: Uint8Array.of(10, 0, 0, 1), dstAddr: Uint8Array.of(10, 0, 0, 2), srcPort: 443, dstPort: port });
    const inst = (ctxId: number, t: FlowTuple): RxFrame => rxInstallFrame({ ctxId, tuple: t, version: '1.3', key: p.bytes(16), iv: p.bytes(12), recordSeq: 0n, startTcpSn: 1000, scan: true });
    const pkt = (t: FlowTuple) =>
      rxPacketFrame(buildTcpPacket({
        eth: { dst: new Uint8Array(6), src: new Uint8Array(6) },
        ip: { version: 4, src: t.srcAddr, dst: t.dstAddr, dscpEcn: 0, id: 0, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
        tcp: { srcPort: t.srcPort, dstPort: t.dstPort, seq: 1000, ack: 0, flags: TcpFlag.ACK, window: 1, urgent: 0, options: new Uint8Array(0) },
        payload: new Uint8Array(0),
      }));
    expect(nicRxStep(nic, inst(5, tuple(1))).verdict).toBe('installed');
    expect(nicRxStep(nic, inst(9, tuple(1))).verdict).toBe('installed');
    expect(nic.counters.rx_tls_ctx_evict).toBe(1);
    expect(nicRxStep(nic, pkt(tuple(1))).ctxId).toBe(9);
    expect(nicRxStep(nic, rxDeleteFrame(5)).verdict).toBe('control_error');
    expect(nicRxStep(nic, inst(9, tuple(2))).verdict).toBe('installed'); // id 9 reused for another tuple
    expect(nic.counters.rx_tls_ctx_evict).toBe(2);
    expect(nicRxStep(nic, pkt(tuple(1))).verdict).toBe('plain');
    expect(nicRxStep(nic, pkt(tuple(2))).ctxId).toBe(9);
    // Rejected frames: id beyond N_CTX (answered bad_frame), reserved kind, resync for nobody.
    const r = nicRxStep(nic, inst(64, tuple(3)));
    expect(r.verdict).toBe('control_error');
    expect(decodeRxEvent(r.out[0])).toEqual({ code: 'install_result', ctxId: 64, status: 'bad_frame' });
    expect(nicRxStep(nic, { user: { kind: RxInKind.RESERVED2, ctxId: 0 }, data: new Uint8Array(4) }).out).toEqual([]);
    expect(nicRxStep(nic, rxResyncFrame({ ctxId: 3, tcpSn: 0, recordSeq: 0n, hostDriven: true })).verdict).toBe('resync_skip');
    expect([nic.counters.rx_ctrl_err, nic.counters.rx_frame_err, nic.counters.rx_tls_resync_res_skip]).toEqual([2, 1, 1]);
  });
});

describe('RX: seeded random scenarios with loss, reordering, duplicates, corruption', () => {
  const cases: [number, Partial<RxScenarioConfig>, Partial<NicRxConfig>, number][] = [
    [101, { resyncMode: 'device' }, {}, 2],
    [102, { resyncMode: 'host' }, {}, 3],
    [103, { resyncMode: 'mixed', mss: 9000 }, { buckets: 4, ways: 2 }, 1],
    [104, { resyncMode: 'mixed', mss: 300, bytesPerFlow: 60_000 }, { buckets: 2, ways: 3 }, 4],
    [105, { resyncMode: 'device', versions: ['1.2'] }, {}, 0],
    [106, { resyncMode: 'device', versions: ['1.3'], loss: 0.08 }, {}, 5],
  ];
  let resyncs = 0;
  for (const [seed, extra, nic, latency] of cases) {
    test(`seed ${seed}: oracle, kernel plaintext, counter identities`, () => {
      const cfg: RxScenarioConfig = { ...DEFAULT_RX_SCENARIO, seed, flows: 6, bytesPerFlow: 100_000, loss: 0.04, spurious: 0.02, badChecksum: 0.01, installLag: 0.3, ...extra };
      const sc = generateRxScenario(cfg);
      const { run, check } = runChecked(sc, { nic: { ...NIC, ...nic }, latency });
      expect(check.problems, `seed ${seed}`).toEqual([]);
      const c = run.nic.counters;
      const v = packetVerdicts(run);
      expect(c.rx_tls_decrypted_packets).toBe(countOf(v, 'decrypted'));
      expect(c.rx_tls_pass_packets).toBe(countOf(v, 'pass') + countOf(v, 'old'));
      expect(c.rx_tls_old_packets).toBe(countOf(v, 'old'));
      expect(c.rx_tls_csum_err).toBe(countOf(v, 'csum_err'));
      expect(c.rx_plain_packets).toBe(countOf(v, 'plain'));
      expect(c.rx_not_tcp_packets).toBe(countOf(v, 'not_tcp'));
      const responses = run.inputs.filter((f) => f.user.kind === RxInKind.CONTROL && f.data[0] === 3).length;
      expect(c.rx_tls_resync_res_ok + c.rx_tls_resync_res_skip).toBe(responses);
      expect(c.rx_tls_resync_req_pkt).toBe(requestEvents(run).length);
      expectRequestBalance(run);
      expect(c.rx_tls_err).toBe(0);
      expect(c.rx_tls_ctx + c.rx_tls_install_fail).toBe(cfg.flows);
      expect(check.marked).toBeGreaterThan(0);
      resyncs += c.rx_tls_resync_res_ok;
    });
  }
  test('resynchronisations happened across these seeds', () => {
    expect(resyncs).toBeGreaterThan(10);
  });
});

describe('RX: determinism', () => {
  test('same seed → same input frames, outputs and counters', () => {
    const cfg: RxScenarioConfig = { ...DEFAULT_RX_SCENARIO, seed: 77, loss: 0.05, installLag: 0.5, resyncMode: 'mixed' };
    const a = runRxScenario(generateRxScenario(cfg), { nic: NIC, latency: 3 });
    const b = runRxScenario(generateRxScenario(cfg), { nic: NIC, latency: 3 });
    expect(a.inputs.length).toBe(b.inputs.length);
    expect(a.inputs.every((f, i) => f.user.kind === b.inputs[i].user.kind && f.user.ctxId === b.inputs[i].user.ctxId && bytesEqual(f.data, b.inputs[i].data))).toBe(true);
    expect(a.outputs.length).toBe(b.outputs.length);
    expect(a.outputs.every((f, i) => f.user.kind === b.outputs[i].user.kind && f.user.decrypted === b.outputs[i].user.decrypted && bytesEqual(f.data, b.outputs[i].data))).toBe(true);
    expect(a.nic.counters).toEqual(b.nic.counters);
    // Replaying the recorded input into a fresh engine reproduces the output (what the RTL bench does).
    const nic = createNicRx(NIC);
    const replay = a.inputs.flatMap((f) => nicRxStep(nic, f).out);
    expect(replay.length).toBe(a.outputs.length);
    expect(replay.every((f, i) => f.user.decrypted === a.outputs[i].user.decrypted && bytesEqual(f.data, a.outputs[i].data))).toBe(true);
  });
});
