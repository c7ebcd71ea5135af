/**
 * Projection lag under a steady append load (issue 5: "projection lag p99 under 250 ms while appends
 * run at 2,000 events/s"), beside the ceiling measured in the same run: how long the journal's own
 * NOTIFY takes to reach a listener after an append is acknowledged (no projection can see an append
 * sooner than that without polling).
 *
 *   npx ts-node --swc -r tsconfig-paths/register bench/projection-lag.ts [--rate 2000] [--seconds 30]
 *
 * Appends dataset events (releases over 1,000 datasets, 20 per append every 10 ms) to a scratch
 * PostgreSQL database while every projection of the ledger runs in this process, and measures for
 * each appended event the time from its append's acknowledgement to the moment each projection's
 * checkpoint passed it.
 */
import { randomUUID } from 'node:crypto';
import { createProjectionEngine } from '@ledger/projections';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import { APPENDED_CHANNEL, NewEvent, openJournal } from '@ledger/store';
import { createScratchDatabase } from '../test/support/test-backend';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  rate: { type: 'string', default: '2000' },
  seconds: { type: 'string', default: '30' },
  'database-url': DATABASE_URL_OPTION,
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const TICK_MS = 10;
const PER_TICK = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
const DATASETS = 1000;
const officer = { id: 'officer-1', role: 'body_officer' as const, organizationId: 'org-a' };
const legalBasis = { rulebook: 'shanghai-public-data-2019/v1', article: 'Measures ch. 2' };

function event(type: string, data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: data as NewEvent['data'],
    metadata: { actor: officer, legalBasis },
    source: 'urn:open-data-ledger:api',
    schemaVersion: 1,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  console.log(
    `Projection lag on PostgreSQL (scratch database ${scratch.name}): ${RATE} events/s for ${SECONDS} s\n`,
  );
  const journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused' });
  const ackedAt = new Map<number, number>();
  const lags = new Map<string, number[]>();
  const notifyLags: number[] = [];
  let lastSeen = new Map<string, number>();
  try {
    for (let dataset = 0; dataset < DATASETS; dataset++) {
      await journal.store.append(`dataset-lag-${dataset}`, [
        event('DatasetRegistered', {
          title: `Dataset ${dataset}`,
          organizationId: 'org-a',
          classification: 'unconditional',
          classificationBasis: 'public',
          fields: ['a'],
          updateFrequency: 'irregular',
        }),
      ]);
    }
    const engine = createProjectionEngine(
      journal,
      { rulebooks: new Rulebooks(loadRulebooks()) },
      {
        pollIntervalMs: 1_000,
        onApplied: (projection, position) => {
          const now = performance.now();
          const from = (lastSeen.get(projection) ?? -1) + 1;
          for (let at = from; at <= position; at++) {
            const acked = ackedAt.get(at);
            if (acked !== undefined)
              (lags.get(projection) ?? lags.set(projection, []).get(projection))?.push(now - acked);
          }
          lastSeen.set(projection, position);
        },
      },
    );
    await engine.start();
    lastSeen = new Map((await engine.checkpoints()).entries());
    const stopListening = await journal.database.listen(APPENDED_CHANNEL, (payload) => {
      const acked = ackedAt.get(Number(payload));
      if (acked !== undefined) notifyLags.push(performance.now() - acked);
    });

    const versions = new Array<number>(DATASETS).fill(0);
    const started = performance.now();
    let appended = 0;
    const pending: Promise<void>[] = [];
    for (let tick = 0; performance.now() - started < SECONDS * 1000; tick++) {
      const due = started + tick * TICK_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const dataset = tick % DATASETS;
      const events = Array.from({ length: PER_TICK }, () =>
        event('DatasetReleased', {
          version: ++versions[dataset],
          checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          recordCount: 10,
          format: 'csv',
          maskingRules: [],
        }),
      );
      pending.push(
        journal.store.append(`dataset-lag-${dataset}`, events).then((result) => {
          const now = performance.now();
          for (const appendedEvent of result.events) ackedAt.set(appendedEvent.globalPosition, now);
          appended += result.events.length;
        }),
      );
    }
    await Promise.all(pending);
    const achieved = appended / ((performance.now() - started) / 1000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stopListening();
    await engine.stop();

    console.log(
      `appended ${appended.toLocaleString('en')} events at ${Math.round(achieved).toLocaleString('en')} events/s\n`,
    );
    console.log('| measurement | p50 | p99 | max | target |');
    console.log('|---|---|---|---|---|');
    const row = (name: string, values: number[], target: string) =>
      console.log(
        `| ${name} | ${percentile(values, 50).toFixed(1)} ms | ${percentile(values, 99).toFixed(1)} ms | ${Math.max(...values).toFixed(1)} ms | ${target} |`,
      );
    row('NOTIFY reaches a listener after the append is acknowledged (ceiling)', notifyLags, '—');
    for (const [projection, values] of lags) row(`lag of ${projection}`, values, 'p99 < 250 ms');
  } finally {
    await journal.close();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
