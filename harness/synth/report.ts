// report.json (everything, machine-readable) and report.md (for people) of a synthesis handoff.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LUT_LEVEL_GOAL, type SynthCheck } from './checks.ts';
import type { ResimResult } from './resim.ts';
import type { BundleFile, SynthTarget } from './types.ts';
import type { FlowResult } from './parse.ts';

export interface SynthReport {
  target: SynthTarget;
  generatedAt: string;
  yosysVersion: string;
  verilatorVersion: string;
  bundle: { dir: string; files: BundleFile[]; includes: BundleFile[]; parameters: Readonly<Record<string, number>>; aesLanes: number; overlay: string[] };
  lint: { ok: boolean; output: string; seconds: number };
  flows: FlowResult[];
  resim: ResimResult | null;
  checks: SynthCheck[];
  ok: boolean;
}

export interface ResourceSummary {
  /** Generic flow: flip-flops, logic gates, RAM cells and RAM bits. */
  generic?: { ffs: number; gates: number; rams: number; ramBits: number; romsAsLogic: number };
  /** Xilinx flow: the usual utilization columns. */
  xilinx?: { luts: number; inv: number; ffs: number; bram36: number; ramb36: number; ramb18: number; uram: number; dsp: number; lutram: number; srl: number; carry: number; muxf: number };
}

const sum = (cells: Record<string, number>, re: RegExp) => Object.entries(cells).filter(([t]) => re.test(t)).reduce((n, [, k]) => n + k, 0);

export function summarizeResources(f: FlowResult): ResourceSummary {
  const c = f.designCells;
  if (f.flow === 'generic') {
    const ffs = sum(c, /^\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|DFFSR|DFFSRE|ALDFF|ALDFFE)_/);
    const rams = c.$mem_v2 ?? 0;
    const ramBits = f.memories.filter((m) => m.writePorts > 0).reduce((n, m) => n + m.size * m.width * m.instances, 0);
    const roms = f.memories.filter((m) => m.writePorts === 0).reduce((n, m) => n + m.instances, 0);
    return { generic: { ffs, gates: sum(c, /^\$_/) - ffs, rams, ramBits, romsAsLogic: roms } };
  }
  const ramb36 = c.RAMB36E2 ?? 0;
  const ramb18 = c.RAMB18E2 ?? 0;
  return {
    xilinx: {
      luts: sum(c, /^LUT[1-6]$/),
      // INV cells: Vivado implements them as LUT1s (or folds them into neighbours).
      inv: c.INV ?? 0,
      ffs: sum(c, /^FD[CPRS]E$/),
      bram36: ramb36 + ramb18 / 2,
      ramb36,
      ramb18,
      uram: sum(c, /^URAM288/),
      dsp: sum(c, /^DSP48E2$/),
      lutram: sum(c, /^RAM(32|64|128|256|512)/),
      srl: sum(c, /^SRL/),
      // Yosys 0.23 maps adders to CARRY4 even for UltraScale+ (whose slice has CARRY8).
      carry: sum(c, /^CARRY[48]$/),
      muxf: sum(c, /^MUXF[789]$/),
    },
  };
}

function flowSection(f: FlowResult): string {
  const L: string[] = [];
  L.push(`### Flow \`${f.flow}\`${f.flow === 'xilinx' ? ' (synth_xilinx -family xcup, UltraScale+)' : ' (Yosys generic gates; RAMs kept as $mem_v2)'}`, '');
  if (!f.ok) {
    L.push(`**Yosys failed:** \`${f.error}\``, '', `Log: \`${f.dir}/yosys.log\``, '');
    return L.join('\n');
  }
  L.push(`Run: ${f.seconds.toFixed(0)} s wall, ${f.cpuSeconds.toFixed(0)} s CPU, ${f.peakMemMb.toFixed(0)} MB peak (cache key ${f.cacheKey}).`, '');
  const r = summarizeResources(f);
  if (r.generic) {
    const g = r.generic;
    L.push('| flip-flops | logic gates | RAMs ($mem_v2) | RAM bits | ROMs mapped to gates |', '| ---: | ---: | ---: | ---: | ---: |',
      `| ${g.ffs} | ${g.gates} | ${g.rams} | ${g.ramBits} | ${g.romsAsLogic} |`, '');
  }
  if (r.xilinx) {
    const x = r.xilinx;
    L.push('| LUT (LUT1–6) | INV | FF | BRAM (36 Kb eq.) | RAMB36E2 | RAMB18E2 | URAM288 | DSP48E2 | LUTRAM | SRL | CARRY4/8 | MUXF7/8 |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${x.luts} | ${x.inv} | ${x.ffs} | ${x.bram36} | ${x.ramb36} | ${x.ramb18} | ${x.uram} | ${x.dsp} | ${x.lutram} | ${x.srl} | ${x.carry} | ${x.muxf} |`, '');
  }
  L.push(`Longest logic path: **${f.longestPath ?? 'n/a'} levels** (flip-flops, RAMs and ports as start/end points)${f.longestPathEnds ? `, from \`${f.longestPathEnds[0]}\` to \`${f.longestPathEnds[1]}\`` : ''}.`, '');
  if (f.depth) {
    const d = f.depth;
    L.push(`LUT6 logic depth (harness/synth/depth.ts; ${f.flow === 'generic' ? 'the flattened gates remapped by `abc -fast -lut 6`' : 'LUT, MUXF and CARRY cells'}; flip-flops, RAMs and ports as start and end points): **${d.worst.levels} levels**, goal ${LUT_LEVEL_GOAL} (issue 16). Deepest path ending in each module instance:`, '',
      '| instance | LUT levels | from | to |', '| --- | ---: | --- | --- |');
    for (const i of d.instances) L.push(`| ${i.instance || '(top)'} | ${i.levels} | \`${i.from}\` | \`${i.to}\` |`);
    L.push('');
  }
  if (f.flow === 'xilinx') {
    // Per module: own cells of one instance, and the design total (times the instance count).
    L.push('Per module (own cells of one instance; "total" = times the instance count):', '',
      '| module | instances | LUT | FF | MUXF7/8 | CARRY | SRL | RAM cells | LUT total | FF total |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const m of [...f.modules].sort((a, b) => b.cells * (f.instances[b.name] ?? 0) - a.cells * (f.instances[a.name] ?? 0))) {
      const n = f.instances[m.name] ?? 0;
      const c = m.cellsByType;
      const lut = sum(c, /^LUT[1-6]$/), ff = sum(c, /^FD[CPRS]E$/);
      L.push(`| ${m.name} | ${n} | ${lut} | ${ff} | ${sum(c, /^MUXF[789]$/)} | ${sum(c, /^CARRY[48]$/)} | ${sum(c, /^SRL/)} | ${sum(c, /^(RAMB|URAM|RAM(32|64|128|256|512))/)} | ${lut * n} | ${ff * n} |`);
    }
    L.push('');
  }
  L.push('Cells per module (own cells, one instance; instance count in the design):', '', '| module | instances | cells |', '| --- | ---: | ---: |');
  for (const m of [...f.modules].sort((a, b) => b.cells - a.cells)) L.push(`| ${m.name} | ${f.instances[m.name] ?? 0} | ${m.cells} |`);
  L.push('');
  L.push('Memory inference (`memory -nomap`):', '', '| module | memory | depth x width | kind | read | instances |', '| --- | --- | --- | --- | --- | ---: |');
  for (const m of f.memories) L.push(`| ${m.module} | ${m.memid} | ${m.size} x ${m.width} | ${m.writePorts ? 'RAM' : 'ROM'} | ${m.syncRead ? 'sync' : 'async'} | ${m.instances} |`);
  if (f.mappings.length) {
    L.push('', 'Memory mapping:', '', '| memory | mapped to |', '| --- | --- |');
    for (const m of f.mappings) L.push(`| ${m.memory} | ${m.mappedTo} |`);
  }
  L.push('');
  if (f.warnings.length) {
    L.push(`Warnings (${f.warnings.length} distinct):`, '', '```', ...f.warnings.slice(0, 40), ...(f.warnings.length > 40 ? [`... ${f.warnings.length - 40} more in yosys.log`] : []), '```', '');
  } else {
    L.push('Warnings: none.', '');
  }
  return L.join('\n');
}

export function reportMarkdown(r: SynthReport): string {
  const t = r.target;
  const L: string[] = [];
  L.push(`# tlsnic TX engine: synthesis report, target \`${t.name}\``, '');
  L.push(`Generated ${r.generatedAt} by \`tlsnic synth\` (harness/synth.ts). **Result: ${r.ok ? 'all checks pass' : 'CHECKS FAIL'}.**`, '');
  L.push(`- Yosys: ${r.yosysVersion}`, `- Verilator: ${r.verilatorVersion}`,
    `- Top: \`tlsnic_tx_top\` (wrapper of \`tlsnic_tx_engine\`), W = ${t.width}, N_CTX = ${t.nCtx}, MAX_FRAME = ${t.maxFrame}, AES lanes = ${r.bundle.aesLanes}, AES-128/256-GCM`,
    `- Target clock (constraint templates): ${t.clockMhz} MHz`);
  if (r.bundle.overlay.length) L.push(`- **RTL overlay:** ${r.bundle.overlay.join(', ')} replaced from the overlay directory (not the repository's rtl/)`);
  L.push('', '## Checks', '', '| check | result | detail |', '| --- | --- | --- |');
  for (const c of r.checks) L.push(`| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail.split('\n')[0].replace(/\|/g, '\\|')}${c.detail.includes('\n') ? ' …' : ''} |`);
  const failing = r.checks.filter((c) => !c.ok);
  if (failing.length) {
    L.push('', 'Failing checks in full:', '');
    for (const c of failing) L.push(`**${c.name}**`, '', '```', c.detail, '```', '');
  }
  L.push('', '## Results', '');
  for (const f of r.flows) L.push(flowSection(f));
  if (r.resim) {
    const s = r.resim;
    L.push('### Post-synthesis simulation (generic netlist, Verilator, tb/tb_tx_engine.cpp)', '',
      `Scenario: seed ${s.plan.seed}, ${s.plan.flows} connections x ${s.plan.bytesPerFlow} bytes, loss ${s.plan.loss}, faults ${s.plan.faults ? 'on' : 'off'}, input gaps ${s.plan.gapPermille}‰, output stalls ${s.plan.stallPermille}‰: ${s.frames} frames, ${s.packets} packets, ${s.cycles} cycles.`, '',
      `- S-box: ${s.sboxProof.detail}; simulated file: \`${s.simulatedNetlist.split('/').pop()}\`${s.sboxProof.ok ? ' (the netlist with that proven module as a ROM, every other gate as Yosys wrote it)' : ' (the netlist as written)'}`,
      `- netlist vs golden model: ${s.netlistVsModel ?? 'equal'}`,
      `- netlist vs RTL (cycle stamps, counters): ${s.netlistVsRtl ?? 'equal'}`,
      `- RTL vs golden model: ${s.rtlVsModel ?? 'equal'}`,
      `- build ${s.buildSeconds.toFixed(0)} s, netlist simulation ${s.netlistSimSeconds.toFixed(1)} s, RTL simulation ${s.rtlSimSeconds.toFixed(2)} s`, '');
  }
  L.push('## Bundle', '', 'Files in compile order (`files.f`), with SHA-256:', '', '| file | from | sha256 |', '| --- | --- | --- |');
  for (const f of [...r.bundle.files, ...r.bundle.includes]) L.push(`| ${f.path} | ${f.origin} | \`${f.sha256.slice(0, 16)}…\` |`);
  L.push('', 'Also: `parameters.json`, `constraints/tlsnic_tx_top.{sdc,xdc}`, `lint.txt`, `yosys-<flow>/` (script, log, stat, netlist), `README.md` (docs/fpga-handoff.md).', '');
  return L.join('\n');
}

export function writeReports(dir: string, r: SynthReport): void {
  const json = {
    ...r,
    resources: Object.fromEntries(r.flows.filter((f) => f.ok).map((f) => [f.flow, summarizeResources(f)[f.flow]])),
    flows: r.flows.map((f) => ({ ...f, checkText: f.checkText.slice(0, 4000) })),
  };
  writeFileSync(join(dir, 'report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(join(dir, 'report.md'), reportMarkdown(r));
}
