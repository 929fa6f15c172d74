// The engine's completion stream in a closed loop (issue 17, models/driver-tx.ts 'seek' mode): a
// golden model steps over the frames the drivers have posted so far and hands each finished
// record's tag back `latency` frames later, as a NIC's completion queue would. Used by the TX
// scenarios (harness/tx/scenario.ts) and by replay (harness/replay/replay.ts).
import { createNicTx, nicTxStep, type NicTxConfig, type TxCompletion } from '../../models/nic-tx.ts';
import type { TxFrame } from '../../models/tx-frames.ts';

export const DEFAULT_COMPLETION_LATENCY = 16;

/** Returns `feed(frames)`: call it after appending to `frames`; it steps the new ones and delivers what is due. */
export function completionLoop(nic: NicTxConfig, latency: number, deliver: (c: TxCompletion) => void): (frames: readonly TxFrame[]) => void {
  const st = createNicTx(nic);
  const pending: { at: number; c: TxCompletion }[] = [];
  let stepped = 0;
  return (frames) => {
    for (; stepped < frames.length; stepped++) {
      for (const c of nicTxStep(st, frames[stepped]).completions ?? []) pending.push({ at: stepped + latency, c });
    }
    while (pending.length > 0 && pending[0].at <= stepped) deliver(pending.shift()!.c);
  };
}
