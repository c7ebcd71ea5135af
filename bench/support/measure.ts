import { ChildProcess, fork } from 'node:child_process';
import autocannon from 'autocannon';
import { withClient } from '../../test/support/test-backend';

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Drives `url` with autocannon for `seconds` after a warm-up, and reports throughput and latency. */
export async function loadHttp(options: {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  /** POST this body; absent: GET. */
  body?: () => string;
  /** A new path for every request (random positions, say); absent: the url's. */
  path?: () => string;
  title: string;
}): Promise<HttpFigures> {
  const { body, path } = options;
  const run = (duration: number) =>
    autocannon({
      url: options.url,
      method: body ? 'POST' : 'GET',
      connections: options.connections,
      duration,
      headers: options.headers,
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            ...(body && { body: body() }),
            ...(path && { path: path() }),
          }),
        },
      ],
    });
  process.stdout.write(`  ${options.title}: warming up… `);
  await run(2);
  process.stdout.write(`measuring ${options.seconds} s… `);
  const result = await run(options.seconds);
  process.stdout.write('done\n');
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Runs `work` from `callers` concurrent loops for `seconds`, after a 2-second warm-up (as loadHttp
 * warms up: the compiler, the pool's connections, the database's caches); returns units completed per second.
 */
export async function loadInProcess(
  title: string,
  callers: number,
  seconds: number,
  work: () => Promise<number>,
): Promise<number> {
  process.stdout.write(`  ${title}: warming up… `);
  await runCallers(callers, 2, work);
  process.stdout.write(`measuring ${seconds} s… `);
  const perSecond = await runCallers(callers, seconds, work);
  process.stdout.write(`${Math.round(perSecond).toLocaleString('en')} per second\n`);
  return perSecond;
}

async function runCallers(callers: number, seconds: number, work: () => Promise<number>): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let units = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < until) {
        // Not `units += await work()`: that reads `units` before the await and loses the other callers' counts.
        const done = await work();
        units += done;
      }
    }),
  );
  return units / ((Date.now() - started) / 1000);
}

/** Starts a Node script as a child process and waits until it reports ready (IPC) or its HTTP port answers. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  readyUrl?: string,
  execArgv: string[] = [],
): Promise<ChildProcess> {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`))),
  );
  const ready = readyUrl
    ? waitForUrl(readyUrl)
    : new Promise<void>((resolve) => child.once('message', () => resolve()));
  await Promise.race([ready, exited]);
  return child;
}

async function waitForUrl(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within a minute`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export function percent(value: number, ceiling: number): string {
  return `${((100 * value) / ceiling).toFixed(0)}%`;
}

export function rate(value: number): string {
  return Math.round(value).toLocaleString('en');
}

/** Node flags the ledger runs with, as `npm start` and the Dockerfile start it. */
export const LEDGER_NODE_FLAGS = ['--max-old-space-size=192'];

/**
 * Waits until every projection of the ledger at `baseUrl` is at the journal's head (its /health/ready
 * lags), printing how far behind they are, and reports how long that took. A ledger that runs its
 * worker starts its views from nothing over what a bench filled in, and figures measured meanwhile
 * would be the catch-up's, not the steady state's.
 */
export async function waitForViewsToCatchUp(baseUrl: string, limitMs = 600_000): Promise<void> {
  const started = Date.now();
  for (let behind = Infinity; behind > 0;) {
    if (Date.now() - started > limitMs) {
      throw new Error(`the ledger's views were still ${behind} entries behind after ${limitMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const ready = (await (await fetch(`${baseUrl}/health/ready`)).json()) as {
      info?: { projections?: Record<string, { lag?: number } | string> };
    };
    const lags = Object.values(ready.info?.projections ?? {}).flatMap((projection) =>
      typeof projection === 'object' && projection.lag !== undefined ? [projection.lag] : [],
    );
    behind = lags.length === 0 ? Infinity : Math.max(...lags);
    process.stdout.write(
      `\r  the ledger's views catching up: ${behind.toLocaleString('en')} entries behind   `,
    );
  }
  console.log(
    `\r  the ledger's views caught up with the journal in ${((Date.now() - started) / 1000).toFixed(0)} s   `,
  );
}

/**
 * Waits until the transparency log of the ledger at `baseUrl` holds every entry of the journal in
 * `databaseUrl` (its public checkpoint's size is the journal's length). A ledger that starts its
 * sequencer over entries appended while the log was off integrates them first, and figures measured
 * meanwhile would be that catch-up's, not the steady state's.
 */
export async function waitForLogToCatchUp(
  baseUrl: string,
  databaseUrl: string,
  limitMs = 600_000,
): Promise<void> {
  const started = Date.now();
  const journalLength = await withClient(databaseUrl, async (client) => {
    const [{ length }] = (
      await client.query<{ length: string }>(
        'SELECT coalesce(max(global_position) + 1, 0) AS length FROM ledger.events',
      )
    ).rows;
    return Number(length);
  });
  for (let behind = journalLength; ;) {
    const checkpoint = await (await fetch(`${baseUrl}/v1/log/checkpoint`)).text();
    const logSize = Number(checkpoint.split('\n')[1]);
    behind = journalLength - (Number.isSafeInteger(logSize) ? logSize : 0);
    process.stdout.write(
      `\r  the transparency log catching up: ${Math.max(behind, 0).toLocaleString('en')} entries behind   `,
    );
    if (behind <= 0) break;
    if (Date.now() - started > limitMs) {
      throw new Error(`the log was still ${behind} entries behind after ${limitMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(
    `\r  the transparency log caught up with the journal in ${((Date.now() - started) / 1000).toFixed(0)} s   `,
  );
}
