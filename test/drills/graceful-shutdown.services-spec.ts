import { existsSync } from 'node:fs';
import { BUILT_LEDGER, BUILT_WORKER } from './drill-processes';
import { describeRows } from './drill-rows';
import { runGracefulShutdownDrill } from './graceful-shutdown';

/**
 * The short version of `npm run drill:graceful-shutdown`, for `npm run test:services` (CI builds the
 * apps first; locally run `npm run build`): the built API (LEDGER_PROCESS=api) and the built worker
 * on a scratch database and a redis-server of the test's own, 8 clients appending for 2 s, both sent
 * SIGTERM: each exits 0 within 10 s, every request is acknowledged, answered 503 or refused, nothing
 * acknowledged is lost, and both start again on the same data. (The embedded ledger's stop is covered
 * in-process by test/graceful-shutdown.e2e-spec.ts, and by the drill.)
 */
describe('the ledger sent SIGTERM under load', () => {
  it('refuses new work, finishes what it was doing and exits 0 within 10 s, losing nothing', async () => {
    for (const built of [BUILT_LEDGER, BUILT_WORKER]) {
      if (!existsSync(built)) throw new Error(`${built} is not built: npm run build`);
    }
    const lines: string[] = [];
    const rows = await runGracefulShutdownDrill({
      modes: ['api+worker'],
      clients: 8,
      loadMs: 2_000,
      limitMs: 10_000,
      databaseUrl: process.env.DATABASE_URL as string,
      say: (line) => lines.push(line),
    });
    if (rows.failures.length > 0) console.log(describeRows(rows, lines));
    expect(rows.failures).toEqual([]);
    expect(rows.rows.filter((row) => row.ok === true).length).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
