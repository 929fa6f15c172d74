// Logic depth of a LUT-mapped, flattened netlist (Yosys write_json), per module instance
// (issue 16): the deepest register-to-register path ending in each instance, with its start and
// end points, so that a regression points at its block.
//
// Levels are counted as the xilinx flow's `ltp -noff` counts them after removing flip-flops,
// SRLs and RAMs: every combinational cell (a $lut of `abc -lut 6`, or LUT1..6, MUXF7..9,
// CARRY4/8 of synth_xilinx, or a Yosys gate) is one level; flip-flops, RAMs, SRLs, DSPs and the
// module's ports are start and end points. A path is attributed to the instance that holds its
// end point (a top output port: the top).
import { readFileSync } from 'node:fs';

/** One bit of a Yosys JSON connection: a net number or a constant. */
type Bit = number | string;

interface JsonCell {
  type: string;
  port_directions?: Record<string, 'input' | 'output' | 'inout'>;
  connections: Record<string, Bit[]>;
}

interface JsonModule {
  netnames?: Record<string, { hide_name: number; bits: Bit[] }>;
  ports: Record<string, { direction: 'input' | 'output' | 'inout'; bits: Bit[] }>;
  cells: Record<string, JsonCell>;
}

/** The deepest path ending in one module instance. */
export interface InstanceDepth {
  /** Hierarchical instance path ('' is the top), e.g. 'u_engine.u_back'. */
  instance: string;
  levels: number;
  /** Start point: a register, RAM or input port (hierarchical cell name or 'port:<name>'). */
  from: string;
  /** End point: the register or RAM input, or 'port:<name>', that the path reaches. */
  to: string;
}

export interface DepthReport {
  top: string;
  /** The deepest path of the whole netlist. */
  worst: InstanceDepth;
  /** Every instance with at least one path, deepest first. */
  instances: InstanceDepth[];
  combCells: number;
  /** Combinational loop edges met while levelling (should be none). */
  loops: number;
}

// Combinational cells that count one level each.
const COMB = /^(\$lut|\$_(AND|OR|XOR|XNOR|NAND|NOR|ANDNOT|ORNOT|MUX|NMUX|NOT|BUF|AOI3|OAI3|AOI4|OAI4|MUX4|MUX8|MUX16)_|LUT[1-6]|MUXF[789]|CARRY[48]|INV)$/;

/**
 * Instance path of a flattened cell name: `$flatten\\u_a.\\g_m[0].u_mul.$abc$1$n2` → 'u_a.g_m[0].u_mul'.
 * Each instance is a `\\name.` segment (a generate scope's name may hold a dot itself); the cell's
 * own name is what follows the last `.$` or `.\\` (`$auto$ff.cc:266:slice$5` holds a dot too).
 */
export function instanceOf(cellName: string): string {
  const name = cellName.replace(/^\$flatten/, '');
  const cut = Math.max(name.lastIndexOf('.$'), name.lastIndexOf('.\\'));
  if (cut >= 0) return cleanName(name.slice(0, cut));
  // One public name holding the path (synth_xilinx's RAM cells, `u_a.u_ctx.tbl_q.0.0`): drop the
  // memory's word and bit indices, then the memory's own name.
  const bare = cleanName(name).replace(/(\.\d+)+$/, '');
  const dot = bare.lastIndexOf('.');
  return dot < 0 ? '' : bare.slice(0, dot);
}

function cleanName(n: string): string {
  return n.replace(/^\$flatten/, '').replace(/\\/g, '');
}

/** Computes the depth report of `top` in a Yosys JSON netlist (flattened, mapped to LUTs or gates). */
export function analyseDepth(json: string | { modules: Record<string, JsonModule> }, top: string): DepthReport {
  const doc = typeof json === 'string' ? (JSON.parse(json) as { modules: Record<string, JsonModule> }) : json;
  const mod = doc.modules[top];
  if (!mod) throw new Error(`analyseDepth: no module ${top} in the netlist`);

  // A register's name: the public net its output drives (`u_a.cnt_q[3]`), else the cell's name.
  const netName = new Map<number, string>();
  for (const [n, info] of Object.entries(mod.netnames ?? {})) {
    if (info.hide_name) continue;
    info.bits.forEach((b, i) => {
      if (typeof b === 'number' && !netName.has(b)) netName.set(b, `${cleanName(n)}${info.bits.length > 1 ? `[${i}]` : ''}`);
    });
  }
  const boundaryName = (cname: string, c: JsonCell): string => {
    const dirs = c.port_directions ?? {};
    for (const [port, bits] of Object.entries(c.connections)) {
      if (dirs[port] !== 'output') continue;
      for (const b of bits) if (typeof b === 'number' && netName.has(b)) return netName.get(b) as string;
    }
    return cleanName(cname);
  };

  // Drivers of each net: a combinational cell (with its input nets) or a start point.
  const combInputs = new Map<string, number[]>();   // comb cell → its input nets
  const driver = new Map<number, string>();          // net → comb cell driving it
  const startOf = new Map<number, string>();         // net → start point name (register output, port)
  const ends: { net: number; name: string; inst: string }[] = [];
  let combCells = 0;
  for (const [pname, p] of Object.entries(mod.ports)) {
    for (const b of p.bits) {
      if (typeof b !== 'number') continue;
      if (p.direction === 'input') startOf.set(b, `port:${pname}`);
      else ends.push({ net: b, name: `port:${pname}`, inst: '' });
    }
  }
  for (const [cname, c] of Object.entries(mod.cells)) {
    const dirs = c.port_directions ?? {};
    const comb = COMB.test(c.type);
    if (comb) combCells++;
    const bname = comb ? '' : boundaryName(cname, c);
    const ins: number[] = [];
    for (const [port, bits] of Object.entries(c.connections)) {
      const dir = dirs[port] ?? 'input';
      for (const b of bits) {
        if (typeof b !== 'number') continue;
        if (dir === 'output') {
          if (comb) driver.set(b, cname);
          else startOf.set(b, bname);
        } else if (comb) {
          ins.push(b);
        } else {
          ends.push({ net: b, name: bname, inst: instanceOf(cname) });
        }
      }
    }
    if (comb) combInputs.set(cname, ins);
  }

  // Arrival level of each comb cell's output, and the start point of its deepest input path.
  const level = new Map<string, number>();
  const origin = new Map<string, string>();
  const onStack = new Set<string>();
  let loops = 0;
  const netLevel = (net: number): [number, string] => {
    const d = driver.get(net);
    if (d === undefined) return [0, startOf.get(net) ?? 'const'];
    return [cellLevel(d), origin.get(d) ?? 'const'];
  };
  // Iterative DFS (netlists are deep enough to overflow the JS stack with recursion).
  function cellLevel(root: string): number {
    const known = level.get(root);
    if (known !== undefined) return known;
    const stack: string[] = [root];
    while (stack.length > 0) {
      const c = stack[stack.length - 1];
      if (level.has(c)) { stack.pop(); continue; }
      if (!onStack.has(c)) {
        onStack.add(c);
        for (const n of combInputs.get(c) ?? []) {
          const d = driver.get(n);
          if (d !== undefined && !level.has(d)) {
            if (onStack.has(d)) { loops++; continue; }
            stack.push(d);
          }
        }
        continue;
      }
      let best = -1;
      let from = 'const';
      for (const n of combInputs.get(c) ?? []) {
        const d = driver.get(n);
        // A loop edge's cell has no level yet: counted as a start.
        const l = d === undefined ? 0 : level.get(d) ?? 0;
        const o = d === undefined ? startOf.get(n) ?? 'const' : origin.get(d) ?? 'const';
        if (l > best || (l === best && from === 'const')) { best = l; from = o; }
      }
      best = Math.max(best, 0);
      level.set(c, best + 1);
      origin.set(c, from);
      onStack.delete(c);
      stack.pop();
    }
    return level.get(root) ?? 0;
  }

  const byInst = new Map<string, InstanceDepth>();
  for (const e of ends) {
    const [l, from] = netLevel(e.net);
    const cur = byInst.get(e.inst);
    if (!cur || l > cur.levels) byInst.set(e.inst, { instance: e.inst, levels: l, from, to: e.name });
  }
  const instances = [...byInst.values()].sort((a, b) => b.levels - a.levels || a.instance.localeCompare(b.instance));
  const worst = instances[0] ?? { instance: '', levels: 0, from: '', to: '' };
  return { top, worst, instances, combCells, loops };
}

export function analyseDepthFile(path: string, top: string): DepthReport {
  return analyseDepth(readFileSync(path, 'utf8'), top);
}
