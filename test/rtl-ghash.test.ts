// Proof for rtl/tlsnic_ghash_powers.sv + rtl/tlsnic_ghash.sv through Verilator (tb/tb_ghash_top.sv,
// tb/tb_ghash.cpp): interleaved GHASH streams of several connections (each its own H), 0..LANES
// blocks per beat, the chain/forwarding path for back-to-back beats of one stream, ≥ 10,000
// messages per configuration, random input gaps and output stalls; every beat's accumulator is
// compared with the golden model (models/ghash.ts ghashMul, block by block).
//
// Seed: TLSNIC_SEED (decimal or 0x hex) overrides the default; failures name seed and beat.
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, xorBytes } from '../models/bytes.ts';
import { ghashMul } from '../models/ghash.ts';
import { createPrng } from '../models/prng.ts';
import { buildGf128Sim, buildGhashSim, GHASH_SOURCES, type Lanes } from '../harness/gcm/sims.ts';
import { lanesToHex } from '../harness/gcm/lane-hex.ts';
import { runSim } from '../harness/engine/sim-process.ts';
import { verilatorLint, yosysSynth } from '../harness/engine/rtl-checks.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x6a54);
/** tb_ghash_top: 2 cycles of H powers + 2 cycles of fold. */
const GHASH_TOP_LATENCY = 4;
const LANE_CONFIGS: Lanes[] = [1, 2, 4];
const MESSAGES = 10_000;
const CONNECTIONS = 6;

interface GhashBeat {
  h: Uint8Array;
  blocks: Uint8Array[];
  chain: boolean;
  accIn: Uint8Array;
  /** Model accumulator after this beat. */
  accOut: Uint8Array;
  conn: number;
}

interface Stream {
  h: Uint8Array;
  acc: Uint8Array; // as the engine would have written it back
  left: number; // blocks left in the current message
}

/**
 * Beats of interleaved connections. A connection keeps the bus for a run of beats (the common
 * case: one packet of one flow) and then another takes over; within a run every beat after the
 * first is chained and carries a garbage acc_i, which the unit must ignore.
 */
function schedule(seed: number, lanes: number): GhashBeat[] {
  const rng = createPrng(seed);
  const streams: Stream[] = Array.from({ length: CONNECTIONS }, () => ({ h: rng.bytes(16), acc: new Uint8Array(16), left: rng.int(1, 12) }));
  const beats: GhashBeat[] = [];
  let prev = -1;
  let messages = 0;
  while (messages < MESSAGES) {
    const conn = prev >= 0 && rng.chance(0.75) ? prev : rng.int(0, CONNECTIONS - 1);
    const s = streams[conn] as Stream;
    const chain = conn === prev;
    const n = rng.chance(0.03) ? 0 : Math.min(rng.int(1, lanes), s.left);
    const blocks = Array.from({ length: n }, () => rng.bytes(16));
    const accIn = chain ? rng.bytes(16) : s.acc;
    let acc = s.acc;
    for (const x of blocks) acc = ghashMul(xorBytes(acc, x), s.h);
    beats.push({ h: s.h, blocks, chain, accIn, accOut: acc, conn });
    s.acc = acc;
    s.left -= n;
    prev = conn;
    if (s.left === 0) {
      // Message done: the next one of this connection starts from zero, never chained.
      messages++;
      s.acc = new Uint8Array(16);
      s.left = rng.int(1, 12);
      if (rng.chance(0.3)) s.h = rng.bytes(16); // rekey
      prev = -1;
    }
  }
  return beats;
}

function record(b: GhashBeat, lanes: number): string {
  return `${toHex(b.h)} ${b.blocks.length} ${b.chain ? 1 : 0} ${toHex(b.accIn)} ${lanesToHex(b.blocks, lanes)}`;
}

describe('tlsnic_ghash + tlsnic_ghash_powers (Verilator)', () => {
  const bins = new Map<Lanes, string>();
  beforeAll(async () => {
    for (const l of LANE_CONFIGS) bins.set(l, await buildGhashSim(l));
  });

  it('model sanity: SP 800-38D test case 2 GHASH (H·C) from the model', () => {
    // McGrew–Viega test case 2: H = 66e94bd4ef8a2c3b884cfa59ca342b2e, C = 0388dace60b6a392f328c2b971b2fe78,
    // GHASH(H, {}, C) = f38cbb1ad69223dcc3457ae5b6b0f885.
    const h = Uint8Array.from(Buffer.from('66e94bd4ef8a2c3b884cfa59ca342b2e', 'hex'));
    const c = Uint8Array.from(Buffer.from('0388dace60b6a392f328c2b971b2fe78', 'hex'));
    const len = Uint8Array.from(Buffer.from('00000000000000000000000000000080', 'hex'));
    const x1 = ghashMul(c, h);
    expect(toHex(ghashMul(xorBytes(x1, len), h))).toBe('f38cbb1ad69223dcc3457ae5b6b0f885');
  });

  for (const lanes of LANE_CONFIGS) {
    for (const stalls of [false, true]) {
      it(`LANES=${lanes}: ${MESSAGES} interleaved messages, chained back-to-back beats${stalls ? ', random gaps and stalls' : ''}`, async () => {
        const seed = SEED + lanes * 10 + (stalls ? 1 : 0);
        const beats = schedule(seed, lanes);
        const res = await runSim(bins.get(lanes) as string, {
          stalls: { seed, gapPermille: stalls ? 250 : 0, stallPermille: stalls ? 300 : 0 },
          records: beats.map((b) => record(b, lanes)),
        });
        expect(res.lines.length).toBe(beats.length);
        let chained = 0;
        res.lines.forEach((f, i) => {
          const b = beats[i] as GhashBeat;
          expect(Number(f[1]), `output order at ${i}`).toBe(i);
          if (f[4] !== toHex(b.accOut)) {
            expect.fail(`seed=${seed} LANES=${lanes} beat ${i} (conn ${b.conn}, n=${b.blocks.length}, chain=${b.chain}): acc ${f[4]}, want ${toHex(b.accOut)}`);
          }
          if (!stalls) expect(Number(f[3]) - Number(f[2]), `latency of beat ${i}`).toBe(GHASH_TOP_LATENCY);
          if (b.chain) chained++;
        });
        expect(chained).toBeGreaterThan(beats.length / 2); // the forwarding path was exercised
        if (!stalls) expect(res.cycles).toBe(beats.length + GHASH_TOP_LATENCY);
      });
    }
  }

  it('verilator --lint-only -Wall is clean at LANES = 1, 2, 4', async () => {
    for (const top of ['tlsnic_ghash', 'tlsnic_ghash_powers']) {
      for (const lanes of LANE_CONFIGS) {
        const r = await verilatorLint({ top, sources: GHASH_SOURCES, params: { LANES: lanes } });
        expect(r.output, `${top} LANES=${lanes}`).toBe('');
      }
    }
  });

  // tlsnic_ghash at LANES=1 (the feedback multiplier), the powers at LANES=2 (one squaring
  // multiplier); wider configurations only replicate the same multiplier.
  for (const [top, lanes] of [['tlsnic_ghash', 1], ['tlsnic_ghash_powers', 2]] as const) {
    it(`Yosys synthesizes ${top} (LANES=${lanes}) with check -assert and no latches`, async () => {
      const r = await yosysSynth({ top, sources: GHASH_SOURCES, params: { LANES: lanes } });
      expect(r.ok, r.logTail).toBe(true);
      expect(r.latches).toEqual([]);
      expect(r.cells['$_XOR_'] ?? 0).toBeGreaterThan(5000); // the multiplier was not optimized away
    });
  }
});

// The engines' multiplier (rtl/crypto/tlsnic_gf128_mul.sv) in the balanced-tree form synthesis
// takes (engine simulations evaluate the loop form, TLSNIC_GF_LOOP). A GF(2^128) multiply is
// bilinear, so agreeing with the model on every pair of basis blocks (128 x 128) proves the two
// equal for all inputs; squaring is linear, so the 128 basis blocks prove tlsnic_gf128_sq.
// Random pairs on top check the bench's input and output handling itself.
describe('tlsnic_gf128_mul / tlsnic_gf128_sq, balanced-tree form (Verilator)', () => {
  it('equals the model on all 128 x 128 basis pairs and 2,000 random pairs', async () => {
    const bin = await buildGf128Sim();
    const basis = (i: number): Uint8Array => {
      const b = new Uint8Array(16);
      b[i >> 3] = 0x80 >> (i & 7);
      return b;
    };
    const rng = createPrng(SEED);
    const pairs: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 128; i++) for (let j = 0; j < 128; j++) pairs.push([basis(i), basis(j)]);
    for (let n = 0; n < 2000; n++) pairs.push([rng.bytes(16), rng.bytes(16)]);
    const res = await runSim(bin, { stalls: { seed: 0, gapPermille: 0, stallPermille: 0 }, records: pairs.map(([a, b]) => `${toHex(a)} ${toHex(b)}`) });
    expect(res.lines.length).toBe(pairs.length);
    res.lines.forEach((f, n) => {
      const [a, b] = pairs[n] as [Uint8Array, Uint8Array];
      const mul = toHex(ghashMul(a, b));
      const sq = toHex(ghashMul(a, a));
      if (f[1] !== mul || f[2] !== sq) {
        expect.fail(`pair ${n} (seed=${SEED}): a=${toHex(a)} b=${toHex(b)}: mul ${f[1]} want ${mul}, sq ${f[2]} want ${sq}`);
      }
    });
  });
});
