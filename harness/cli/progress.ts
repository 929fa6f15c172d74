// Progress for long steps: on a terminal an animated line that is replaced by the result; when
// not a terminal (CI, pipes) one plain line when the step starts and one when it ends.
export interface Progress {
  done(result: string): void;
}

export function progress(step: string, out: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  if (!out.isTTY) {
    out.write(`… ${step}\n`);
    return { done: (result) => out.write(`✓ ${step}: ${result}\n`) };
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = () => out.write(`\r${frames[i++ % frames.length]} ${step} (${((Date.now() - t0) / 1000).toFixed(0)} s)\x1b[K`);
  draw();
  const timer = setInterval(draw, 250);
  return {
    done(result) {
      clearInterval(timer);
      out.write(`\r✓ ${step}: ${result}\x1b[K\n`);
    },
  };
}
