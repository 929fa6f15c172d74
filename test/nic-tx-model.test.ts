// The NIC TX golden model (models/nic-tx.ts + the driver model) against an oracle that shares none
// of its code path (harness/tx/check.ts: reassembled streams, whole-record decryption), plus the
// counter arithmetic of every outcome class.
import { describe, expect, test } from 'vitest';
import { checkTxStreams } from '../harness/tx/check.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenarioConfig } from '../harness/tx/scenario.ts';
import { bytesEqual } from '../models/bytes.ts';
import { createNicTx, nicTxStep, type TxVerdict } from '../models/nic-tx.ts';
import { buildTcpPacket, TcpFlag } from '../models/packet.ts';
import { frameRecords } from '../models/framer.ts';
import { FrameKind, installFrame, packetFrame, resyncFrame } from '../models/tx-frames.ts';
import { protectRecord } from '../models/tls-record.ts';
import { concatBytes } from '../models/bytes.ts';
import { driverTxCanOffload } from '../models/driver-tx.ts';
import { createVictim, MALFORMED } from '../harness/bad-input/catalogue.ts';

function runModel(cfg: TxScenarioConfig) {
  const sc = generateTxScenario(cfg);
  const nic = createNicTx({ nCtx: cfg.nCtx });
  const verdicts = new Map<TxVerdict, number>();
  const sent: Uint8Array[] = [];
  for (const f of sc.frames) {
    const r = nicTxStep(nic, f);
    verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
    if (r.out) sent.push(r.out);
  }
  return { sc, nic, sent, verdicts };
}

describe('NIC TX model on seeded scenarios', () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`seed ${seed}: every record decrypts, retransmissions equal first transmissions`, () => {
      const cfg = { ...DEFAULT_TX_SCENARIO, seed, loss: 0.05, bytesPerFlow: 30_000 };
      const { sc, nic, sent, verdicts } = runModel(cfg);
      const check = checkTxStreams(sc, sent);
      expect(check.problems, `seed ${seed}`).toEqual([]);
      expect(check.recordsVerified).toBe(sc.flows.reduce((n, f) => n + f.records.length, 0));
      const c = nic.counters;
      expect(c.tx_tls_ctx).toBe(cfg.flows);
      expect(c.tx_tls_encrypted_packets).toBe(verdicts.get('encrypted') ?? 0);
      expect(c.tx_tls_ooo).toBeGreaterThan(0); // 5% loss over 8 flows always retransmits something
      expect(c.tx_tls_resync_bytes).toBeGreaterThan(0);
      expect(c.tx_tls_ooo).toBe((verdicts.get('resync') ?? 0) + c.tx_tls_skip_no_sync_data + c.tx_tls_drop_no_sync_data + c.tx_tls_drop_bypass_req);
      expect(c.tx_tls_drop_bad_record + c.tx_tls_drop_malformed + c.tx_tls_drop_no_ctx + c.tx_tls_resync_bad).toBe(0);
    });
  }

  test('same seed, same frames and output', () => {
    const a = runModel({ ...DEFAULT_TX_SCENARIO, seed: 99 });
    const b = runModel({ ...DEFAULT_TX_SCENARIO, seed: 99 });
    expect(a.sc.frames.length).toBe(b.sc.frames.length);
    expect(a.sent.every((p, i) => bytesEqual(p, b.sent[i]))).toBe(true);
    expect(a.nic.counters).toEqual(b.nic.counters);
  });

  test('faults: each malformed class counted, no connection disturbed', () => {
    const cfg = { ...DEFAULT_TX_SCENARIO, seed: 7, faults: true };
    const { sc, nic, sent } = runModel(cfg);
    const check = checkTxStreams(sc, sent);
    expect(check.problems).toEqual([]);
    const c = nic.counters;
    const n = cfg.flows;
    expect(c.tx_frame_err).toBe(n);
    expect(c.tx_tls_drop_malformed).toBe(n);
    expect(c.tx_tls_drop_no_ctx).toBe(2 * n); // unused slot + beyond the table
    expect(c.tx_tls_ctrl_err).toBe(3 * n); // unknown opcode, short install, delete of empty slot
    expect(c.tx_tls_resync_bad).toBe(3 * n); // short frame, impossible header, missing context
  });
});

describe('NIC TX model: directed cases', () => {
  const key = new Uint8Array(16).fill(7);
  const iv = new Uint8Array(12).fill(9);
  const crypto = { version: '1.3' as const, key, iv };
  const start = 1000;
  const recs = frameRecords({ version: '1.3', maxPlaintext: 100 }, new Uint8Array(250).fill(0x41), { recordSeq: 0n, tcpSeq: start });
  const stream = concatBytes(new Uint8Array(40).fill(0x68), ...recs.map((r) => r.bytes));
  const wire = concatBytes(new Uint8Array(40).fill(0x68), ...recs.map((r) => protectRecord(crypto, r.recordSeq, r.bytes)));
  const seg = (off: number, len: number) =>
    buildTcpPacket({
      eth: { dst: new Uint8Array(6).fill(2), src: new Uint8Array(6).fill(4) },
      ip: { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: 1, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
      tcp: { srcPort: 5000, dstPort: 443, seq: start - 40 + off, ack: 1, flags: TcpFlag.ACK, window: 100, urgent: 0, options: new Uint8Array(0) },
      payload: stream.subarray(off, off + len),
    });
  const payloadOf = (frame: Uint8Array, len: number) => frame.subarray(frame.length - len);
  const fresh = () => {
    const nic = createNicTx({ nCtx: 4 });
    nicTxStep(nic, installFrame({ ctxId: 2, ...crypto, recordSeq: 0n, startOffloadTcpSn: start }));
    return nic;
  };

  test('packet straddling start_offload_tcp_sn: bytes before it untouched, after it encrypted', () => {
    const nic = fresh();
    const r = nicTxStep(nic, packetFrame(seg(10, 100), true, 2));
    expect(r.verdict).toBe('encrypted');
    expect(bytesEqual(payloadOf(r.out!, 100), wire.subarray(10, 110))).toBe(true);
    expect(nic.counters.tx_tls_encrypted_bytes).toBe(70);
  });

  test('data entirely before start: sent unencrypted, counted skip', () => {
    const nic = fresh();
    const r = nicTxStep(nic, packetFrame(seg(0, 40), true, 2));
    expect(r.verdict).toBe('skip');
    expect(nic.counters.tx_tls_skip_no_sync_data).toBe(1);
  });

  test('mismatch without load drops; with a load encrypts; contradictory load leaves state', () => {
    const nic = fresh();
    expect(nicTxStep(nic, packetFrame(seg(40, 60), true, 2)).verdict).toBe('encrypted');
    // Skip ahead to the middle of record 1: no load → dropped.
    expect(nicTxStep(nic, packetFrame(seg(200, 30), true, 2)).verdict).toBe('drop_no_sync');
    expect(nic.counters.tx_tls_drop_no_sync_data).toBe(1);
    const rec1 = recs[1];
    const prefixLen = 200 - 40 - recs[0].bytes.length;
    const bad = resyncFrame({ ctxId: 2, recordStartTcpSn: rec1.tcpSeq, recordSeq: 1n, explicitNonce: new Uint8Array(8), prefix: rec1.bytes.subarray(0, prefixLen) });
    expect(nicTxStep(nic, { user: bad.user, data: bad.data.subarray(0, bad.data.length - 2) }).verdict).toBe('resync_bad');
    expect(nicTxStep(nic, bad).verdict).toBe('resync');
    const r = nicTxStep(nic, packetFrame(seg(200, 30), true, 2));
    expect(r.verdict).toBe('encrypted');
    expect(bytesEqual(payloadOf(r.out!, 30), wire.subarray(200, 230))).toBe(true);
    expect(nic.counters.tx_tls_resync_bytes).toBe(prefixLen);
  });

  test('impossible record length from the host: dropped, out of sync until a load', () => {
    const nic = fresh();
    const evil = new Uint8Array(seg(40, 60));
    const p0 = evil.length - 60;
    evil[p0 + 3] = 0xff; // record length 0xff.. > 2^14 + 256
    expect(nicTxStep(nic, packetFrame(evil, true, 2)).verdict).toBe('drop_bad_record');
    expect(nicTxStep(nic, packetFrame(seg(40, 60), true, 2)).verdict).toBe('drop_no_sync');
    expect(nicTxStep(nic, resyncFrame({ ctxId: 2, recordStartTcpSn: start, recordSeq: 0n, explicitNonce: new Uint8Array(8), prefix: new Uint8Array(0) })).verdict).toBe('resync');
    const r = nicTxStep(nic, packetFrame(seg(40, 60), true, 2));
    expect(bytesEqual(payloadOf(r.out!, 60), wire.subarray(40, 100))).toBe(true);
  });

  test('reserved frame kind and unknown context are counted, not forwarded', () => {
    const nic = fresh();
    expect(nicTxStep(nic, { user: { kind: FrameKind.RESERVED, offload: false, ctxId: 0 }, data: new Uint8Array(8) }).out).toBeNull();
    expect(nicTxStep(nic, packetFrame(seg(40, 60), true, 3)).verdict).toBe('drop_no_ctx');
    expect(nicTxStep(nic, packetFrame(seg(40, 60), false)).verdict).toBe('pass');
  });
});

describe('driver: connections the engine cannot parse stay in software', () => {
  test('tls_dev_add refuses every header shape the parser rejects (IPv6 extension headers, QinQ, fragments, …) and accepts the good copy', () => {
    let refused = 0;
    for (const m of MALFORMED) {
      const v = createVictim({ ctxId: 0, version: '1.3', ipVersion: m.ipVersion, pieces: [{ size: 200 }] });
      const good = v.frame('tx', 100, 10);
      expect(driverTxCanOffload(good), m.id).toBe(true);
      expect(driverTxCanOffload(m.make(good)), m.id).toBe(false);
      refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(20);
    expect(MALFORMED.some((m) => m.id.startsWith('qinq'))).toBe(true);
    expect(MALFORMED.some((m) => m.id.startsWith('ipv6-hop'))).toBe(true);
  });
});
