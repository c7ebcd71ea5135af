/**
 * Rebuilding a view from the whole journal (issue 5: "rebuild of the catalogue and history views from
 * 1,000,000 events: at least 20,000 events/s"), beside the ceiling measured in the same run on the
 * same database: reading the same rows in order, in pages, and parsing each entry — what any rebuild
 * must at least do.
 *
 *   npx ts-node --swc -r tsconfig-paths/register bench/rebuild.ts [--events 1000000] [--datasets 10000]
 *
 * Fills a scratch PostgreSQL database (DATABASE_URL, or the local one) with dataset events — each
 * dataset registered, then released again and again, with now and then a suspension and restoration —
 * and rebuilds `dataset_catalogue` into a fresh generation with the engine the worker runs.
 */
import { randomUUID } from 'node:crypto';
import { createProjectionEngine } from '@ledger/projections';
import { loadRulebooks, Rulebooks } from '@ledger/runtime';
import { NewEvent, openJournal } from '@ledger/store';
import { createScratchDatabase } from '../test/support/test-backend';
import { rate } from './support/measure';
import { DATABASE_URL_OPTION, scriptOptions } from '../test/support/script-options';

const args = scriptOptions(__filename, {
  events: { type: 'string', default: '1000000' },
  datasets: { type: 'string', default: '10000' },
  'database-url': DATABASE_URL_OPTION,
});
const EVENTS = Number(args.events);
const DATASETS = Number(args.datasets);
const PER_DATASET = Math.ceil(EVENTS / DATASETS);
const officer = { id: 'officer-1', role: 'body_officer' as const, organizationId: 'org-a' };
const legalBasis = { rulebook: 'shanghai-public-data-2019/v1', article: 'Measures ch. 2' };

function datasetEvent(type: string, data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: data as NewEvent['data'],
    metadata: { actor: officer, legalBasis },
    source: 'urn:open-data-ledger:api',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
  };
}

/** A dataset's life: registered, then releases with a suspension and restoration every tenth event. */
function lifeOf(dataset: number): NewEvent[] {
  const events = [
    datasetEvent('DatasetRegistered', {
      title: `Dataset ${dataset}`,
      organizationId: `org-${dataset % 40}`,
      classification: 'unconditional',
      classificationBasis: 'public administrative information',
      fields: ['district', 'month', 'count'],
      updateFrequency: 'monthly',
    }),
  ];
  for (let version = 1; events.length < PER_DATASET; version++) {
    events.push(
      datasetEvent('DatasetReleased', {
        version,
        checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        recordCount: 1000 + version,
        format: 'csv',
        maskingRules: [],
      }),
    );
    if (version % 10 === 0 && events.length + 2 <= PER_DATASET) {
      events.push(datasetEvent('DatasetSuspended', { reason: 'routine security review', cause: 'security' }));
      events.push(datasetEvent('DatasetRestored', { reason: 'review passed' }));
    }
  }
  return events.slice(0, PER_DATASET);
}

function progress(label: string, done: number, total: number): void {
  if (process.stderr.isTTY)
    process.stderr.write(`\r  ${label}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')}`);
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(args['database-url'] as string, 'ledger_bench');
  console.log(
    `Rebuild benchmark on PostgreSQL (scratch database ${scratch.name}), ${(DATASETS * PER_DATASET).toLocaleString('en')} dataset events over ${DATASETS.toLocaleString('en')} datasets\n`,
  );
  const journal = await openJournal({ databaseUrl: scratch.url, dataDir: 'unused' });
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < DATASETS) {
          const dataset = next++;
          await journal.store.append(`dataset-bench-${dataset}`, lifeOf(dataset), {
            expectedVersion: 'no_stream',
          });
          progress('filling the journal', dataset + 1, DATASETS);
        }
      }),
    );
    const head = await journal.store.head();
    console.log(`\r  filled ${(head + 1).toLocaleString('en')} entries`);

    const ceilingStarted = Date.now();
    for (let from = 0; from <= head; from += 500) {
      const page = await journal.store.readAll({ fromPosition: from, toPosition: head, limit: 500 });
      for (const stored of page) JSON.parse(stored.canonical);
      progress('reading and parsing (ceiling)', Math.min(from + 500, head + 1), head + 1);
    }
    const ceiling = (head + 1) / ((Date.now() - ceilingStarted) / 1000);
    console.log(`\r  read + parse in pages of 500 (ceiling): ${rate(ceiling)} events/s`);

    const engine = createProjectionEngine(journal, { rulebooks: new Rulebooks(loadRulebooks()) });
    await engine.catchUp('dataset_catalogue');
    const rebuildStarted = Date.now();
    await engine.rebuild('dataset_catalogue', ({ position, head: until }) =>
      progress('rebuilding', position + 1, until + 1),
    );
    const rebuilt = (head + 1) / ((Date.now() - rebuildStarted) / 1000);
    console.log(`\r  rebuild of dataset_catalogue: ${rate(rebuilt)} events/s`);

    console.log('\nResults');
    console.log(`  read + parse (ceiling)        ${rate(ceiling)} events/s`);
    console.log(
      `  rebuild dataset_catalogue     ${rate(rebuilt)} events/s   target ≥ 20,000 (${Math.round((rebuilt / ceiling) * 100)}% of the ceiling)`,
    );
  } finally {
    await journal.close();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
