// Verilator coverage data (`C '<key\x02value\x01...>' <count>` lines, as verilator_coverage
// writes them) summarised per RTL module: lines, toggles and functional cover points, hit/total,
// with the cover points and lines not hit. Only the RTL under rtl/ counts (not the benches).

/** Coverage kind of a point from its page (v_line, v_branch, v_expr: lines; v_toggle; v_user). */
type Kind = 'lines' | 'toggles' | 'points';

export interface HitTotal {
  hit: number;
  total: number;
}

/** A line with coverage points, none of them hit. */
export interface MissedLine {
  /** Path from the repository root (rtl/...). */
  file: string;
  line: number;
}

export interface ModuleCoverage {
  module: string;
  file: string;
  lines: HitTotal;
  toggles: HitTotal;
  points: HitTotal;
  /** Cover points never hit: `hierarchy.name` (label) with file:line. */
  missedPoints: string[];
  /** Lines never reached, in file and line order. */
  missedLines: MissedLine[];
}

export interface CoverageSummary {
  width: number;
  runs: number;
  /** Verilator coverage kinds counted: lines and cover points, or toggles as well. */
  kinds: 'lines' | 'toggles';
  modules: ModuleCoverage[];
  total: { lines: HitTotal; toggles: HitTotal; points: HitTotal };
}

/** The repository path of an RTL file named in the data (absolute, from any clone). */
const rtlPath = (f: string) => f.replace(/^.*?(rtl\/)/, '$1');

/** Parses a verilator_coverage data file into per-module counts (the RTL in rtl/ only). */
export function summarizeCoverage(datText: string): ModuleCoverage[] {
  const mods = new Map<string, { file: string; lines: Map<string, number>; toggles: [number, number]; points: [number, number]; missed: string[] }>();
  for (const raw of datText.split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(raw);
    if (!m) continue;
    const fields = new Map<string, string>();
    for (const kv of m[1].split('\x01')) {
      const j = kv.indexOf('\x02');
      if (j > 0) fields.set(kv.slice(0, j), kv.slice(j + 1));
    }
    const file = fields.get('f') ?? '';
    const page = fields.get('page') ?? '';
    if (!/(^|\/)rtl\//.test(file)) continue;
    // Verilator names a parameterised module's copies module__<params>: one row per module.
    const module = (page.split('/')[1] ?? file).replace(/__.*$/, '');
    const kind: Kind = page.startsWith('v_toggle') ? 'toggles' : page.startsWith('v_user') ? 'points' : 'lines';
    const count = Number(m[2]);
    let e = mods.get(module);
    if (!e) mods.set(module, (e = { file: rtlPath(file), lines: new Map(), toggles: [0, 0], points: [0, 0], missed: [] }));
    if (kind === 'lines') {
      // A line is hit when any of its points is (in any copy of the module).
      const key = `${rtlPath(file)}:${fields.get('l')}`;
      e.lines.set(key, Math.max(e.lines.get(key) ?? 0, count));
    } else if (kind === 'toggles') {
      e.toggles[1]++;
      if (count > 0) e.toggles[0]++;
    } else {
      e.points[1]++;
      if (count > 0) e.points[0]++;
      else e.missed.push(`${fields.get('h') ?? ''}.${fields.get('o') ?? ''} (${rtlPath(file)}:${fields.get('l')})`);
    }
  }
  return [...mods.entries()].map(([module, e]) => ({
    module,
    file: e.file,
    lines: { hit: [...e.lines.values()].filter((c) => c > 0).length, total: e.lines.size },
    toggles: { hit: e.toggles[0], total: e.toggles[1] },
    points: { hit: e.points[0], total: e.points[1] },
    missedPoints: e.missed.sort(),
    missedLines: [...e.lines.entries()].filter(([, c]) => c === 0).map(([k]) => {
      const i = k.lastIndexOf(':');
      return { file: k.slice(0, i), line: Number(k.slice(i + 1)) };
    }).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
  })).sort((a, b) => a.module.localeCompare(b.module));
}

/** The summary of a merged data file: per module and in total. */
export function coverageSummary(datText: string, width: number, runs: number, kinds: CoverageSummary['kinds']): CoverageSummary {
  const modules = summarizeCoverage(datText);
  const add = (k: 'lines' | 'toggles' | 'points') => modules.reduce((a, m) => ({ hit: a.hit + m[k].hit, total: a.total + m[k].total }), { hit: 0, total: 0 });
  return { width, runs, kinds, modules, total: { lines: add('lines'), toggles: add('toggles'), points: add('points') } };
}

const pct = (x: HitTotal) => (x.total === 0 ? '—' : `${((100 * x.hit) / x.total).toFixed(1)} %`);
const frac = (x: HitTotal) => `${x.hit} / ${x.total}`;

export function coverageMarkdown(s: CoverageSummary): string {
  const L = [`# RTL coverage (W = ${s.width}, ${s.runs} regression runs${s.kinds === 'toggles' ? ', with toggles' : ''})`, '',
    '| module | lines | | toggles | | cover points | |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const m of [...s.modules.map((x) => ({ name: x.module, ...x })), { name: '**all**', ...s.total }]) {
    L.push(`| ${m.name} | ${frac(m.lines)} | ${pct(m.lines)} | ${frac(m.toggles)} | ${pct(m.toggles)} | ${frac(m.points)} | ${pct(m.points)} |`);
  }
  const missed = s.modules.flatMap((m) => m.missedPoints);
  L.push('', missed.length ? `Cover points not hit (${missed.length}):` : 'Every cover point was hit.');
  for (const p of missed) L.push(`- ${p}`);
  const lines = s.modules.flatMap((m) => m.missedLines);
  L.push('', lines.length ? `Lines not reached (${lines.length}; docs/coverage-waivers.json says why each may be):` : 'Every line was reached.');
  for (const l of lines) L.push(`- ${l.file}:${l.line}`);
  return L.join('\n') + '\n';
}
