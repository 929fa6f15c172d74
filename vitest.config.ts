import { defineConfig } from 'vitest/config';

// RTL suites build Verilator binaries (minutes) and stream whole batches through them,
// so per-test timeouts are generous; each simulator configuration is built once per run
// and cached under build/ (see harness/engine/build-sim.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
