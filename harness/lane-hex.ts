// Hex encoding of multi-lane buses as the benches in tb/ read and print them: a bus of LANES
// 128-bit lanes is one big-endian hex number with lane l in bits [l*128 +: 128], so the hex
// string lists the last lane first.
import { fromHex, toHex } from '../models/bytes.ts';

/** Lanes (each `width` bytes, lane 0 first) → bus hex. Missing lanes are zero. */
export function lanesToHex(lanes: readonly Uint8Array[], count: number, width = 16): string {
  let s = '';
  for (let l = count - 1; l >= 0; l--) {
    const b = lanes[l];
    if (b && b.length !== width) throw new Error(`lane ${l} has ${b.length} bytes, expected ${width}`);
    s += b ? toHex(b) : '00'.repeat(width);
  }
  return s;
}

/** Bus hex → lanes (lane 0 first), each `width` bytes. */
export function hexToLanes(hex: string, count: number, width = 16): Uint8Array[] {
  if (hex.length !== count * width * 2) throw new Error(`bus hex has ${hex.length} digits, expected ${count * width * 2}`);
  const out: Uint8Array[] = [];
  for (let l = 0; l < count; l++) {
    const end = hex.length - l * width * 2;
    out.push(fromHex(hex.slice(end - width * 2, end)));
  }
  return out;
}

/** A number as a fixed-width hex field of `bits` bits. */
export function numHex(n: number, bits: number): string {
  return (n >>> 0).toString(16).padStart(bits / 4, '0').slice(-bits / 4);
}
