// The LUT6 depth analyser (harness/synth/depth.ts) that the synthesis flows' logic-depth check
// and report use: levels counted between registers, RAMs and ports, the deepest path attributed
// to the instance holding its end point with its start and end names, and two real Yosys
// mappings whose depth is known: a 64-input XOR (3 LUT6 levels) and the GHASH multiplier
// (tlsnic_gf128_mul, balanced, one Karatsuba level: 6 levels; the reference loop form maps to 27).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/engine/build-sim.ts';
import { analyseDepth, instanceOf } from '../harness/synth/depth.ts';

const lut = (a: (number | string)[], y: number) => ({ type: '$lut', port_directions: { A: 'input', Y: 'output' }, connections: { A: a, Y: [y] } });
const ff = (d: number, q: number) => ({ type: '$_DFF_P_', port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [2], D: [d], Q: [q] } });

describe('LUT6 depth analyser', () => {
  it('counts levels between flip-flops and ports and names the deepest path of each instance', () => {
    // in (3) -> u_a.l1 -> u_a.l2 -> u_a.r (FF, q 6) -> u_b.l3 -> u_b.l4 -> u_b.l5 -> u_b.r2 (q 10) -> out
    const json = {
      modules: {
        top: {
          ports: { clk: { direction: 'input', bits: [2] }, in: { direction: 'input', bits: [3] }, out: { direction: 'output', bits: [10] } },
          cells: {
            '$flatten\\u_a.$abc$1$l1': lut([3], 4),
            '$flatten\\u_a.$abc$1$l2': lut([4, 3], 5),
            '$flatten\\u_a.\\r_q': ff(5, 6),
            '$flatten\\u_b.$abc$2$l3': lut([6], 7),
            '$flatten\\u_b.$abc$2$l4': lut([7, 6, '1'], 8),
            '$flatten\\u_b.$abc$2$l5': lut([8], 9),
            '$flatten\\u_b.\\r2_q': ff(9, 10),
          },
        },
      },
    };
    const d = analyseDepth(json as never, 'top');
    expect(d.loops).toBe(0);
    expect(d.combCells).toBe(5);
    expect(d.worst).toEqual({ instance: 'u_b', levels: 3, from: 'u_a.r_q', to: 'u_b.r2_q' });
    expect(d.instances.find((i) => i.instance === 'u_a')).toEqual({ instance: 'u_a', levels: 2, from: 'port:in', to: 'u_a.r_q' });
    expect(d.instances.find((i) => i.instance === '')).toEqual({ instance: '', levels: 0, from: 'u_b.r2_q', to: 'port:out' });
    expect(instanceOf('$flatten\\u_engine.\\u_back.$abc$3$n7')).toBe('u_engine.u_back');
    expect(instanceOf('$flatten\\u_engine.\\g_m[1].u_mul.$auto$ff.cc:266:slice$9')).toBe('u_engine.g_m[1].u_mul');
    expect(instanceOf('\\u_engine.u_front.u_ctx.tbl_q.0.0')).toBe('u_engine.u_front.u_ctx');
  });

  it('reports a combinational loop instead of hanging', () => {
    const json = { modules: { top: { ports: { o: { direction: 'output', bits: [5] } }, cells: { a: lut([5], 4), b: lut([4], 5) } } } };
    expect(analyseDepth(json as never, 'top').loops).toBeGreaterThan(0);
  });

  // Real mappings: Yosys (synth, abc -lut 6, flatten, write_json) on a registered wrapper.
  async function mappedDepth(body: string, files: string[]): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-depth-'));
    try {
      writeFileSync(join(dir, 'top.sv'), body);
      const script = [
        `read_verilog -sv ${[...files.map((f) => join(REPO_ROOT, f)), join(dir, 'top.sv')].join(' ')}`,
        'synth -top depth_top -flatten -run :fine', 'techmap', 'opt -fast', 'abc -fast -lut 6', 'opt_clean',
        `write_json ${join(dir, 'n.json')}`,
      ].join('\n');
      writeFileSync(join(dir, 's.ys'), script);
      await execa('yosys', ['-q', '-s', join(dir, 's.ys')]);
      return analyseDepth(readFileSync(join(dir, 'n.json'), 'utf8'), 'depth_top').worst.levels;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a registered 64-input XOR maps to 3 LUT6 levels', async () => {
    const levels = await mappedDepth(`module depth_top (input logic clk, input logic [63:0] d, output logic q);
  logic [63:0] r;
  always_ff @(posedge clk) begin r <= d; q <= ^r; end
endmodule
`, []);
    expect(levels).toBe(3);
  });

  it('the GHASH multiplier, registered in and out, is at most 7 LUT6 levels, under a third of the loop form', async () => {
    const wrap = (inst: string) => `module depth_top (input logic clk, input logic [127:0] a, input logic [127:0] b, output logic [127:0] p);
  logic [127:0] ra, rb, m;
  ${inst}
  always_ff @(posedge clk) begin ra <= a; rb <= b; p <= m; end
endmodule
`;
    const files = ['rtl/crypto/tlsnic_aes_pkg.sv', 'rtl/crypto/tlsnic_gf128_dot3.sv', 'rtl/crypto/tlsnic_xor6.sv', 'rtl/crypto/tlsnic_gf128_mul.sv'];
    const tree = await mappedDepth(wrap('tlsnic_gf128_mul u_m (.a_i(ra), .b_i(rb), .p_o(m));'), files);
    const loop = await mappedDepth(wrap('assign m = tlsnic_aes_pkg::gf128_mul(ra, rb);'), files);
    expect(tree, `tree ${tree}, loop ${loop} levels`).toBeLessThanOrEqual(7);
    expect(loop, `tree ${tree}, loop ${loop} levels`).toBeGreaterThan(3 * tree);
  }, 600_000);
});
