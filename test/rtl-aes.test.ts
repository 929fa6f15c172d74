// Proof for rtl/tlsnic_aes_pipe.sv through Verilator (bench tb/tb_aes.cpp): FIPS-197 known
// answers, then ≥ 10,000 random blocks per key size against the golden model (models/gcm.ts),
// with a fresh random key and key size on every beat, random input gaps and output stalls; and
// the latency / throughput contract (one beat per cycle, 14 cycles, no bubble on key changes).
//
// Seed: TLSNIC_SEED (decimal or 0x hex) overrides the default; failures name seed and beat.
import { createCipheriv } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../models/bytes.ts';
import { aesEncryptBlock, gcmKeySchedule } from '../models/gcm.ts';
import { createPrng } from '../models/prng.ts';
import { AES_SOURCES, buildAesSim, type Lanes } from '../harness/gcm/sims.ts';
import { hexToLanes, lanesToHex } from '../harness/gcm/lane-hex.ts';
import { runSim, type SimResult } from '../harness/engine/sim-process.ts';
import { verilatorLint, yosysSynth } from '../harness/engine/rtl-checks.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0xae5);
const AES_LATENCY = 14;
// LANES=2 builds cost another minute each; it is covered by the GHASH suite and bench/gcm-bench.ts.
const LANE_CONFIGS: Lanes[] = [1, 4];

interface AesBeat {
  key: Uint8Array; // 16 or 32 bytes
  blocks: Uint8Array[];
}

function beatRecord(b: AesBeat, lanes: number): string {
  const key = new Uint8Array(32);
  key.set(b.key); // AES-128 key occupies the first 16 bytes (bits [255:128])
  return `${b.key.length === 32 ? 1 : 0} ${toHex(key)} ${lanesToHex(b.blocks, lanes)}`;
}

/** Random beats, a fresh key every beat, until each key size has `perSize` blocks. */
function randomBeats(seed: number, lanes: number, perSize: number): AesBeat[] {
  const rng = createPrng(seed);
  const beats: AesBeat[] = [];
  const count = { 16: 0, 32: 0 };
  while (count[16] < perSize || count[32] < perSize) {
    const size = rng.chance(0.5) ? 16 : 32;
    beats.push({ key: rng.bytes(size), blocks: Array.from({ length: lanes }, () => rng.bytes(16)) });
    count[size] += lanes;
  }
  return beats;
}

/** Checks every output beat against the model; returns per-beat latencies. */
function checkAgainstModel(label: string, beats: readonly AesBeat[], res: SimResult, lanes: number): number[] {
  expect(res.lines.length, `${label}: output beats`).toBe(beats.length);
  const latencies: number[] = [];
  res.lines.forEach((f, i) => {
    const [tag, idx, inCycle, outCycle, hex] = f;
    expect(tag).toBe('o');
    expect(Number(idx), `${label}: beat order at output ${i}`).toBe(i);
    const beat = beats[i] as AesBeat;
    const ks = gcmKeySchedule(beat.key);
    const got = hexToLanes(hex as string, lanes);
    for (let l = 0; l < lanes; l++) {
      const want = toHex(aesEncryptBlock(ks, beat.blocks[l] as Uint8Array));
      if (toHex(got[l] as Uint8Array) !== want) {
        expect.fail(`${label} seed=${SEED}: beat ${i} lane ${l} AES-${beat.key.length * 8} key=${toHex(beat.key)}: got ${toHex(got[l] as Uint8Array)}, want ${want}`);
      }
    }
    latencies.push(Number(outCycle) - Number(inCycle));
  });
  return latencies;
}

describe('tlsnic_aes_pipe (Verilator)', () => {
  const bins = new Map<Lanes, string>();
  beforeAll(async () => {
    // Sequential builds: the machine has 2 shared cores and each build uses both.
    for (const l of LANE_CONFIGS) bins.set(l, await buildAesSim(l));
  });

  // FIPS-197 Appendix C.1 (AES-128) and C.3 (AES-256).
  const FIPS = [
    { key: '000102030405060708090a0b0c0d0e0f', ct: '69c4e0d86a7b0430d8cdb78070b4c55a' },
    { key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', ct: '8ea2b7ca516745bfeafc49904b496089' },
  ];
  const FIPS_PT = '00112233445566778899aabbccddeeff';

  it('embedded FIPS-197 vectors agree with node:crypto', () => {
    for (const v of FIPS) {
      const c = createCipheriv(v.key.length === 32 ? 'aes-128-ecb' : 'aes-256-ecb', Buffer.from(v.key, 'hex'), null);
      c.setAutoPadding(false);
      expect(c.update(Buffer.from(FIPS_PT, 'hex')).toString('hex')).toBe(v.ct);
    }
  });

  for (const lanes of LANE_CONFIGS) {
    it(`LANES=${lanes}: FIPS-197 C.1/C.3 on every lane, alternating key sizes`, async () => {
      const beats: AesBeat[] = [];
      for (let i = 0; i < 6; i++) {
        const v = FIPS[i % 2] as (typeof FIPS)[number];
        beats.push({ key: fromHex(v.key), blocks: Array.from({ length: lanes }, () => fromHex(FIPS_PT)) });
      }
      const res = await runSim(bins.get(lanes) as string, {
        stalls: { seed: SEED, gapPermille: 0, stallPermille: 0 },
        records: beats.map((b) => beatRecord(b, lanes)),
      });
      res.lines.forEach((f, i) => {
        const want = (FIPS[i % 2] as (typeof FIPS)[number]).ct;
        for (const got of hexToLanes(f[4] as string, lanes)) expect(toHex(got), `beat ${i}`).toBe(want);
      });
      expect(res.lines.length).toBe(beats.length);
    });

    it(`LANES=${lanes}: random blocks, key and key size change every beat, no stalls: 1 beat/cycle, latency ${AES_LATENCY}`, async () => {
      const seed = SEED + lanes;
      const beats = randomBeats(seed, lanes, 10_000);
      const res = await runSim(bins.get(lanes) as string, {
        stalls: { seed, gapPermille: 0, stallPermille: 0 },
        records: beats.map((b) => beatRecord(b, lanes)),
      });
      const lat = checkAgainstModel(`LANES=${lanes} nostall`, beats, res, lanes);
      expect(new Set(lat)).toEqual(new Set([AES_LATENCY]));
      // Back-to-back: the last beat enters at cycle n-1 and leaves AES_LATENCY later.
      expect(res.cycles).toBe(beats.length + AES_LATENCY);
    });

    it(`LANES=${lanes}: random blocks with random input gaps and output stalls`, async () => {
      const seed = SEED + 100 + lanes;
      const beats = randomBeats(seed, lanes, 10_000);
      const res = await runSim(bins.get(lanes) as string, {
        stalls: { seed, gapPermille: 250, stallPermille: 300 },
        records: beats.map((b) => beatRecord(b, lanes)),
      });
      const lat = checkAgainstModel(`LANES=${lanes} stalls`, beats, res, lanes);
      expect(lat.reduce((m, x) => Math.min(m, x), Infinity)).toBe(AES_LATENCY);
      expect(lat.reduce((m, x) => Math.max(m, x), 0)).toBeGreaterThan(AES_LATENCY); // stalls did hold beats
    });
  }

  // 4 lanes are linted through tlsnic_gcm_datapath in test/rtl-gcm.test.ts (and by `make lint`).
  it('verilator --lint-only -Wall is clean at LANES = 1', async () => {
    for (const lanes of [1]) {
      const r = await verilatorLint({ top: 'tlsnic_aes_pipe', sources: AES_SOURCES, params: { LANES: lanes } });
      expect(r.output, `LANES=${lanes}`).toBe('');
    }
  });

  it('Yosys synthesizes tlsnic_aes_pipe (LANES=1) with check -assert and no latches', async () => {
    const r = await yosysSynth({ top: 'tlsnic_aes_pipe', sources: AES_SOURCES, params: { LANES: 1 } });
    expect(r.ok, r.logTail).toBe(true);
    expect(r.latches).toEqual([]);
    expect(r.cells['$_DFFE_PP_'] ?? 0).toBeGreaterThan(14 * 128); // the pipeline registers exist
  });
});
