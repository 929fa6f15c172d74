// GHASH: multiplication in GF(2^128) with the GCM bit order of NIST SP 800-38D §6.3.
//
// Bit order: a 16-byte block is the polynomial whose x^0 coefficient is the MOST significant bit of
// byte 0 and whose x^127 coefficient is the least significant bit of byte 15. Multiplying by x is
// therefore a right shift of the block viewed as a big-endian 128-bit integer, and x^128 reduces to
// 1 + x + x^2 + x^7, i.e. XOR 0xE1 into the top byte.
//
// Internally a block is four 32-bit big-endian words w0..w3 (w0 = bytes 0..3).
//
// Two implementations:
//   * ghashMul   — the bit-serial Algorithm 1 from SP 800-38D, kept deliberately plain as the reference;
//   * GhashTable — Shoup's 8-bit table method: per H, a 256-entry table M[b] = poly(b)·H, and one
//     global 256-entry reduction table for the 8 bits shifted out per step. 16 lookups per block.

/** Per-H multiplication table: entry b (0..255) occupies words [4b, 4b+4) and holds poly(b)·H. */
export type GhashTable = Uint32Array;

function loadWords(b: Uint8Array): [number, number, number, number] {
  if (b.length !== 16) throw new Error(`GHASH operand must be 16 bytes, got ${b.length}`);
  const w = (i: number): number =>
    (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
  return [w(0), w(4), w(8), w(12)];
}

function storeWords(w0: number, w1: number, w2: number, w3: number): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, w0 >>> 0); dv.setUint32(4, w1 >>> 0); dv.setUint32(8, w2 >>> 0); dv.setUint32(12, w3 >>> 0);
  return out;
}

/** V·x in GCM bit order (right shift by one, reduce by 0xE1 ‖ 0^120 when x^127 falls off). */
function mulX(v: [number, number, number, number]): [number, number, number, number] {
  const [v0, v1, v2, v3] = v;
  const carry = v3 & 1;
  const n0 = ((v0 >>> 1) ^ (carry ? 0xe1000000 : 0)) >>> 0;
  const n1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
  const n2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
  const n3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
  return [n0, n1, n2, n3];
}

/** Reference X·Y (SP 800-38D Algorithm 1), bit by bit. Slow; used to check the fast path. */
export function ghashMul(x: Uint8Array, h: Uint8Array): Uint8Array {
  const xw = loadWords(x);
  let v = loadWords(h);
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  for (let i = 0; i < 128; i++) {
    const bit = ((xw[i >>> 5] as number) >>> (31 - (i & 31))) & 1;
    if (bit) { z0 ^= v[0]; z1 ^= v[1]; z2 ^= v[2]; z3 ^= v[3]; }
    v = mulX(v);
  }
  return storeWords(z0, z1, z2, z3);
}

/**
 * Reduction table for the 8-bit step: shifting Z right by 8 bits (Z·x^8) drops byte 15, whose bits are
 * the coefficients of x^120..x^127; after the shift they stand for x^128..x^135, which reduce into the
 * top 16 bits of w0. Built by running the bit-serial mulX on exactly that byte, so it is correct by
 * construction rather than by a hand-typed constant table.
 */
const REDUCE8: Uint32Array = (() => {
  const r = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let v: [number, number, number, number] = [0, 0, 0, b];
    for (let k = 0; k < 8; k++) v = mulX(v);
    // The shifted-out bits only ever land in w0; anything else means the derivation above is wrong.
    if (v[1] !== 0 || v[2] !== 0 || v[3] !== 0) throw new Error('GHASH reduction table derivation failed');
    r[b] = v[0];
  }
  return r;
})();

/** Builds the per-H table: M[0x80] = H, M[0x40] = H·x, …, M[0x01] = H·x^7, M[a^b] = M[a]^M[b]. */
export function ghashTable(h: Uint8Array): GhashTable {
  const t = new Uint32Array(256 * 4);
  let v = loadWords(h);
  for (let bit = 0x80; bit >= 1; bit >>>= 1) {
    t.set(v, bit * 4);
    v = mulX(v);
  }
  for (let b = 2; b < 256; b++) {
    const low = b & -b; // lowest set bit
    if (low === b) continue; // single-bit entries are already filled
    const rest = b ^ low;
    for (let k = 0; k < 4; k++) t[b * 4 + k] = (t[low * 4 + k] as number) ^ (t[rest * 4 + k] as number);
  }
  return t;
}

/**
 * acc ← acc·H in place, acc given as four big-endian words. The hot loop of the GCM model.
 * Horner over the bytes from byte 15 down to byte 0: Z ← Z·x^8 ⊕ M[byte].
 */
export function ghashMulWords(t: GhashTable, acc: Uint32Array): void {
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  for (let w = 3; w >= 0; w--) {
    let a = acc[w] as number;
    for (let k = 0; k < 4; k++) {
      const o = (a & 0xff) << 2;
      a >>>= 8;
      const r = z3 & 0xff;
      z3 = (z3 >>> 8) | (z2 << 24);
      z2 = (z2 >>> 8) | (z1 << 24);
      z1 = (z1 >>> 8) | (z0 << 24);
      z0 = (z0 >>> 8) ^ (REDUCE8[r] as number);
      z0 ^= t[o] as number; z1 ^= t[o + 1] as number; z2 ^= t[o + 2] as number; z3 ^= t[o + 3] as number;
    }
  }
  acc[0] = z0; acc[1] = z1; acc[2] = z2; acc[3] = z3;
}

/** X·H with a prebuilt table for H, on byte blocks. */
export function ghashMulTable(t: GhashTable, x: Uint8Array): Uint8Array {
  const acc = Uint32Array.from(loadWords(x));
  ghashMulWords(t, acc);
  return storeWords(acc[0] as number, acc[1] as number, acc[2] as number, acc[3] as number);
}

/** [H, H^2, …, H^n] — the powers the RTL uses to fold LANES blocks per cycle. */
export function ghashPowers(h: Uint8Array, n: number): Uint8Array[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`ghashPowers: n must be a non-negative integer, got ${n}`);
  const t = ghashTable(h);
  const out: Uint8Array[] = [];
  let p: Uint8Array = Uint8Array.from(h);
  for (let i = 0; i < n; i++) {
    out.push(p);
    p = ghashMulTable(t, p);
  }
  return out;
}

/**
 * GHASH_H(blocks) over data zero-padded to a whole number of blocks, starting from a zero accumulator.
 * (SP 800-38D §6.4 requires whole blocks; the zero padding is what GCM applies to A and C anyway.)
 */
export function ghash(h: Uint8Array, data: Uint8Array): Uint8Array {
  const t = ghashTable(h);
  const acc = new Uint32Array(4);
  for (let i = 0; i < data.length; i += 16) {
    const blk = new Uint8Array(16);
    blk.set(data.subarray(i, Math.min(i + 16, data.length)));
    const w = loadWords(blk);
    acc[0] ^= w[0]; acc[1] ^= w[1]; acc[2] ^= w[2]; acc[3] ^= w[3];
    ghashMulWords(t, acc);
  }
  return storeWords(acc[0] as number, acc[1] as number, acc[2] as number, acc[3] as number);
}
