// `tlsnic soak` (harness/soak/): the chunked long-stream soak. The long runs are opt-in (README,
// "Long connections"); here: that a short soak passes through the model and the RTL, is
// deterministic, shards and merges, and that its streaming oracle catches a plaintext leak, a
// wrong ciphertext byte and a record never sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../harness/cli/cli.ts';
import { createSoakFlow, flowStep, reinstall, type SoakTraffic } from '../harness/soak/generator.ts';
import { SoakOracle } from '../harness/soak/oracle.ts';
import { mergeSoak, soakCommand, SOAK_DEFAULTS, type SoakOptions, type SoakSummary } from '../harness/soak/run.ts';
import { runTxModel } from '../harness/tx/compare.ts';
import type { TxFrame } from '../models/tx-frames.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x50a4);
const dir = mkdtempSync(join(tmpdir(), 'tlsnic-soak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (d: string): SoakSummary => JSON.parse(readFileSync(join(d, 'soak.json'), 'utf8')) as SoakSummary;
const opts = (o: Partial<SoakOptions>): SoakOptions => ({ ...SOAK_DEFAULTS, seed: SEED, engine: 'model', gibPerFlow: 0.003, flows: 3, loss: 0.05, reorder: 0.05, resetEvery: 1500, ...o });

describe('tlsnic soak', () => {
  test(`model soak with loss, reordering and engine resets passes; deterministic (seed ${SEED})`, async () => {
    expect(await soakCommand(opts({ out: join(dir, 'a') }))).toBe(0);
    expect(await soakCommand(opts({ out: join(dir, 'b') }))).toBe(0);
    const a = read(join(dir, 'a'));
    const b = read(join(dir, 'b'));
    expect(a.result).toBe('PASS');
    expect(a.leaks + a.mismatches + a.oracleProblems).toBe(0);
    expect(a.bytes).toBeGreaterThanOrEqual(3 * 0.003 * 2 ** 30);
    expect(a.records).toBeGreaterThan(500);
    expect(a.chunks).toBeGreaterThan(3);
    expect(a.uncheckedBytes).toBe(0);
    expect(a.counters.tx_tls_resync_bad).toBe(0);
    expect(a.counters.tx_tls_encrypted_packets).toBe(a.packets);
    expect({ ...b, seconds: 0, options: null }).toEqual({ ...a, seconds: 0, options: null });
  });

  test('shards cover the connections once; merged summaries add up', async () => {
    expect(await soakCommand(opts({ flows: 4, out: join(dir, 's0'), shard: { index: 0, count: 2 } }))).toBe(0);
    expect(await soakCommand(opts({ flows: 4, out: join(dir, 's1'), shard: { index: 1, count: 2 } }))).toBe(0);
    expect(await soakCommand(opts({ flows: 4, out: join(dir, 'all') }))).toBe(0);
    expect(mergeSoak([join(dir, 's0', 'soak.json'), join(dir, 's1', 'soak.json')], join(dir, 'm'))).toBe(0);
    const m = read(join(dir, 'm'));
    const all = read(join(dir, 'all'));
    expect(m.shards).toEqual(['0/2', '1/2']);
    expect(m.flows).toBe(4);
    // Each connection's bytes depend only on the seed and its index, not on the sharding.
    expect(m.bytes).toBe(all.bytes);
    expect(m.records).toBe(all.records);
    expect(m.result).toBe('PASS');
  });

  test('RTL soak (W=128) equals the model chunk for chunk, with back-pressure', async () => {
    expect(await soakCommand(opts({ engine: 'rtl', width: 128, flows: 2, gibPerFlow: 0.0015, stallPermille: 100, out: join(dir, 'rtl') }))).toBe(0);
    const r = read(join(dir, 'rtl'));
    expect(r.cycles).toBeGreaterThan(0);
    expect(r.mismatches + r.leaks + r.oracleProblems).toBe(0);
  }, 600_000);

  test('the streaming oracle catches a plaintext leak, a wrong byte and a record never sent', () => {
    const t: SoakTraffic = { seed: SEED, bytesPerFlow: 200_000, mss: 1460, recordSizes: [1000, 16384], loss: 0, reorder: 0 };
    const f = createSoakFlow(t, 0, 0);
    const frames: TxFrame[] = [...reinstall(f)];
    const oracles = [new SoakOracle(), new SoakOracle(), new SoakOracle()];
    for (const o of oracles) o.addFlow(f);
    for (let i = 0; i < 60; i++) frames.push(...flowStep(f, t, (r) => oracles.forEach((o) => o.addRecord(r))).frames);
    const model = runTxModel(frames, { nCtx: 16 });
    const enc = model.outputs.findIndex((o) => o.verdict === 'encrypted' && o.data.length > 600);
    expect(enc).toBeGreaterThanOrEqual(0);
    model.outputs.forEach((o, i) => oracles[0].packet(i === enc ? frames[o.frameIndex].data : o.data, `packet ${i}`));
    expect(oracles[0].totals.leaks).toBe(1);
    model.outputs.forEach((o, i) => {
      const d = o.data.slice();
      if (i === enc) d[d.length - 1] ^= 1; // breaks the TCP checksum and the record's tag or body
      oracles[1].packet(d, `packet ${i}`);
    });
    expect(oracles[1].totals.problems).toBeGreaterThan(0);
    model.outputs.forEach((o, i) => { if (i !== enc) oracles[2].packet(o.data, `packet ${i}`); });
    oracles[2].finish();
    expect(oracles[2].problems.some((p) => p.includes('never fully sent'))).toBe(true);
  });

  test('bad options: a clear message and exit 2', async () => {
    expect(await main(['soak', '--shard', '3/2'])).toBe(2);
    expect(await main(['soak', '--gib-per-flow', '0'])).toBe(2);
    expect(await main(['soak', '--merge'])).toBe(2);
    expect(await main(['soak', '--merge', join(dir, 'nope.json')])).toBe(2);
  });
});
