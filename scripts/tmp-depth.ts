import { analyseDepthFile } from '../harness/synth/depth.ts';
const r = analyseDepthFile(process.argv[2], process.argv[3] ?? 'tlsnic_tx_top');
for (const i of r.instances.slice(0, 16)) console.log(i.levels, i.instance || '(top)', i.from, '->', i.to);
