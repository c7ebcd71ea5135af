import { readFileSync } from 'node:fs';
import { AppProcess, hasExited } from './drill-processes';

/**
 * The crash and shutdown drills' summary rows, collected while they run so that the drill script
 * prints them as drill-processes' Summary table and the CI spec asserts on the failures.
 */

/** A row of the summary table; a check when `ok` is given. */
export interface DrillRow {
  name: string;
  figure: string;
  ok?: boolean;
  failure?: string;
}

/** Collects the summary's rows while the drill runs (printed at the end, asserted by the CI spec). */
export class DrillRows {
  readonly rows: DrillRow[] = [];

  /** A row; with `check`, a check that fails with `check.failure` unless `check.ok`. */
  row(name: string, figure: string, check?: { ok: boolean; failure: string }): void {
    this.rows.push({ name, figure, ...check });
  }

  get failures(): string[] {
    return this.rows.filter((row) => row.ok === false).map((row) => row.failure as string);
  }
}

/** A check for DrillRows.row: fails with `failure` unless `ok`. */
export const check = (ok: boolean, failure: string) => ({ ok, failure });

/** Log lines at warn (40) or above written at or after `since`, counted by message. */
export function warningsSince(logFile: string, since: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level: number; time?: number; msg?: string };
      if (entry.level < 40 || (entry.time ?? since) < since) continue;
      const message = (entry.msg ?? '').slice(0, 90);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    } catch {
      counts.set('(unparsable line)', (counts.get('(unparsable line)') ?? 0) + 1);
    }
  }
  return counts;
}

/** The rows as the Summary table prints them, after `lines` (for a failing CI spec's output). */
export function describeRows(rows: DrillRows, lines: string[] = []): string {
  return [
    ...lines,
    ...rows.rows.map(
      (row) => `| ${row.name} | ${row.figure} | ${row.ok === undefined ? '' : row.ok ? 'ok' : 'FAILED'} |`,
    ),
  ].join('\n');
}

/**
 * How `app` exited, or 'still running' after `ms` — without leaving a timer behind (a CI spec's
 * worker must be able to exit as soon as the drill is done).
 */
export async function exitWithin(app: AppProcess, ms: number): Promise<number | string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([app.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, and SIGKILL after `graceMs` if it is still running; resolves with how it exited. */
export async function stopWithin(app: AppProcess, graceMs = 20_000): Promise<number | string | null> {
  if (hasExited(app)) return app.exited;
  app.child.kill('SIGTERM');
  if ((await exitWithin(app, graceMs)) === 'still running') app.child.kill('SIGKILL');
  return app.exited;
}
