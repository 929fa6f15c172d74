// The NIC RX golden model (models/nic-rx.ts) in a closed loop with the kernel model
// (models/kernel-rx.ts), checked by an oracle that shares none of the engine's decision logic
// (harness/rx/check.ts: whole-record decryption of the senders' records, byte-for-byte comparison
// of untouched packets, the kernel's recovered plaintext). Directed cases cover each class of the
// document (reorder of a non-header segment, loss of a header segment with stream-scan resync,
// false lock, host-driven resync, duplicates, corrupted tags, bad checksums, a full flow table for
// one bucket pair, deletes, the HASH_KEY frame);
// their builders live in harness/rx/directed.ts, which the RTL suite replays too. Seeded random
// scenarios cover the rest. Every random case names its seed.
import { describe, expect, test } from 'vitest';
import { checkRxRun } from '../harness/rx/check.ts';
import {
  badChecksums, confirmHalfHeader, controlErrors, corruptedTag, deleteMidStream, directedRunOptions, duplicates, falseLock, fullBucket, FULL_BUCKET_FLOWS,
  hostResync, impossibleLength, installReplace, lateHints, lossWhileLocked, lostHeader, oversizeFrames, reorderNonHeader, rxDirectedCases, type RxDirectedRun,
} from '../harness/rx/directed.ts';
import {
  DEFAULT_RX_SCENARIO,
  generateRxScenario,
  recordOffset,
  runRxScenario,
  type RxFlowSpec,
  type RxRun,
  type RxScenario,
  type RxScenarioConfig,
} from '../harness/rx/scenario.ts';
import { bytesEqual } from '../models/bytes.ts';
import { flowHash, tupleKey } from '../models/flow-hash.ts';
import { ftConfig, ftCreate, ftHashes, ftStashUsed, hashKeyFromSeed, FT_DEFAULT_HASH_KEY, FT_DEFAULT_STASH, FT_WAYS } from '../models/flow-table.ts';
import { nextHintOnEncrypted, type NextHintState } from '../models/kernel-rx.ts';
import { createNicRx, DEFAULT_RX_MAX_FRAME_BYTES, MAX_RECORD_LEN, nicRxStep, type NicRxConfig, type RxVerdict } from '../models/nic-rx.ts';
import { isParseError, parseTcpPacket, type FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import { seqDiff } from '../models/tcp-seq.ts';
import {
  decodeRxControl,
  decodeRxEvent,
  RX_HASH_KEY_LEN,
  RX_INSTALL_LEN,
  RxInKind,
  rxDeleteFrame,
  rxEventFrame,
  rxHashKeyFrame,
  rxInstallFrame,
  RxOpcode,
  RxOutKind,
  rxResyncFrame,
  type RxFrame,
} from '../models/rx-frames.ts';

const NIC: NicRxConfig = { nCtx: 65536, buckets: 256 };

/** Closed loop over NIC with the case's overrides (table size, frame limit, latency), then the oracle. */
function runChecked(sc: RxScenario, o: RxDirectedRun = { latency: 0 }) {
  const run = runRxScenario(sc, directedRunOptions(o, NIC));
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

describe('RX: HASH_KEY control frame (the flow table\'s hash key)', () => {
  const key = hashKeyFromSeed(4242);
  const t4: FlowTuple = { ipVersion: 4, srcAddr: Uint8Array.of(10, 1, 2, 3), dstAddr: Uint8Array.of(192, 168, 0, 9), srcPort: 443, dstPort: 51000 };
  const inst = (ctxId: number) => rxInstallFrame({ ctxId, tuple: t4, version: '1.3', key: new Uint8Array(16).fill(1), iv: new Uint8Array(12).fill(2), recordSeq: 0n, startTcpSn: 1000, scan: true });
  const withByte = (f: RxFrame, i: number, v: number): RxFrame => { const d = f.data.slice(); d[i] = v; return { user: f.user, data: d }; };

  test('layout: opcode 4, bytes 1..3 zero, the key in bytes 4..19, ctx id 0; errors: short, reserved bytes, all-zero key', () => {
    const f = rxHashKeyFrame(key);
    expect(f.user).toEqual({ kind: RxInKind.CONTROL, ctxId: 0 });
    expect(f.data.length).toBe(RX_HASH_KEY_LEN);
    expect(Array.from(f.data)).toEqual([RxOpcode.HASH_KEY, 0, 0, 0, ...key]);
    expect(RxOpcode.HASH_KEY).toBe(4);
    expect(decodeRxControl(f)).toEqual({ op: 'hash_key', key });
    expect(decodeRxControl({ user: f.user, data: Uint8Array.of(...f.data, 9, 9, 9) })).toEqual({ op: 'hash_key', key }); // longer: extra ignored
    expect(decodeRxControl({ user: f.user, data: f.data.subarray(0, 19) }).op).toBe('error');
    for (const i of [1, 2, 3]) expect(decodeRxControl(withByte(f, i, 0x80)).op, `reserved byte ${i}`).toBe('error');
    expect(decodeRxControl({ user: f.user, data: Uint8Array.of(4, 0, 0, 0, ...new Uint8Array(16)) }).op).toBe('error');
    expect(() => rxHashKeyFrame(new Uint8Array(15))).toThrow(/16 bytes/);
  });

  test('a fresh engine hashes with FT_DEFAULT_HASH_KEY (00 01 .. 0f); the frame replaces it: no output, no counter', () => {
    expect(Array.from(FT_DEFAULT_HASH_KEY)).toEqual([...Array(16).keys()]);
    const nic = createNicRx({ nCtx: 16, buckets: 4 });
    expect(nic.flowTable.hashKey).toEqual(FT_DEFAULT_HASH_KEY);
    const r = nicRxStep(nic, rxHashKeyFrame(key));
    expect(r).toMatchObject({ verdict: 'hash_key', out: [] });
    expect(nic.flowTable.hashKey).toEqual(key);
    expect(Object.values(nic.counters).every((v) => v === 0)).toBe(true);
  });

  test('rejected (rx_ctrl_err, no output, key unchanged): short, reserved bytes, zero key, ctx id ≥ N_CTX, and any context installed; accepted again once the table is empty', () => {
    const nic = createNicRx({ nCtx: 16, buckets: 4 });
    const f = rxHashKeyFrame(key);
    const bad: RxFrame[] = [
      { user: f.user, data: f.data.subarray(0, 19) }, withByte(f, 1, 1), withByte(f, 3, 0xff),
      { user: f.user, data: Uint8Array.of(4, 0, 0, 0, ...new Uint8Array(16)) }, rxHashKeyFrame(key, 16),
    ];
    for (const b of bad) expect(nicRxStep(nic, b)).toMatchObject({ verdict: 'control_error', out: [] });
    expect(nic.counters.rx_ctrl_err).toBe(bad.length);
    expect(nic.flowTable.hashKey).toEqual(FT_DEFAULT_HASH_KEY);
    // A context installed: a new key would move its entry, so the frame is refused.
    expect(nicRxStep(nic, inst(5)).verdict).toBe('installed');
    expect(nicRxStep(nic, f)).toMatchObject({ verdict: 'control_error', out: [] });
    expect(nic.counters.rx_ctrl_err).toBe(bad.length + 1);
    expect(nic.flowTable.hashKey).toEqual(FT_DEFAULT_HASH_KEY);
    expect(nic.flowTable.lookup(t4)).toMatchObject({ hit: 1, ctx: 5 });
    // Deleted: the table is empty, the key is taken (the table starts afresh under it).
    expect(nicRxStep(nic, rxDeleteFrame(5)).verdict).toBe('deleted');
    expect(nicRxStep(nic, f).verdict).toBe('hash_key');
    expect(nic.flowTable.hashKey).toEqual(key);
    expect(nic.flowTable.count).toBe(0);
    // The id is only range-checked (like every control frame's): 0 is what the driver sends.
    expect(nicRxStep(nic, rxHashKeyFrame(hashKeyFromSeed(1), 15)).verdict).toBe('hash_key');
    expect(nicRxStep(nic, inst(2)).verdict).toBe('installed');
    expect(nic.flowTable.lookup(t4)).toMatchObject({ hit: 1, ctx: 2 });
    expect(nic.counters.rx_ctrl_err).toBe(bad.length + 1);
  });

  test('every scenario run starts with the HASH_KEY frame of its seed\'s key', () => {
    const sc = generateRxScenario({ ...DEFAULT_RX_SCENARIO, seed: 91, flows: 2, bytesPerFlow: 3000 });
    const run = runRxScenario(sc, { nic: NIC, latency: 0 });
    expect(run.inputs[0]).toEqual(rxHashKeyFrame(hashKeyFromSeed(91)));
    expect(run.results[0].verdict).toBe('hash_key');
    expect(run.nic.flowTable.hashKey).toEqual(hashKeyFromSeed(91));
    expect(run.inputs.slice(1).some((f) => f.user.kind === RxInKind.CONTROL && f.data[0] === RxOpcode.HASH_KEY)).toBe(false);
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
      const { scenario: sc, run: o, facts: { f, s } } = reorderNonHeader(version);
      const r1 = recordOffset(f, 1);
      // Segment 1 carries no header; segment 2 holds the end of record 0 and the start of record 1.
      expect(s[1][0] > 100 && s[1][0] + s[1][1] <= r1).toBe(true);
      expect(s[2][0] < r1 && r1 < s[2][0] + s[2][1]).toBe(true);
      const { run, check } = runChecked(sc, o);
      expect(check.problems).toEqual([]);
      const v = packetVerdicts(run);
      expect(v).toEqual(['plain', 'decrypted', 'pass', ...new Array(s.length - 3).fill('decrypted'), 'old']);
      const c = run.nic.counters;
      expect([c.rx_tls_gap_packets, c.rx_tls_old_packets, c.rx_tls_sync_lost, c.rx_tls_resync_req_start, c.rx_tls_err]).toEqual([1, 1, 0, 0, 0]);
      // Records 0 and 1 are partly device-decrypted: the kernel re-encrypts and decrypts them in software.
      expect(run.conns[0].records.map((r) => r.path)).toEqual(['mixed', 'mixed', 'device']);
    });

    test(`lost header segment: wait, scan, request, confirm, resume (${version})`, () => {
      const { scenario: sc, run: o, facts: { f, s, lost } } = lostHeader(version);
      expect(lost).toBeGreaterThan(0);
      const { run, check } = runChecked(sc, o);
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
      // Same loss as above, with 17 03 03 00 64 planted in the ciphertext just past where the scan
      // starts, 50 bytes before a segment boundary, so the predicted header (105 bytes on) is
      // checked in the next packet.
      const { scenario: sc, run: o, facts: { f, rec, falseAt, scanFrom } } = falseLock(version);
      expect(recordOffset(f, rec)).toBeLessThan(scanFrom); // no true header between the scan start and the plant
      expect(bytesEqual(f.stream.subarray(falseAt, falseAt + 5), Uint8Array.of(0x17, 3, 3, 0, 100))).toBe(true);
      const { run, check } = runChecked(sc, o);
      expect(check.problems).toEqual([]);
      const c = run.nic.counters;
      expect(requestEvents(run)).toEqual([(f.isn + falseAt) >>> 0, f.records[rec + 1].tcpSeq]);
      expect([c.rx_tls_resync_req_start, c.rx_tls_resync_req_pkt, c.rx_tls_resync_req_skip, c.rx_tls_resync_req_end, c.rx_tls_resync_res_ok, c.rx_tls_resync_res_skip]).toEqual([2, 2, 1, 1, 1, 0]);
      expect(run.conns[0].stats.requestsSeen).toBe(2);
      expect(run.conns[0].stats.confirmsSent).toBe(1);
      expect(c.rx_tls_err).toBe(0);
      expectRequestBalance(run);
    });

    for (const held of [1, 2, 3, 4]) {
      test(`confirmation while the next header is half received (${held} bytes held): they start the record (${version})`, () => {
        // Layout as above, but the candidate (first header past the scan start) is a short record,
        // and one packet carries its header and ends `held` bytes into the next header. The host
        // confirms right after that packet, so the engine resumes with those header bytes already
        // seen, and the very next packet (the rest of that record) is decrypted and marked.
        const { scenario: sc, run: o, facts: { f, s, lost, cand, H, next } } = confirmHalfHeader(version, held);
        expect(s[lost][0] + MAX_RECORD_LEN).toBeLessThanOrEqual(H);
        expect(s.some(([a, n]) => a === H - 100 && a + n === next + held)).toBe(true);
        const { run, check } = runChecked(sc, o);
        expect(check.problems).toEqual([]);
        expect(requestEvents(run)).toEqual([f.records[cand].tcpSeq]);
        expect(run.nic.counters.rx_tls_resync_res_ok).toBe(1);
        const v = packetVerdicts(run);
        for (const p of flowPackets(sc, f)) {
          if (p.off < H - 100) continue;
          expect(v[p.idx], `packet at stream offset ${p.off}`).toBe(p.off >= next ? 'decrypted' : 'pass');
        }
        // Its first header bytes rode in an unmarked packet: mixed for the kernel; the next is the device's alone.
        expect(run.conns[0].records.slice(cand + 1, cand + 3).map((r) => r.path)).toEqual(['mixed', 'device']);
      });
    }

    test(`segments lost while locked: inside the candidate the lock holds, past the predicted header it drops (${version})`, () => {
      const { scenario: sc, run: o, facts: { f, s, lost, cand, H, next, inRecord, atHeader } } = lossWhileLocked(version);
      // The layout: the packet after the first extra loss starts before the predicted header.
      expect(s[inRecord + 1][0]).toBeLessThan(next);
      const { run, check } = runChecked(sc, o);
      expect(check.problems).toEqual([]);
      const c = run.nic.counters;
      // The first request is for the candidate. Its lock survives the first extra loss: sync is
      // lost twice in all (the header, then the predicted header), not three times, and the scan
      // after the second loss starts a whole record length past the packet after it, so the second
      // request lies beyond that (a lock dropped at the first extra loss would scan ~2 KB earlier
      // and request an earlier header). The kernel's late answer for the first is skipped.
      const reqs = requestEvents(run);
      expect(reqs).toHaveLength(2);
      expect(reqs[0]).toBe(f.records[cand].tcpSeq);
      expect(seqDiff(reqs[1]!, f.isn)).toBeGreaterThanOrEqual(s[atHeader + 1]![0] + MAX_RECORD_LEN);
      expect([c.rx_tls_gap_packets, c.rx_tls_sync_lost, c.rx_tls_resync_req_start, c.rx_tls_resync_req_skip, c.rx_tls_resync_res_skip, c.rx_tls_resync_res_ok]).toEqual([3, 2, 2, 1, 1, 1]);
      expect(c.rx_tls_err).toBe(0);
      // In the end the engine is back in sync: the last packets are decrypted.
      const v = packetVerdicts(run);
      const last = flowPackets(sc, f).at(-1)!;
      expect(v[last.idx]).toBe('decrypted');
      expectRequestBalance(run);
    });

    test(`host-driven resync after fully encrypted records (${version})`, () => {
      const { scenario: sc, run: o, facts: { f } } = hostResync(version);
      const { run, check } = runChecked(sc, o);
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
    const { scenario: sc, run: o } = lateHints();
    expect([o.latency, o.minLatency]).toEqual([40, 40]);
    const { run, check } = runChecked(sc, o);
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
    const { scenario: sc, run: o } = duplicates();
    const { run, check } = runChecked(sc, o);
    expect(check.problems).toEqual([]);
    const v = packetVerdicts(run);
    expect(v.slice(0, 10)).toEqual(['plain', 'decrypted', 'decrypted', 'decrypted', 'old', 'decrypted', 'pass', 'decrypted', 'old', 'old']);
    expect(v.slice(10).every((x) => x === 'decrypted')).toBe(true);
    const c = run.nic.counters;
    expect([c.rx_tls_old_packets, c.rx_tls_pass_packets, c.rx_tls_gap_packets, c.rx_tls_sync_lost]).toEqual([3, 4, 0, 0]);
  });

  test('a corrupted tag: that packet is never marked, rx_tls_err, the next record continues', () => {
    const { scenario: sc, run: o, facts: { f } } = corruptedTag();
    const { run, check } = runChecked(sc, o);
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
    const { scenario: sc, run: o, facts: { s } } = badChecksums();
    const { run, check } = runChecked(sc, o);
    expect(check.problems).toEqual([]);
    const v = packetVerdicts(run);
    expect(countOf(v, 'csum_err')).toBe(2);
    expect(countOf(v, 'decrypted')).toBe(s.length);
    expect(run.nic.counters.rx_tls_csum_err).toBe(2);
    expect(run.nic.counters.rx_tls_gap_packets).toBe(0);
    expect(run.conns[0].stats.droppedBadChecksum).toBe(2);
  });

  test('an impossible record length in sync: rx_tls_err, sync lost, packets untouched', () => {
    const { scenario: sc, run: o, facts: { f, r2 } } = impossibleLength();
    const run = runRxScenario(sc, directedRunOptions(o, NIC));
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

  // 1000 bytes: a limit set below the default; 9600: the default, as the RTL builds use.
  for (const limit of [1000, DEFAULT_RX_MAX_FRAME_BYTES]) {
    test(`oversize frames pass untouched and leave the context as it was (limit ${limit})`, () => {
      const { scenario: sc, run: o } = oversizeFrames(limit);
      expect(o.nic?.maxFrameBytes).toBe(limit);
      const { run, check } = runChecked(sc, o);
      expect(check.problems).toEqual([]);
      const v = packetVerdicts(run);
      expect(v.slice(0, 4)).toEqual(['plain', 'decrypted', 'oversize', 'pass']);
      expect(run.nic.counters.rx_oversize_packets).toBe(1);
      expect(run.nic.counters.rx_tls_sync_lost).toBe(0);
      expect(v[v.length - 1]).toBe('decrypted');
    });
  }

  // 4: the RTL builds' table; 8 and 64: larger ones. 13 tuples crafted to share {h1, h2}.
  for (const buckets of [4, 8, 64]) {
    test(`full table for one bucket pair (${buckets} buckets): 8 ways + 4 stash, the 13th install fails, the flow stays in software, all its packets untouched`, () => {
      const { scenario: sc, run: o, facts: { flows } } = fullBucket(buckets);
      const ok = 2 * FT_WAYS + FT_DEFAULT_STASH;
      expect(flows.length).toBe(ok + 1);
      expect(FULL_BUCKET_FLOWS).toBe(13);
      // The tuples share both candidate buckets under the key the run sets first.
      const t = ftCreate(ftConfig({ nCtx: buckets * FT_WAYS, hashKey: hashKeyFromSeed(sc.seed) }));
      expect(new Set(flows.map((f) => { const h = ftHashes(t, f.tuple); return `${h.h1},${h.h2}`; })).size).toBe(1);
      const { run, check } = runChecked(sc, o);
      expect(run.nic.config).toMatchObject({ buckets });
      expect(check.problems).toEqual([]);
      expect(run.results[0].verdict).toBe('hash_key');
      expect(run.nic.flowTable.hashKey).toEqual(hashKeyFromSeed(sc.seed));
      const results = run.outputs.filter((o) => o.user.kind === RxOutKind.EVENT).map((o) => decodeRxEvent(o));
      expect(results).toEqual(flows.map((f, i) => ({ code: 'install_result', ctxId: f.ctxId, status: i < ok ? 'ok' : 'bucket_full' })));
      const c = run.nic.counters;
      expect([c.rx_tls_ctx, c.rx_tls_install_fail]).toEqual([ok, 1]);
      expect(ftStashUsed(run.nic.flowTable.table)).toBe(FT_DEFAULT_STASH);
      const v = packetVerdicts(run);
      for (const [i, f] of flows.entries()) for (const p of flowPackets(sc, f)) expect(v[p.idx]).toBe(i < ok ? 'decrypted' : 'plain');
      expect(run.conns[ok].offload).toBe('off');
      expect(run.conns[ok].stats.records.software).toBe(2);
    });
  }

  test('delete: later packets of the connection pass untouched; the kernel finishes in software', () => {
    const { scenario: sc, run: o, facts: { s } } = deleteMidStream();
    const { run, check } = runChecked(sc, o);
    expect(check.problems).toEqual([]);
    expect(packetVerdicts(run)).toEqual(['plain', 'decrypted', 'decrypted', 'decrypted', 'decrypted', ...new Array(s.length - 4).fill('plain')]);
    expect(run.nic.counters.rx_tls_del).toBe(1);
    expect(run.nic.contexts.size).toBe(0);
    expect(run.nic.flowTable.count).toBe(0);
  });

  // N_CTX 64 / 16 buckets, and the RTL builds' 16 / 4 buckets.
  for (const cfg of [{ nCtx: 64, buckets: 16 }, { nCtx: 16, buckets: 4 }]) {
    test(`install replaces: same tuple under a new id evicts the old context; reused id drops its old tuple (N_CTX ${cfg.nCtx})`, () => {
      const { frames, nic: nicCfg, facts: x } = installReplace(cfg);
      const nic = createNicRx(nicCfg);
      const step = (f: RxFrame, i: number) => {
        expect(frames[i]).toBe(f); // the facts name the frames in order
        return nicRxStep(nic, f);
      };
      expect(step(x.hashKey, 0).verdict).toBe('hash_key');
      expect(step(x.install5t1, 1).verdict).toBe('installed');
      expect(step(x.install9t1, 2).verdict).toBe('installed');
      expect(nic.counters.rx_tls_ctx_evict).toBe(1);
      expect(step(x.packet1, 3).ctxId).toBe(9);
      expect(step(x.delete5, 4).verdict).toBe('control_error');
      expect(step(x.install9t2, 5).verdict).toBe('installed'); // id 9 reused for another tuple
      expect(nic.counters.rx_tls_ctx_evict).toBe(2);
      expect(step(x.packet1After, 6).verdict).toBe('plain');
      expect(step(x.packet2, 7).ctxId).toBe(9);
      // Rejected frames: id beyond N_CTX (answered bad_frame), reserved kind, resync for nobody.
      const r = step(x.installBeyond, 8);
      expect(r.verdict).toBe('control_error');
      expect(decodeRxEvent(r.out[0])).toEqual({ code: 'install_result', ctxId: cfg.nCtx, status: 'bad_frame' });
      expect(step(x.reserved, 9).out).toEqual([]);
      expect(step(x.resyncNobody, 10).verdict).toBe('resync_skip');
      expect(frames.length).toBe(11);
      expect([nic.counters.rx_ctrl_err, nic.counters.rx_frame_err, nic.counters.rx_tls_resync_res_skip]).toEqual([2, 1, 1]);
      // One table entry: tuple 2 under id 9.
      expect(nic.flowTable.count).toBe(1);
    });
  }

  test('malformed control frames are rejected and change nothing; a good install and resync after them work; a new hash key is refused while a context is installed', () => {
    const cfg = { nCtx: 16, buckets: 4 };
    const { frames, facts } = controlErrors(cfg);
    const nic = createNicRx(cfg);
    const r = frames.map((f) => nicRxStep(nic, f));
    expect(r.map((x) => x.verdict)).toEqual(['hash_key', ...new Array(facts.rejected).fill('control_error'), 'installed', 'control_error', 'resync_ok']);
    // HASH_KEY frames (the first, the 4 rejected ones before the install, the refused one after it) never answer.
    for (const i of [0, facts.rejected - 3, facts.rejected - 2, facts.rejected - 1, facts.rejected, facts.rejected + 2]) {
      expect(frames[i].data[0], `frame ${i}`).toBe(RxOpcode.HASH_KEY);
      expect(r[i].out, `frame ${i}`).toEqual([]);
    }
    expect(nic.counters.rx_ctrl_err).toBe(facts.rejected + 1);
    expect(nic.counters.rx_tls_ctx).toBe(1);
    expect(nic.flowTable.hashKey).toEqual(hashKeyFromSeed(34));
  });
});

describe('RX: the directed catalogue the RTL suite replays (harness/rx/directed.ts)', () => {
  // Sized as test/rtl-rx-engine.test.ts builds the RTL: 16 ids, 4 buckets (× 4 ways + 4 stash), 9600-byte frames.
  const target = { nCtx: 16, buckets: 4, maxFrameBytes: DEFAULT_RX_MAX_FRAME_BYTES };
  const cases = rxDirectedCases(target);

  test('every class is there once, named uniquely', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBe(2 * (3 + 4 + 1 + 1) + 10);
  });

  for (const c of cases) {
    if (c.kind !== 'scenario') continue;
    test(`${c.name}: clean under the oracle at the RTL's table size`, () => {
      const nic = { ...NIC, buckets: target.buckets };
      const { run, check } = runChecked(c.scenario, { ...c.run, nic: { ...nic, ...c.run.nic } });
      expect(run.nic.config).toMatchObject({ buckets: 4 });
      expect(run.nic.config.maxFrameBytes ?? DEFAULT_RX_MAX_FRAME_BYTES).toBe(DEFAULT_RX_MAX_FRAME_BYTES);
      // The impossible length is the one case where the kernel rightly stops with an error.
      if (c.name.startsWith('impossible')) {
        expect(check.problems.length).toBeGreaterThan(0);
        expect(check.problems.every((p) => /impossible length/.test(p))).toBe(true);
      }
      else expect(check.problems).toEqual([]);
      expect(run.nic.counters.rx_tls_ctx).toBeGreaterThan(0);
    });
  }
});

describe('RX: seeded random scenarios with loss, reordering, duplicates, corruption', () => {
  const cases: [number, Partial<RxScenarioConfig>, Partial<NicRxConfig>, number][] = [
    [101, { resyncMode: 'device' }, {}, 2],
    [102, { resyncMode: 'host' }, {}, 3],
    [103, { resyncMode: 'mixed', mss: 9000 }, { buckets: 4 }, 1],
    [104, { resyncMode: 'mixed', mss: 300, bytesPerFlow: 60_000 }, { buckets: 4 }, 4],
    [105, { resyncMode: 'device', versions: ['1.2'] }, {}, 0],
    [106, { resyncMode: 'device', versions: ['1.3'], loss: 0.08 }, {}, 5],
  ];
  let resyncs = 0;
  for (const [seed, extra, nic, latency] of cases) {
    test(`seed ${seed}: oracle, kernel plaintext, counter identities`, () => {
      const cfg: RxScenarioConfig = { ...DEFAULT_RX_SCENARIO, seed, flows: 6, bytesPerFlow: 100_000, loss: 0.04, spurious: 0.02, badChecksum: 0.01, installLag: 0.3, ...extra };
      const sc = generateRxScenario(cfg);
      const { run, check } = runChecked(sc, { nic, latency });
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
