// Small deterministic PRNG for reproducible random tests: xoshiro128** seeded through splitmix32.
// Not cryptographic. Same seed → same sequence on every platform (pure 32-bit integer math).

export interface Prng {
  /** Next raw 32-bit unsigned value. */
  nextU32(): number;
  /** Uniform integer in [lo, hi] (both inclusive). Range width must be ≤ 2^53. */
  int(lo: number, hi: number): number;
  /** n pseudo-random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(a: readonly T[]): T;
  /** true with probability p. */
  chance(p: number): boolean;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createPrng(seed: number): Prng {
  if (!Number.isFinite(seed)) throw new Error(`createPrng: seed must be a finite number, got ${seed}`);
  // Fold in the high bits too so seeds above 2^32 still differ.
  const sm = splitmix32((seed >>> 0) ^ Math.floor(seed / 0x1_0000_0000));
  let a = sm(), b = sm(), c = sm(), d = sm();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point of xoshiro

  const nextU32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };

  const int = (lo: number, hi: number): number => {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new Error(`prng.int: need integers lo <= hi, got ${lo}, ${hi}`);
    }
    const span = hi - lo + 1;
    if (span <= 0x1_0000_0000) {
      // Rejection sampling keeps the distribution exactly uniform.
      const limit = Math.floor(0x1_0000_0000 / span) * span;
      for (;;) {
        const x = nextU32();
        if (x < limit) return lo + (x % span);
      }
    }
    if (span > 2 ** 53) throw new Error(`prng.int: range too wide (${span})`);
    for (;;) {
      const x = (nextU32() >>> 11) * 0x1_0000_0000 + nextU32(); // 53 bits
      const limit = Math.floor(2 ** 53 / span) * span;
      if (x < limit) return lo + (x % span);
    }
  };

  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const x = nextU32();
      out[i] = x & 0xff; out[i + 1] = (x >>> 8) & 0xff; out[i + 2] = (x >>> 16) & 0xff; out[i + 3] = x >>> 24;
    }
    if (i < n) {
      let x = nextU32();
      for (; i < n; i++, x >>>= 8) out[i] = x & 0xff;
    }
    return out;
  };

  const pick = <T>(arr: readonly T[]): T => {
    if (arr.length === 0) throw new Error('prng.pick: empty array');
    return arr[int(0, arr.length - 1)] as T;
  };

  const chance = (p: number): boolean => nextU32() / 0x1_0000_0000 < p;

  return { nextU32, int, bytes, pick, chance };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
