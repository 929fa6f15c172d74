// The coverage summary (harness/coverage/run.ts): verilator_coverage data parsed per module and
// kind. The data format is Verilator's (`C '<key\x02value\x01...>' <count>`); the figures of a real
// run are in the README (`make coverage`).
import { describe, expect, it } from 'vitest';
import { coverageMarkdown, coverageSummary, summarizeCoverage } from '../harness/coverage/summary.ts';
import { checkFloors, type Waiver } from '../harness/coverage/floors.ts';

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
    // Line 10 is hit (its block point), line 11 is not; lines of both copies of ctx_table count once each.
    expect(m.missedLines).toEqual([{ file: 'rtl/tx/tlsnic_tx_front.sv', line: 11 }]);
    expect(mods[0].missedLines).toEqual([{ file: 'rtl/common/tlsnic_ctx_table.sv', line: 61 }]);
  });
  it('the Markdown table has a row per module, a total and the missed points', () => {
    const md = coverageMarkdown({ width: 128, runs: 2, kinds: 'toggles', modules: mods, total: { lines: mods[1].lines, toggles: mods[1].toggles, points: mods[1].points } });
    expect(md).toMatch(/\| tlsnic_tx_front \| 1 \/ 2 \| 50\.0 % \|/);
    expect(md).toMatch(/Cover points not hit \(1\):\n- TOP\.e\.u_front\.c_dec_skip/);
    expect(md).toMatch(/Lines not reached \(2; [^)]*\):\n- rtl\/common\/tlsnic_ctx_table\.sv:61\n- rtl\/tx\/tlsnic_tx_front\.sv:11\n/);
  });
});

describe('coverage floors', () => {
  // Source text of the two files, as checkFloors reads them (line n is element n-1).
  const src: Record<string, string> = {
    'rtl/tx/tlsnic_tx_front.sv': Array.from({ length: 21 }, (_, i) => (i === 10 ? '    if (err_q) cnt_d = 0;' : `line ${i + 1}`)).join('\n'),
    'rtl/common/tlsnic_ctx_table.sv': Array.from({ length: 62 }, (_, i) => (i === 60 ? '  else tbl_q <= 0;' : '')).join('\n'),
  };
  const source = (f: string) => src[f];
  const w = (file: string, text: string, reason = 'reached only by a reset during the clear; test/x.test.ts') => ({ file, text, reason });
  const both: Waiver[] = [w('rtl/tx/tlsnic_tx_front.sv', 'if (err_q) cnt_d = 0;'), w('rtl/common/tlsnic_ctx_table.sv', 'else tbl_q <= 0;')];

  // Lines 19 of 20 (95 %) hit overall, every cover point hit: the floors hold with the one unreached line waived.
  const lines = Array.from({ length: 20 }, (_, i) => point({ page: 'v_line/m', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: String(i + 1), o: 'block', h: 'TOP' }, i === 10 ? 0 : 1));
  const good = coverageSummary([...lines, point({ page: 'v_user/m', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '1', o: 'c', h: 'TOP' }, 1)].join('\n'), 128, 1, 'lines');

  it('hold when every unreached line is waived by its text and every cover point is hit', () => {
    const v = checkFloors(good, both.slice(0, 1), source);
    expect(v.problems).toEqual([]);
    expect(v.lines).toEqual({ hit: 19, total: 20, share: 0.95 });
    expect(v.missedLines).toEqual([{ file: 'rtl/tx/tlsnic_tx_front.sv', line: 11, text: 'if (err_q) cnt_d = 0;', waived: true }]);
  });
  it('fail on an unwaived line, a stale waiver, a waiver without a reason, a missed cover point, and lines below 95 %', () => {
    expect(checkFloors(good, [], source).problems).toEqual(['line not reached and not waived: rtl/tx/tlsnic_tx_front.sv:11 `if (err_q) cnt_d = 0;`']);
    expect(checkFloors(good, both, source).problems).toEqual(['stale waiver (its line is reached now, or its text changed): rtl/common/tlsnic_ctx_table.sv `else tbl_q <= 0;`']);
    expect(checkFloors(good, [w('rtl/tx/tlsnic_tx_front.sv', 'if (err_q) cnt_d = 0;', '')], source).problems).toEqual(['waiver without a reason: rtl/tx/tlsnic_tx_front.sv `if (err_q) cnt_d = 0;`']);
    const missedPoint = coverageSummary([...lines, point({ page: 'v_user/m', f: '/x/rtl/tx/tlsnic_tx_front.sv', l: '1', o: 'c_x', h: 'TOP' }, 0)].join('\n'), 128, 1, 'lines');
    expect(checkFloors(missedPoint, both.slice(0, 1), source).problems).toEqual(['cover point not hit: TOP.c_x (rtl/tx/tlsnic_tx_front.sv:1)']);
    const low = coverageSummary(DAT, 128, 1, 'lines');   // 2 of 4 lines
    expect(checkFloors(low, both, source).problems[0]).toBe('engine RTL lines 2 / 4 (50.0 %), below the floor of 95 %');
  });
});
