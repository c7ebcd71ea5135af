/**
 * Detection lag (issue: suspected violations "within 2 s of the access being appended, with 10,000
 * accesses arriving in batches of 500"), beside the ceilings measured in the same run: how long an
 * append of a batch takes to be acknowledged, and how long the journal's own NOTIFY takes to reach a
 * listener after that (no reactor can see an access sooner without polling).
 *
 *   npx ts-node --swc -r tsconfig-paths/register bench/detection.ts [--events 10000] [--batch 500] [--rate 2000] [--uncovered 0.5]
 *
 * On a scratch PostgreSQL database: registers a conditional dataset and records grants as the system,
 * then appends DataAccessed in batches at a steady rate (a share of them not covered by any grant)
 * while every projection of the ledger runs in this process with the detection recorder, as the
 * worker runs them. For each detection: from its access's recordedAt to its own (both the journal's
 * clock), split into the reactor's part (append acknowledged → the reactor's checkpoint past it).
 */
import { randomUUID } from 'node:crypto';
import { API_SOURCE, LedgerEntry, SYSTEM_ACTOR } from '@ledger/events';
import { createProjectionEngine, DetectionRecorder, VIOLATION_DETECTION_REACTOR } from '@ledger/projections';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import { APPENDED_CHANNEL, NewEvent, openJournal } from '@ledger/store';
import { createScratchDatabase } from '../test/support/test-backend';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  events: { type: 'string', default: '10000' },
  batch: { type: 'string', default: '500' },
  rate: { type: 'string', default: '2000' },
  uncovered: { type: 'string', default: '0.5' },
  'database-url': DATABASE_URL_OPTION,
});
const EVENTS = Number(args.events);
const BATCH = Number(args.batch);
const RATE = Number(args.rate);
const UNCOVERED = Number(args.uncovered);
const GRANTEES = 100;
const DAY = 86_400_000;
const rulebooks = new Rulebooks(loadRulebooks());

function systemEvent(type: string, data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: data as NewEvent['data'],
    metadata: { actor: SYSTEM_ACTOR, legalBasis: rulebooks.legalBasisFor(type, new Date()) },
    source: API_SOURCE,
    schemaVersion: 1,
  };
}

function access(index: number): NewEvent {
  const covered = (index * 7919) % 1000 >= UNCOVERED * 1000;
  return {
    id: randomUUID(),
    type: 'DataAccessed',
    data: {
      datasetId: 'air',
      principal: covered ? `grantee-${index % GRANTEES}` : `stranger-${index % GRANTEES}`,
      channel: 'api',
      recordCount: 100,
      fields: ['station', 'pm25'],
    },
    metadata: {
      actor: { id: 'gateway', role: 'publisher' },
      legalBasis: rulebooks.legalBasisFor('DataAccessed', new Date()),
    },
    source: 'urn:gateway:download',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  console.log(
    `Detection lag on PostgreSQL (scratch database ${scratch.name}): ${EVENTS} DataAccessed in batches of ${BATCH} at ${RATE} events/s, ${UNCOVERED * 100}% uncovered\n`,
  );
  const journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused' });
  const ackedAt = new Map<number, number>();
  const appendLags: number[] = [];
  const notifyLags: number[] = [];
  const reactorLags: number[] = [];
  let reactorSeen = -1;
  const engine = createProjectionEngine(
    journal,
    { rulebooks },
    {
      onApplied: (projection, position) => {
        if (projection !== VIOLATION_DETECTION_REACTOR) return;
        const now = performance.now();
        for (let at = reactorSeen + 1; at <= position; at++) {
          const acked = ackedAt.get(at);
          if (acked !== undefined) reactorLags.push(now - acked);
        }
        reactorSeen = position;
      },
    },
  );
  const recorder = new DetectionRecorder(journal.database, journal.store, {
    onError: (error) => console.error('recorder:', error.message),
  });
  try {
    await journal.store.append('dataset-air', [
      systemEvent('DatasetRegistered', {
        title: 'Air quality stations',
        organizationId: 'ecology-bureau',
        classification: 'conditional',
        classificationBasis: 'station addresses',
        fields: ['station', 'pm25', 'address'],
        updateFrequency: 'monthly',
      }),
    ]);
    for (let grantee = 0; grantee < GRANTEES; grantee++) {
      await journal.store.append(`grant-g${grantee}`, [
        systemEvent('AccessGranted', {
          applicationId: `application-g${grantee}`,
          datasetId: 'air',
          grantee: `grantee-${grantee}`,
          scope: 'research',
          fields: ['station', 'pm25'],
          validFrom: new Date(Date.now() - DAY).toISOString(),
          validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
          obligations: 'none',
          reportingInterval: 'P1M',
        }),
      ]);
    }
    await engine.start();
    await recorder.start();
    reactorSeen = (await engine.checkpoints()).get(VIOLATION_DETECTION_REACTOR) ?? -1;
    const stopListening = await journal.database.listen(APPENDED_CHANNEL, (payload) => {
      const acked = ackedAt.get(Number(payload));
      if (acked !== undefined) notifyLags.push(performance.now() - acked);
    });

    const intervalMs = (BATCH / RATE) * 1000;
    const started = performance.now();
    const pending: Promise<void>[] = [];
    const accessIds = new Set<string>();
    let expected = 0;
    for (let sent = 0, tick = 0; sent < EVENTS; sent += BATCH, tick++) {
      const wait = started + tick * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const events = Array.from({ length: Math.min(BATCH, EVENTS - sent) }, (_, index) =>
        access(sent + index),
      );
      for (const event of events) {
        accessIds.add(event.id);
        if (String(event.data.principal).startsWith('stranger')) expected += 1;
      }
      const submitted = performance.now();
      pending.push(
        journal.store.append('usage-air', events).then((result) => {
          const now = performance.now();
          appendLags.push(now - submitted);
          for (const appended of result.events) ackedAt.set(appended.globalPosition, now);
        }),
      );
    }
    await Promise.all(pending);
    const achieved = EVENTS / ((performance.now() - started) / 1000);

    let detections: LedgerEntry[] = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const slice = await journal.store.readStream('detection-air');
      if (slice.entries.length >= expected) {
        detections = slice.entries.map((stored) => JSON.parse(stored.canonical) as LedgerEntry);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stopListening();
    const accesses = (await journal.store.readStream('usage-air')).entries.map(
      (stored) => JSON.parse(stored.canonical) as LedgerEntry,
    );
    const recordedAt = new Map(accesses.map((entry) => [entry.id, Date.parse(entry.recordedAt)]));
    const lags = detections.map(
      (entry) => Date.parse(entry.recordedAt) - (recordedAt.get(entry.data.accessEventId as string) ?? NaN),
    );

    console.log(
      `appended ${EVENTS.toLocaleString('en')} accesses at ${Math.round(achieved).toLocaleString('en')} events/s; ` +
        `${detections.length.toLocaleString('en')} detections recorded of ${expected.toLocaleString('en')} expected\n`,
    );
    console.log('| measurement | p50 | p99 | max | target |');
    console.log('|---|---|---|---|---|');
    const row = (name: string, values: number[], target: string) =>
      console.log(
        `| ${name} | ${percentile(values, 50).toFixed(1)} ms | ${percentile(values, 99).toFixed(1)} ms | ${Math.max(...values).toFixed(1)} ms | ${target} |`,
      );
    row(`append of a batch of ${BATCH} acknowledged (ceiling)`, appendLags, '—');
    row('NOTIFY reaches a listener after the append is acknowledged (ceiling)', notifyLags, '—');
    row('reactor checkpoint past the access, after its append is acknowledged', reactorLags, '—');
    row('detection recorded after its access (recordedAt to recordedAt)', lags, 'max < 2,000 ms');
    if (detections.length !== expected) process.exitCode = 1;
  } finally {
    await recorder.stop();
    await engine.stop();
    await journal.close();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
