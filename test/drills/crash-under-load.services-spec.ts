import { existsSync } from 'node:fs';
import { runCrashUnderLoadDrill } from './crash-under-load';
import { BUILT_CLI, BUILT_LEDGER } from './drill-processes';
import { describeRows } from './drill-rows';

/**
 * The short version of `npm run drill:crash-under-load`, for `npm run test:services` (CI builds the
 * apps first; locally run `npm run build`): the built API (LEDGER_PROCESS=api) on a scratch database,
 * 8 clients appending for up to 3 s, one SIGKILL, a restart, the same checks as the drill — every
 * acknowledged event there once, every batch all or nothing, unanswered requests resent, the first
 * checkpoint after the restart consistent with the last one before — and `ledger audit` at the end.
 */
describe('the ledger SIGKILLed under load', () => {
  it('loses nothing acknowledged, half-writes nothing, and its log and audit agree after the restart', async () => {
    for (const built of [BUILT_LEDGER, BUILT_CLI]) {
      if (!existsSync(built)) throw new Error(`${built} is not built: npm run build`);
    }
    const lines: string[] = [];
    const rows = await runCrashUnderLoadDrill({
      cycles: 1,
      clients: 8,
      loadMs: 3_000,
      processRole: 'api',
      databaseUrl: process.env.DATABASE_URL as string,
      say: (line) => lines.push(line),
    });
    if (rows.failures.length > 0) console.log(describeRows(rows, lines));
    expect(rows.failures).toEqual([]);
    expect(rows.rows.filter((row) => row.ok === true).length).toBeGreaterThanOrEqual(8);
  }, 120_000);
});
