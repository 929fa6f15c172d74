// Hex encoding of multi-lane buses as the benches in tb/ read and print them: a bus of LANES
// 128-bit lanes is one big-endian hex number with lane l in bits [l*128 +: 128], so the hex
// string lists the last lane first.

/** Fast lower-case hex (Buffer's encoder; batches of 10^5 beats make models/bytes toHex too slow). */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Fast hex decode of a well-formed even-length string (bench output). */
export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** Lanes (each `width` bytes, lane 0 first) → bus hex. Missing lanes are zero. */
export function lanesToHex(lanes: readonly Uint8Array[], count: number, width = 16): string {
  let s = '';
  for (let l = count - 1; l >= 0; l--) {
    const b = lanes[l];
    if (b && b.length !== width) throw new Error(`lane ${l} has ${b.length} bytes, expected ${width}`);
    s += b ? hex(b) : '00'.repeat(width);
  }
  return s;
}

/** Bus hex → lanes (lane 0 first), each `width` bytes. */
export function hexToLanes(busHex: string, count: number, width = 16): Uint8Array[] {
  if (busHex.length !== count * width * 2) throw new Error(`bus hex has ${busHex.length} digits, expected ${count * width * 2}`);
  const out: Uint8Array[] = [];
  for (let l = 0; l < count; l++) {
    const end = busHex.length - l * width * 2;
    out.push(unhex(busHex.slice(end - width * 2, end)));
  }
  return out;
}

/** A number as a fixed-width hex field of `bits` bits. */
export function numHex(n: number, bits: number): string {
  return (n >>> 0).toString(16).padStart(bits / 4, '0').slice(-bits / 4);
}
