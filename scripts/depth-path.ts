// Ad-hoc: prints the deepest LUT path ending at a named register bit, with the public net names it
// passes through. Usage: npx tsx scripts/depth-path.ts <lut6.json> <top> <end-net-substring>
import { readFileSync } from 'node:fs';
type Bit = number | string;
const [file, top, endSub] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(file, 'utf8'));
const mod = doc.modules[top];
const COMB = /^(\$lut|\$_(AND|OR|XOR|XNOR|NAND|NOR|ANDNOT|ORNOT|MUX|NMUX|NOT|BUF)_|LUT[1-6]|MUXF[789]|CARRY[48]|INV)$/;
const names = new Map<number, string[]>();
for (const [n, info] of Object.entries<any>(mod.netnames)) {
  if (info.hide_name) continue;
  info.bits.forEach((b: Bit, i: number) => {
    if (typeof b !== 'number') return;
    const l = names.get(b) ?? []; l.push(`${n.replace(/\\/g, '')}${info.bits.length > 1 ? `[${i}]` : ''}`); names.set(b, l);
  });
}
const driver = new Map<number, string>();
const ins = new Map<string, number[]>();
const endNets: number[] = [];
for (const [cn, c] of Object.entries<any>(mod.cells)) {
  const comb = COMB.test(c.type);
  const dirs = c.port_directions ?? {};
  const ii: number[] = [];
  for (const [p, bits] of Object.entries<Bit[]>(c.connections)) for (const b of bits) {
    if (typeof b !== 'number') continue;
    if (dirs[p] === 'output') { if (comb) driver.set(b, cn); }
    else if (comb) ii.push(b);
    else endNets.push(b);
  }
  if (comb) ins.set(cn, ii);
}
const level = new Map<string, number>();
function lv(c: string): number {
  const st = [c];
  while (st.length) {
    const x = st[st.length - 1];
    if (level.has(x)) { st.pop(); continue; }
    const pend = (ins.get(x) ?? []).map((n) => driver.get(n)).filter((d): d is string => d !== undefined && !level.has(d));
    if (pend.length) { level.set(x, -1); level.delete(x); st.push(...pend.filter((d) => d !== x)); if (pend.every((d)=>st.indexOf(d) < st.length - pend.length)) {} ; 
      // guard against loops
      if (st.length > 5e6) throw new Error('loop'); continue; }
    let best = 0;
    for (const n of ins.get(x) ?? []) { const d = driver.get(n); if (d) best = Math.max(best, level.get(d) ?? 0); }
    level.set(x, best + 1); st.pop();
  }
  return level.get(c)!;
}
let bestNet = -1, bestL = -1;
for (const [cn, c] of Object.entries<any>(mod.cells)) {
  if (COMB.test(c.type)) continue;
  const dirs = c.port_directions ?? {};
  const outs: number[] = []; const inn: number[] = [];
  for (const [p, bits] of Object.entries<Bit[]>(c.connections)) for (const b of bits) if (typeof b === 'number') (dirs[p] === 'output' ? outs : inn).push(b);
  if (!outs.some((o) => (names.get(o) ?? []).some((s) => s.includes(endSub)))) continue;
  for (const n of inn) { const d = driver.get(n); if (!d) continue; const l = lv(d); if (l > bestL) { bestL = l; bestNet = n; } }
}
console.log('end', names.get(bestNet), 'levels', bestL);
let net = bestNet;
while (true) {
  const d = driver.get(net); if (!d) { console.log('START', (names.get(net) ?? ['?']).join(' | ')); break; }
  console.log(String(level.get(d)).padStart(3), (names.get(net) ?? ['-']).filter((s) => !s.includes('$')).slice(0, 3).join(' | '));
  let nb = -1, nl = -1;
  for (const n of ins.get(d) ?? []) { const dd = driver.get(n); const l = dd ? lv(dd) : 0; if (l > nl) { nl = l; nb = n; } }
  net = nb;
}
