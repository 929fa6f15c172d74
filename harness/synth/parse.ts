// Reads what one Yosys flow left in its output directory (script of synth/<flow>.ys): the log,
// `stat -json` before and after mapping, the memories found (`dump t:$mem_v2`), `check`, `scc`
// and `ltp` output, and turns it into plain numbers for the report and the checks.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SynthFlow } from './types.ts';
import { analyseDepthFile, type DepthReport } from './depth.ts';

export interface ModuleStat {
  /** Yosys's module name without the leading backslash ($paramod names shortened). */
  name: string;
  cells: number;
  cellsByType: Record<string, number>;
}

/** One memory Yosys inferred (a $mem_v2 cell after `memory -nomap`). */
export interface InferredMemory {
  module: string;
  memid: string;
  size: number;
  width: number;
  readPorts: number;
  writePorts: number;
  /** Every read port registered (synchronous read: block-RAM shaped). */
  syncRead: boolean;
  /** Instances of its module in the design. */
  instances: number;
}

/** How synth_xilinx's memory_libmap placed a memory. */
export interface MemoryMapping {
  memory: string;
  /** e.g. $__XILINX_BLOCKRAM_SDP_, $__XILINX_URAM_, $__XILINX_LUTRAM_, or "logic" (memory_map). */
  mappedTo: string;
}

export interface FlowResult {
  flow: SynthFlow;
  dir: string;
  cacheKey: string;
  ok: boolean;
  /** First ERROR line of the log, when Yosys failed. */
  error: string | null;
  exitCode: number;
  seconds: number;
  cpuSeconds: number;
  peakMemMb: number;
  modules: ModuleStat[];
  /** Instance count of each module in the hierarchy under the top. */
  instances: Record<string, number>;
  /** Whole design (hierarchy expanded) by cell type, after mapping. */
  designCells: Record<string, number>;
  /** Whole design by cell type after the coarse steps (before mapping), generic flow only. */
  coarseCells: Record<string, number>;
  memories: InferredMemory[];
  mappings: MemoryMapping[];
  /** Longest path in cell levels between start/end points (flip-flops, RAMs, ports). */
  longestPath: number | null;
  /** First and last net of that path. */
  longestPathEnds: [string, string] | null;
  sccs: number | null;
  /**
   * LUT6 logic depth (harness/synth/depth.ts) of the flattened netlist: the generic flow's gates
   * remapped by `abc -fast -lut 6`, the xilinx flow's own LUT/MUXF/CARRY cells.
   */
  depth: DepthReport | null;
  checkProblems: number | null;
  checkText: string;
  /** Distinct warning lines of the log. */
  warnings: string[];
  /** "Latch inferred for signal ..." lines. */
  latchLines: string[];
  netlistPath: string | null;
}

function readMaybe(p: string): string {
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** `$paramod$<hash>\tlsnic_gcm_back` → `tlsnic_gcm_back`; `$paramod\m\P=...` → `m(P=...)`. */
export function shortModuleName(n: string): string {
  const s = n.replace(/^\\/, '');
  const h = /^\$paramod\$[0-9a-f]+\\(.+)$/.exec(s);
  if (h) return h[1];
  const p = /^\$paramod\\([^\\]+)\\(.+)$/.exec(s);
  if (p) return `${p[1]}(${p[2].replace(/=32'([01]+)/g, (_m, b: string) => `=${parseInt(b, 2)}`)})`;
  return s;
}

interface StatJson {
  modules: Record<string, { num_cells: number; num_cells_by_type: Record<string, number> }>;
  design?: { num_cells: number; num_cells_by_type: Record<string, number> };
}

/** The object that starts at text[at] (a '{'), by brace matching outside strings. */
function objectAt(text: string, at: number): string | null {
  let depth = 0;
  let inStr = false;
  for (let i = at; i < text.length; i++) {
    const ch = text[i];
    if (inStr) {
      if (ch === '\\') i++;
      else if (ch === '"') inStr = false;
    } else if (ch === '"') inStr = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(at, i + 1);
  }
  return null;
}

/**
 * `stat -json` output. Yosys 0.23 prints the text hierarchy summary between the "modules" object
 * and "design" when the design has hierarchy, which is not JSON; so only "modules" is parsed
 * (design totals are recomputed from it with the instance counts).
 */
function parseStatJson(text: string): StatJson | null {
  const key = text.indexOf('"modules"');
  if (key < 0) return null;
  const obj = objectAt(text, text.indexOf('{', key));
  if (!obj) return null;
  try {
    return { modules: JSON.parse(obj) as StatJson['modules'] };
  } catch {
    return null;
  }
}

/** Instance counts below `top`, from the per-module cell lists (a cell type that is a module). */
function instanceCounts(stat: StatJson, top: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const visit = (m: string, n: number) => {
    counts[m] = (counts[m] ?? 0) + n;
    for (const [t, k] of Object.entries(stat.modules[m]?.num_cells_by_type ?? {})) {
      const key = `\\${t}` in stat.modules ? `\\${t}` : t in stat.modules ? t : null;
      if (key) visit(key, n * k);
    }
  };
  const topKey = Object.keys(stat.modules).find((k) => k.replace(/^\\/, '') === top);
  if (topKey) visit(topKey, 1);
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [shortModuleName(k), v]));
}

function designCells(stat: StatJson | null, instances: Record<string, number>): Record<string, number> {
  if (!stat) return {};
  // Expand the hierarchy: every module's own cells times its instance count, module cells left out.
  const out: Record<string, number> = {};
  for (const [m, s] of Object.entries(stat.modules)) {
    const n = instances[shortModuleName(m)] ?? 0;
    for (const [t, k] of Object.entries(s.num_cells_by_type)) {
      if (`\\${t}` in stat.modules || t in stat.modules) continue;
      out[t] = (out[t] ?? 0) + k * n;
    }
  }
  return out;
}

/** The $mem_v2 cells of a `dump` (RTLIL text), with their parameters. */
export function parseMemories(il: string, instances: Record<string, number>): InferredMemory[] {
  const mems: InferredMemory[] = [];
  let module = '';
  let cur: Record<string, string> | null = null;
  const flush = () => {
    if (!cur) return;
    const memid = (cur.MEMID ?? '').replace(/^"|"$/g, '').replace(/^\\\\/, '');
    const clk = cur.RD_CLK_ENABLE ?? '';
    const bits = /'([01]+)$/.exec(clk)?.[1] ?? '';
    const mod = shortModuleName(module);
    mems.push({
      module: mod,
      memid: memid.startsWith('$auto$proc_rom') ? 'case ROM (proc_rom)' : memid,
      size: Number(cur.SIZE),
      width: Number(cur.WIDTH),
      readPorts: Number(cur.RD_PORTS),
      writePorts: Number(cur.WR_PORTS),
      syncRead: bits.length > 0 && !bits.includes('0'),
      instances: instances[mod] ?? 0,
    });
    cur = null;
  };
  for (const line of il.split('\n')) {
    const t = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^module (\S+)/.exec(t))) {
      flush();
      module = m[1];
    } else if (/^cell \$mem_v2 /.test(t)) {
      flush();
      cur = {};
    } else if (cur && (m = /^parameter \\(\w+) (.+)$/.exec(t))) {
      cur[m[1]] = m[2];
    } else if (t === 'end' && cur) {
      flush();
    }
  }
  flush();
  return mems;
}

/** memory_libmap's decisions ("mapping memory <mod>.<memid> via <cell>") from a synth_xilinx log. */
export function parseMappings(log: string): MemoryMapping[] {
  const out: MemoryMapping[] = [];
  for (const m of log.matchAll(/^mapping memory (\S+) via (\S+)/gm)) out.push({ memory: shortMemName(m[1]), mappedTo: m[2] });
  // memory_map (what is left after memory_libmap): "Mapping memory <memid> in module <module>:".
  for (const m of log.matchAll(/^Mapping memory (\S+) in module (\S+):/gm)) {
    const memid = m[1].startsWith('$auto$proc_rom') ? 'case ROM (proc_rom)' : m[1].replace(/^\\/, '');
    out.push({ memory: `${shortModuleName(m[2])}.${memid}`, mappedTo: 'logic (memory_map)' });
  }
  return out;
}

function shortMemName(s: string): string {
  const dot = s.lastIndexOf('.');
  return dot < 0 ? s : `${shortModuleName(s.slice(0, dot))}.${s.slice(dot + 1).replace(/^\\/, '')}`;
}

/** Node reads a JSON file as one string, at most about 512 MB; a larger netlist has no depth report. */
const MAX_DEPTH_JSON_BYTES = 400 * 1024 * 1024;

function readDepth(path: string, top: string): DepthReport | null {
  if (!existsSync(path) || statSync(path).size > MAX_DEPTH_JSON_BYTES) return null;
  return analyseDepthFile(path, top);
}

export function parseFlowResult(flow: SynthFlow, dir: string, cacheKey: string): FlowResult {
  const done = JSON.parse(readMaybe(join(dir, 'done.json')) || '{"exitCode":-1,"seconds":0,"output":""}') as { exitCode: number; seconds: number; output: string };
  const log = readMaybe(join(dir, 'yosys.log'));
  const errorLine = /^.*ERROR: .*$/m.exec(log)?.[0] ?? /^.*ERROR: .*$/m.exec(done.output)?.[0] ?? (done.exitCode === 0 ? null : `yosys exited with ${done.exitCode}`);
  const usage = /CPU: user ([\d.]+)s system ([\d.]+)s, MEM: ([\d.]+) MB peak/.exec(log);
  const stat = parseStatJson(readMaybe(join(dir, 'stat.json')));
  const coarse = parseStatJson(readMaybe(join(dir, 'coarse-stat.json')));
  const top = 'tlsnic_tx_top';
  const instances = stat ? instanceCounts(stat, top) : {};
  const coarseInstances = coarse ? instanceCounts(coarse, top) : {};
  const modules: ModuleStat[] = stat
    ? Object.entries(stat.modules).map(([n, s]) => ({ name: shortModuleName(n), cells: s.num_cells, cellsByType: s.num_cells_by_type }))
    : [];
  const ltp = readMaybe(join(dir, 'ltp.txt'));
  const ltpLen = /length=(-?\d+)/.exec(ltp);
  const pathNets = [...ltp.matchAll(/^\s+\d+: (\S+(?: \[\d+\])?)/gm)].map((m) => m[1]);
  const scc = /Found (\d+) SCCs\./.exec(readMaybe(join(dir, 'scc.txt')));
  const checkText = readMaybe(join(dir, 'check.txt'));
  const checkN = /Found and reported (\d+) problems/.exec(checkText);
  const warnings = [...new Set(log.split('\n').filter((l) => l.startsWith('Warning:')).map((l) => l.trim()))];
  const latchLines = log.split('\n').filter((l) => /Latch inferred for signal/.test(l)).map((l) => l.trim());
  return {
    flow,
    dir,
    cacheKey,
    ok: done.exitCode === 0 && errorLine === null,
    error: errorLine,
    exitCode: done.exitCode,
    seconds: done.seconds,
    cpuSeconds: usage ? Number(usage[1]) + Number(usage[2]) : 0,
    peakMemMb: usage ? Number(usage[3]) : 0,
    modules,
    instances,
    designCells: designCells(stat, instances),
    coarseCells: designCells(coarse, coarseInstances),
    memories: parseMemories(readMaybe(join(dir, 'memories.il')), coarseInstances),
    mappings: parseMappings(log),
    longestPath: ltpLen && Number(ltpLen[1]) >= 0 ? Number(ltpLen[1]) : null,
    longestPathEnds: pathNets.length >= 2 ? [pathNets[0], pathNets[pathNets.length - 1]] : null,
    sccs: scc ? Number(scc[1]) : null,
    depth: readDepth(join(dir, 'lut6.json'), top),
    checkProblems: checkN ? Number(checkN[1]) : null,
    checkText,
    warnings,
    latchLines,
    netlistPath: existsSync(join(dir, 'netlist.v')) ? join(dir, 'netlist.v') : null,
  };
}
