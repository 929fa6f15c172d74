// Flow table v2 (models/flow-table.ts, issue 15): the keyed Toeplitz hash against the Microsoft
// RSS verification suite, the key expansion, determinism (pinned layout for the RTL to match),
// random insert/delete/lookup sequences against a plain Map, fill figures, and the keyed-hash
// property (tuples crafted to collide under one key spread under another). Every random case names
// its seed.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../models/bytes.ts';
import { tupleKey } from '../models/flow-hash.ts';
import {
  expandHashKey, fillUntilFailure, ftCheck, ftConfig, ftCreate, ftDelete, ftDeleteSlot, ftHashes, ftHashesOfKey, ftInsert, ftInstallCycles,
  ftLookup, ftMainSlots, ftSetCtx, ftStashUsed, ftWorstCaseInstallCycles, hashKeyFromSeed, randomServerTuple, randomServerTuples, toeplitzHash32,
  FT_WAYS, type FlowTableV2, type FtMove,
} from '../models/flow-table.ts';
import type { FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';

// Microsoft "Verifying the RSS Hash Calculation" (also the Intel 82599 datasheet's RSS
// verification suite): key, then (source, destination, source port, destination port,
// addresses-only hash, addresses-and-ports hash). Input = src addr ‖ dst addr ‖ src port ‖ dst port.
const MS_KEY = fromHex('6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa');
const V4: [string, string, number, number, number, number][] = [
  ['66.9.149.187', '161.142.100.80', 2794, 1766, 0x323e8fc2, 0x51ccc178],
  ['199.92.111.2', '65.69.140.83', 14230, 4739, 0xd718262a, 0xc626b0ea],
  ['24.19.198.95', '12.22.207.184', 12898, 38024, 0xd2d0a5de, 0x5c2b394a],
  ['38.27.205.30', '209.142.163.6', 48228, 2217, 0x82989176, 0xafc7327f],
  ['153.39.163.191', '202.188.127.2', 44251, 1303, 0x5d1809c5, 0x10e828a2],
];
const V6: [string, string, number, number, number, number][] = [
  ['3ffe:2501:200:1fff::7', '3ffe:2501:200:3::1', 2794, 1766, 0x2cc18cd5, 0x40207d3d],
  ['3ffe:501:8::260:97ff:fe40:efab', 'ff02::1', 14230, 4739, 0x0f0c461c, 0xdde51bbf],
  ['3ffe:1900:4545:3:200:f8ff:fe21:67cf', 'fe80::200:f8ff:fe21:67cf', 44251, 38024, 0x4b61e985, 0x02d1feef],
];

function v4(s: string): Uint8Array {
  return Uint8Array.from(s.split('.').map(Number));
}
function v6(s: string): Uint8Array {
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return fromHex(groups.map((g) => g.padStart(4, '0')).join(''));
}
function ports(sp: number, dp: number): Uint8Array {
  return Uint8Array.of(sp >>> 8, sp & 0xff, dp >>> 8, dp & 0xff);
}

describe('Toeplitz hash', () => {
  test('Microsoft RSS verification suite, IPv4 and IPv6, with and without ports', () => {
    for (const [vectors, parse] of [[V4, v4], [V6, v6]] as const) {
      for (const [src, dst, sp, dp, l3, l4] of vectors) {
        const addrs = Uint8Array.from([...parse(src), ...parse(dst)]);
        expect(toeplitzHash32(MS_KEY, addrs), `${src} → ${dst}`).toBe(l3);
        expect(toeplitzHash32(MS_KEY, Uint8Array.from([...addrs, ...ports(sp, dp)])), `${src}:${sp} → ${dst}:${dp}`).toBe(l4);
      }
    }
  });

  test('a key offset is the same hash with the key shifted left', () => {
    const data = createPrng(5).bytes(4);
    const shifted = new Uint8Array(MS_KEY.length - 1);
    for (let i = 0; i < shifted.length; i++) shifted[i] = (((MS_KEY[i] as number) << 3) | ((MS_KEY[i + 1] as number) >>> 5)) & 0xff;
    expect(toeplitzHash32(MS_KEY, data, 3)).toBe(toeplitzHash32(shifted, data));
    expect(() => toeplitzHash32(MS_KEY.subarray(0, 8), new Uint8Array(8))).toThrow(/shorter/);
  });

  test('key expansion: the secret, then the LFSR x^128 + x^7 + x^2 + x + 1; pinned window', () => {
    const secret = fromHex('000102030405060708090a0b0c0d0e0f');
    const w = expandHashKey(secret);
    expect(w.length).toBe(45);
    expect(toHex(w.subarray(0, 16))).toBe(toHex(secret));
    const bit = (n: number): number => ((w[n >>> 3] as number) >>> (7 - (n & 7))) & 1;
    for (let n = 128; n < 360; n++) expect(bit(n)).toBe(bit(n - 128) ^ bit(n - 127) ^ bit(n - 126) ^ bit(n - 121));
    expect(toHex(w)).toBe('000102030405060708090a0b0c0d0e0f00860f8b1e9811913cba33b722a42dad4095eb3e15c0bc69ea3f4194bf');
    expect(() => expandHashKey(new Uint8Array(16))).toThrow(/all-zero/);
    expect(() => expandHashKey(new Uint8Array(8).fill(1))).toThrow(/16 bytes/);
  });

  test('the table hash is the bitwise Toeplitz of the 37-byte key at window offsets 0 and 32; pinned h1/h2', () => {
    const secret = fromHex('000102030405060708090a0b0c0d0e0f');
    const t = ftCreate(ftConfig({ nCtx: 65_536, hashKey: secret }));
    const prng = createPrng(11);
    for (let i = 0; i < 300; i++) {
      const key = prng.bytes(37);
      const h = ftHashesOfKey(t, key);
      expect(h.hi).toBe(toeplitzHash32(t.window, key, 0));
      expect(h.lo).toBe(toeplitzHash32(t.window, key, 32));
    }
    // Vectors for the RTL: the first MS IPv4 and IPv6 tuples (remote = source) under this key.
    const tup4: FlowTuple = { ipVersion: 4, srcAddr: v4('66.9.149.187'), dstAddr: v4('161.142.100.80'), srcPort: 2794, dstPort: 1766 };
    const tup6: FlowTuple = { ipVersion: 6, srcAddr: v6('3ffe:2501:200:1fff::7'), dstAddr: v6('3ffe:2501:200:3::1'), srcPort: 2794, dstPort: 1766 };
    expect(ftHashes(t, tup4)).toEqual({ h1: 1141, h2: 16247, hi: 588907637, lo: 1321877367 });
    expect(ftHashes(t, tup6)).toEqual({ h1: 1125, h2: 9155, hi: 3865183333, lo: 1036870595 });
  });

  test('h1 in the first half of the buckets, h2 in the second (one RAM each), from hi and lo', () => {
    for (const nCtx of [8, 16, 64]) {
      const t = ftCreate(ftConfig({ nCtx, hashKey: hashKeyFromSeed(3) }));
      const prng = createPrng(nCtx);
      const half = t.config.buckets / 2;
      const seen1 = new Set<number>(), seen2 = new Set<number>();
      for (let i = 0; i < 2000; i++) {
        const h = ftHashes(t, randomServerTuple(prng));
        expect(h.h1).toBe(h.hi & (half - 1));
        expect(h.h2).toBe(half + (h.lo & (half - 1)));
        seen1.add(h.h1);
        seen2.add(h.h2);
      }
      // every bucket of each half is reached
      expect(seen1.size).toBe(half);
      expect(seen2.size).toBe(half);
    }
  });
});

function layout(t: FlowTableV2): string {
  return t.slots.map((e) => (e ? `${toHex(e.key)}:${e.ctxId}` : '-')).join(',');
}

describe('determinism', () => {
  test('same seed and key → same slots; another key → another layout; pinned digest', () => {
    const run = (key: Uint8Array): FlowTableV2 => {
      const t = ftCreate(ftConfig({ nCtx: 256, hashKey: key }));
      randomServerTuples(1, 256).forEach((x, i) => ftInsert(t, x, i));
      return t;
    };
    const secret = fromHex('000102030405060708090a0b0c0d0e0f');
    const a = run(secret), b = run(secret), c = run(hashKeyFromSeed(9));
    expect(layout(a)).toBe(layout(b));
    expect(layout(a)).not.toBe(layout(c));
    expect(a.count).toBe(255);   // 4 in the stash, the 256th install fails under this key
    // The RTL must produce exactly this layout (slot by slot) for these installs.
    expect(createHash('sha256').update(layout(a)).digest('hex')).toBe('84c10bf76578de482fa4a89760164337584ff90674df6ee904c73f38e1d2dc0d');
  });
});

describe('random insert / delete / lookup against a Map', () => {
  // The caller's view: tuple → ctx id (the Map) and ctx id → slot (the context table, kept from
  // the results' slots and moves). After every operation the table must agree with both.
  for (const [nCtx, seed, ops] of [[64, 21, 6000], [256, 22, 6000], [1024, 23, 8000], [16, 24, 3000]] as const) {
    test(`nCtx ${nCtx}, seed ${seed}, ${ops} operations`, () => {
      const prng = createPrng(seed);
      const t = ftCreate(ftConfig({ nCtx, hashKey: hashKeyFromSeed(seed) }));
      const worst = ftWorstCaseInstallCycles(t.config);
      const pool = randomServerTuples(seed, nCtx * 2);
      const ref = new Map<string, number>(); // key hex → ctx id
      const ctxSlot = new Map<number, number>();
      const tupleOf = new Map<number, FlowTuple>();
      let nextCtx = 0, fails = 0, displaced = 0, stashed = 0, movedBack = 0;
      const applyMoves = (moves: readonly FtMove[]): void => {
        for (const m of moves) { expect(ctxSlot.get(m.ctxId)).toBe(m.from); ctxSlot.set(m.ctxId, m.to); }
      };
      const verify = (): void => {
        expect(ftCheck(t)).toEqual([]);
        expect(t.count).toBe(ref.size);
        for (const [ctx, slot] of ctxSlot) {
          const tup = tupleOf.get(ctx) as FlowTuple;
          expect(ftLookup(t, tup)).toEqual({ slot, ctxId: ctx });
          expect(toHex(t.slots[slot]!.key)).toBe(toHex(tupleKey(tup)));
        }
        t.slots.forEach((e, slot) => {
          if (!e) return;
          expect(ref.get(toHex(e.key))).toBe(e.ctxId); // nothing deleted or stale
          expect(ctxSlot.get(e.ctxId)).toBe(slot);
        });
      };
      for (let i = 0; i < ops; i++) {
        const tup = prng.pick(pool);
        const k = toHex(tupleKey(tup));
        const r = prng.int(0, 99);
        if (r < 55) {
          const before = t.slots.slice();
          const ctx = nextCtx++;
          const res = ftInsert(t, tup, ctx);
          expect(res.cycles).toBe(ftInstallCycles(res));
          expect(res.cycles).toBeLessThanOrEqual(worst);
          if (ref.has(k)) {
            expect(res.status).toBe('present');
            if (res.status !== 'present') continue;
            expect(res.ctxId).toBe(ref.get(k));
            expect(ctxSlot.get(res.ctxId)).toBe(res.slot);
            // The caller's eviction: the old context goes, the new one takes its slot.
            ctxSlot.delete(res.ctxId);
            ftSetCtx(t, res.slot, ctx);
            ref.set(k, ctx);
            ctxSlot.set(ctx, res.slot);
            tupleOf.set(ctx, tup);
          } else if (res.status === 'full') {
            fails++;
            expect(t.slots.length).toBe(before.length);
            t.slots.forEach((e, s) => expect(e).toBe(before[s])); // unchanged
          } else {
            expect(res.status).toBe('ok');
            if (res.status !== 'ok') continue;
            if (res.via === 'displace') displaced++;
            if (res.via === 'stash') stashed++;
            applyMoves(res.moves);
            ref.set(k, ctx);
            ctxSlot.set(ctx, res.slot);
            tupleOf.set(ctx, tup);
          }
        } else if (r < 90) {
          const res = ftDelete(t, tup);
          if (!ref.has(k)) { expect(res).toBeNull(); continue; }
          expect(res).not.toBeNull();
          if (!res) continue;
          expect(res.ctxId).toBe(ref.get(k));
          ref.delete(k);
          ctxSlot.delete(res.ctxId);
          if (res.moved) { movedBack++; applyMoves([res.moved]); }
        } else {
          const hit = ftLookup(t, tup);
          if (ref.has(k)) expect(hit?.ctxId).toBe(ref.get(k));
          else expect(hit).toBeNull();
        }
        if (i % Math.max(50, nCtx / 4) === 0) verify();
      }
      verify();
      // The sequences reach the interesting paths (the pool is 2 × nCtx tuples, ~60 % inserts).
      expect(displaced).toBeGreaterThan(0);
      if (nCtx <= 256) { expect(stashed).toBeGreaterThan(0); expect(movedBack).toBeGreaterThan(0); expect(fails).toBeGreaterThan(0); }
    });
  }
});

describe('collisions, stash and failure', () => {
  // Tuples with the same {h1, h2} under hash key A, found by search (NB = 64: 1 in 2,048 tuples).
  const keyA = hashKeyFromSeed(100), keyB = hashKeyFromSeed(200);
  const nCtx = 256;
  const crafted = ((): FlowTuple[] => {
    const t = ftCreate(ftConfig({ nCtx, hashKey: keyA }));
    const prng = createPrng(77);
    const first = randomServerTuple(prng);
    const target = ftHashes(t, first);
    const out = [first];
    const seen = new Set([toHex(tupleKey(first))]);
    while (out.length < 16) {
      const x = randomServerTuple(prng);
      const h = ftHashes(t, x);
      const same = (h.h1 === target.h1 && h.h2 === target.h2) || (h.h1 === target.h2 && h.h2 === target.h1);
      if (same && !seen.has(toHex(tupleKey(x)))) { seen.add(toHex(tupleKey(x))); out.push(x); }
    }
    return out;
  })();

  test('under the key they were crafted for: 8 ways + 4 stash, then failure, table unchanged', () => {
    const t = ftCreate(ftConfig({ nCtx, hashKey: keyA }));
    crafted.forEach((x, i) => {
      const before = layout(t);
      const r = ftInsert(t, x, i);
      if (i < 8) expect(r).toMatchObject({ status: 'ok', via: 'bucket' });
      else if (i < 12) expect(r).toMatchObject({ status: 'ok', via: 'stash', slot: ftMainSlots(t) + i - 8 });
      else { expect(r.status).toBe('full'); expect(layout(t)).toBe(before); }
      // Both buckets full and every entry's other bucket is the other root: no read in the search.
      if (i >= 8) expect(r.status === 'present' ? 0 : r.bfsReads).toBe(0);
    });
    expect(ftStashUsed(t)).toBe(4);
    // Delete a main entry: the lowest stash entry that can use the freed way moves back into it.
    const slot = ftLookup(t, crafted[2] as FlowTuple)!.slot;
    const d = ftDeleteSlot(t, slot);
    expect(d).toEqual({ ctxId: 2, moved: { ctxId: 8, from: ftMainSlots(t), to: slot }, cycles: 2 });
    expect(ftStashUsed(t)).toBe(3);
    expect(ftLookup(t, crafted[8] as FlowTuple)).toEqual({ slot, ctxId: 8 });
    expect(ftCheck(t)).toEqual([]);
    // Now one of the failed ones fits (in the stash).
    expect(ftInsert(t, crafted[12] as FlowTuple, 12)).toMatchObject({ status: 'ok', via: 'stash' });
  });

  test('under another key the same tuples spread: all installed, none in the stash', () => {
    const t = ftCreate(ftConfig({ nCtx, hashKey: keyB }));
    crafted.forEach((x, i) => expect(ftInsert(t, x, i)).toMatchObject({ status: 'ok', via: 'bucket' }));
    const buckets = new Set(crafted.map((x) => ftHashes(t, x).h1));
    expect(buckets.size).toBeGreaterThanOrEqual(10);
    expect(ftStashUsed(t)).toBe(0);
  });
});

describe('fill', () => {
  // The first failed install comes at ≥ 95 % load (stash entries counted as load). At 64 slots
  // the 4-entry stash is 6 % of the table and no first failure comes before all 64 installs.
  for (const nCtx of [64, 256, 1024]) {
    test(`nCtx ${nCtx}: first failure at ≥ 95 % load, seeds 1..8`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const r = fillUntilFailure({ nCtx, seed });
        expect(r.loadAtFirstFailure, `seed ${seed}`).toBeGreaterThanOrEqual(0.95);
        expect(r.finalLoad).toBeGreaterThanOrEqual(r.loadAtFirstFailure);
        expect(r.maxInstallCycles).toBeLessThanOrEqual(ftWorstCaseInstallCycles(ftConfig({ nCtx, hashKey: hashKeyFromSeed(seed) })));
      }
    });
  }

  test('nCtx 64 without a stash: what 16 buckets × 4 ways reach alone', () => {
    const loads = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => fillUntilFailure({ nCtx: 64, seed, stash: 0 }).loadAtFirstFailure);
    expect(Math.min(...loads)).toBeGreaterThanOrEqual(0.9);
  });

  test('nCtx 65,536: first failure at ≥ 95 % load, final ≥ 97.5 %, seeds 1 and 2', () => {
    for (const seed of [1, 2]) {
      const r = fillUntilFailure({ nCtx: 65_536, seed });
      expect(r.loadAtFirstFailure, `seed ${seed}`).toBeGreaterThanOrEqual(0.95);
      expect(r.finalLoad).toBeGreaterThanOrEqual(0.975);
      expect(r.stashAtFirstFailure).toBe(4);
      expect(r.maxInstallCycles).toBeLessThanOrEqual(267);
      expect(r.meanInstallCyclesToFirstFailure).toBeLessThan(6);
    }
    expect(ftWorstCaseInstallCycles(ftConfig({ nCtx: 65_536, hashKey: hashKeyFromSeed(1) }))).toBe(267);
  });

  test('fill figures depend only on nCtx, seed and key', () => {
    const a = fillUntilFailure({ nCtx: 1024, seed: 7 });
    expect(fillUntilFailure({ nCtx: 1024, seed: 7, hashKey: hashKeyFromSeed(7) })).toEqual(a);
    expect(fillUntilFailure({ nCtx: 1024, seed: 7, hashKey: hashKeyFromSeed(8) })).not.toEqual(a);
  });

  test('FT_WAYS is 4', () => expect(FT_WAYS).toBe(4));
});
