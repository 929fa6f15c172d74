// The coverage summary (harness/coverage/run.ts): verilator_coverage data parsed per module and
// kind. The data format is Verilator's (`C '<key\x02value\x01...>' <count>`); the figures of a real
// run are in the README (`make coverage`).
import { describe, expect, it } from 'vitest';
import { coverageMarkdown, summarizeCoverage } from '../harness/coverage/run.ts';

const point = (f: Record<string, string>, count: number) =>
  `C '${Object.entries(f).map(([k, v]) => `${k}\x02${v}`).join('\x01')}' ${count}`;

const DAT = [
  '# SystemC::Coverage-3',
  point({ t: 'block', page: 'v_line/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '10', o: 'block', h: 'TOP.e.u_front' }, 3),
  point({ t: 'if', page: 'v_branch/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '10', o: 'if', h: 'TOP.e.u_front' }, 0),
  point({ t: 'block', page: 'v_line/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '11', o: 'block', h: 'TOP.e.u_front' }, 0),
  point({ page: 'v_toggle/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '5', o: 'fp_valid_q', h: 'TOP.e.u_front' }, 7),
  point({ page: 'v_toggle/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '5', o: 'fr_err_q', h: 'TOP.e.u_front' }, 0),
  point({ page: 'v_user/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '700', o: 'c_dec_enc', h: 'TOP.e.u_front' }, 12),
  point({ page: 'v_user/tlsnic_tx_front', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '701', o: 'c_dec_skip', h: 'TOP.e.u_front' }, 0),
  point({ page: 'v_line/tb_engine', f: '/x/tb/tb_engine.h', l: '3', o: 'block', h: 'TOP' }, 0),
  point({ page: 'v_line/tlsnic_ctx_table__N10_D2cb', f: '/x/rtl/common/tlsnic_ctx_table.sv', l: '60', o: 'block', h: 'TOP.e.u_front.u_ctx' }, 1),
  point({ page: 'v_line/tlsnic_ctx_table__N10_D401_I4', f: '/x/rtl/common/tlsnic_ctx_table.sv', l: '61', o: 'block', h: 'TOP.e.u_back.u_ctx' }, 0),
].join('\n');

describe('coverage summary', () => {
  const mods = summarizeCoverage(DAT);
  it('counts lines (a line is hit when any of its points is), toggles and cover points per module', () => {
    expect(mods.map((m) => m.module)).toEqual(['tlsnic_ctx_table', 'tlsnic_tx_front']);
    // Verilator's parameterised copies (module__<params>) are one module.
    expect(mods[0].lines).toEqual({ hit: 1, total: 2 });
    const m = mods[1];
    expect(m.file).toBe('rtl/tx/tlsnic_tx_front.sv');
    expect(m.lines).toEqual({ hit: 1, total: 2 });
    expect(m.toggles).toEqual({ hit: 1, total: 2 });
    expect(m.points).toEqual({ hit: 1, total: 2 });
    expect(m.missedPoints).toEqual(['TOP.e.u_front.c_dec_skip (rtl/tx/tlsnic_tx_front.sv:701)']);
  });
  it('the Markdown table has a row per module, a total and the missed points', () => {
    const md = coverageMarkdown({ width: 128, runs: 2, modules: mods, total: { lines: mods[1].lines, toggles: mods[1].toggles, points: mods[1].points } });
    expect(md).toMatch(/\| tlsnic_tx_front \| 1 \/ 2 \| 50\.0 % \|/);
    expect(md).toMatch(/Cover points not hit \(1\):\n- TOP\.e\.u_front\.c_dec_skip/);
  });
});
