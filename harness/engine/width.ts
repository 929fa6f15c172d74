// The RTL datapath (AXI-Stream tdata) widths both engines are built and run at: parameter W in
// bits. The one list of allowed widths and the one type every runner, scenario and command uses.

/** Every width the engines support, narrowest first. */
export const WIDTHS = [128, 256, 512] as const;

/** tdata width in bits (parameter W). */
export type Width = (typeof WIDTHS)[number];

export function isWidth(n: number): n is Width {
  return (WIDTHS as readonly number[]).includes(n);
}
