// 32-bit TCP sequence arithmetic (RFC 793 §3.3, RFC 1982 style): sequence numbers wrap at
// 2^32, so ordering is defined by the signed 32-bit difference and is only meaningful for
// numbers less than 2^31 apart — always true within one TCP window and one record list.

/** a + n mod 2^32 (n may be negative). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance a − b in [−2^31, 2^31): positive when a is after b. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLeq(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGeq(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return seqLt(a, b) ? b : a;
}

/**
 * seq ∈ [start, start + length) modulo 2^32. Defined for any length in 0..2^32 (the
 * unsigned offset of seq from start is compared, so no 2^31 ordering limit applies here).
 */
export function seqInRange(seq: number, start: number, length: number): boolean {
  return ((seq - start) >>> 0) < length;
}
