import { randomUUID } from 'node:crypto';
import { API_SOURCE, JsonObject, LedgerEntry, SYSTEM_ACTOR } from '@ledger/events';
import { VIOLATION_DETECTION_REACTOR } from '@ledger/projections';
import { EVENT_STORE, Rulebooks } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { LedgerUnderTest } from './support/ledger-under-test';
import { leaseMachineAlone } from './support/machine-lease';

const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const GATEWAY_SOURCE = 'urn:gateway:download';
const ACCESSES = 10_000;
const BATCH = 500;
const BATCH_INTERVAL_MS = 250;
const LAG_LIMIT_MS = 2_000;

interface Expected {
  reason: string;
  grantId?: string;
  fields?: string[];
}

/** An access the gateway reports, and what detection should make of it (undefined: covered). */
interface AccessCase {
  datasetId: string;
  principal: string;
  grantId?: string;
  fields?: string[];
  expected?: Expected;
}

/**
 * The mix published, round robin: each principal's grant on the conditional dataset `air` (fields
 * station, pm25, address) is set up below; `parks` is unconditional and never watched.
 */
const CASES: AccessCase[] = [
  { datasetId: 'air', principal: 'user-a', fields: ['station'] },
  { datasetId: 'air', principal: 'user-a', grantId: 'g-a', fields: ['pm25', 'station'] },
  {
    datasetId: 'air',
    principal: 'user-a',
    fields: ['station', 'address'],
    expected: { reason: 'fields_outside_grant', grantId: 'g-a', fields: ['address'] },
  },
  {
    datasetId: 'air',
    principal: 'user-a',
    expected: { reason: 'fields_outside_grant', grantId: 'g-a', fields: ['address'] },
  },
  { datasetId: 'air', principal: 'user-b' },
  { datasetId: 'air', principal: 'user-c', expected: { reason: 'grant_suspended', grantId: 'g-c' } },
  { datasetId: 'air', principal: 'user-d', expected: { reason: 'grant_revoked', grantId: 'g-d' } },
  { datasetId: 'air', principal: 'user-e', expected: { reason: 'grant_expired', grantId: 'g-e' } },
  { datasetId: 'air', principal: 'user-f', expected: { reason: 'before_grant_validity', grantId: 'g-f' } },
  { datasetId: 'air', principal: 'user-g', expected: { reason: 'no_active_grant' } },
  {
    datasetId: 'air',
    principal: 'user-b',
    grantId: 'g-a',
    expected: { reason: 'no_active_grant', grantId: 'g-a' },
  },
  { datasetId: 'air', principal: 'user-h', fields: ['station'] },
  { datasetId: 'parks', principal: 'user-g' },
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Detection of suspected violations over HTTP: the gateway publishes 10,000 DataAccessed in batches
 * of 500 over a conditional dataset whose grants were recorded by the system (active, short of a
 * field, suspended, revoked, expired, not yet valid, reinstated); every access is recorded, exactly
 * the uncovered ones raise a SuspectedViolationDetected, each within 2 s of its access.
 */
describe('detecting suspected violations in usage', () => {
  let ledger: LedgerUnderTest;
  let store: EventStore;
  let gateway: { id: string; token: string };
  let officer: { token: string };

  const ok = async (answer: Promise<{ status: number; text: string; body: any }>) => {
    const settled = await answer;
    if (settled.status >= 300) throw new Error(`${settled.status}: ${settled.text}`);
    return settled;
  };

  /** Every entry of a stream, page by page over HTTP; none when it does not exist (404). */
  async function streamEntries(streamId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (;;) {
      const answer = ledger.get(`/v1/streams/${streamId}/events?fromVersion=${entries.length}&limit=1000`);
      if ((await answer).status === 404) return entries;
      const page = await ok(answer);
      entries.push(...(page.body.events as LedgerEntry[]));
      if (page.body.events.length < 1000) return entries;
    }
  }

  async function recordAsSystem(streamId: string, type: string, data: JsonObject): Promise<void> {
    const rulebooks = ledger.app.get(Rulebooks, { strict: false });
    await store.append(streamId, [
      {
        id: randomUUID(),
        type,
        data,
        metadata: { actor: SYSTEM_ACTOR, legalBasis: rulebooks.legalBasisFor(type, new Date()) },
        source: API_SOURCE,
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
      },
    ]);
  }

  async function grant(grantId: string, grantee: string, terms: JsonObject = {}): Promise<void> {
    await recordAsSystem(`grant-${grantId}`, 'AccessGranted', {
      applicationId: `application-${grantId}`,
      datasetId: 'air',
      grantee,
      scope: 'air-quality research',
      fields: ['station', 'pm25'],
      validFrom: at(-30 * DAY),
      validUntil: at(30 * DAY),
      obligations: 'no re-identification of stations',
      reportingInterval: 'P1M',
      ...terms,
    });
  }

  function cloudEvent(access: AccessCase) {
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: GATEWAY_SOURCE,
      type: 'DataAccessed',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: {
        datasetId: access.datasetId,
        principal: access.principal,
        channel: 'api',
        recordCount: 100,
        ...(access.grantId !== undefined && { grantId: access.grantId }),
        ...(access.fields !== undefined && { fields: access.fields }),
      },
    };
  }

  const publish = (events: unknown[], token: string) =>
    ledger.request('POST', '/v1/events', {
      token,
      body: JSON.stringify(events),
      contentType: 'application/cloudevents-batch+json',
    });

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    store = ledger.app.get<EventStore>(EVENT_STORE, { strict: false });
    officer = await ledger.principal('body_officer', { organizationId: 'ecology-bureau' });
    gateway = await ledger.principal('publisher', {
      publish: { types: ['DataAccessed'], sources: [GATEWAY_SOURCE] },
    });
    for (const [id, classification] of [
      ['air', 'conditional'],
      ['parks', 'unconditional'],
    ]) {
      await ok(
        ledger.post(
          '/v1/datasets',
          {
            id,
            title: `${id} (${classification})`,
            organizationId: 'ecology-bureau',
            classification,
            classificationBasis: 'station addresses are sensitive',
            fields: ['station', 'pm25', 'address'],
            updateFrequency: 'monthly',
            ...(classification === 'conditional' && { openConditions: 'a research purpose' }),
          },
          { token: officer.token },
        ),
      );
    }
    // The grant commands are another issue's: the grants are recorded as the system records them.
    await grant('g-a', 'user-a');
    await grant('g-b', 'user-b', { fields: ['station', 'pm25', 'address'] });
    await grant('g-c', 'user-c');
    await recordAsSystem('grant-g-c', 'GrantSuspended', { reason: 'usage report overdue' });
    await grant('g-d', 'user-d');
    await recordAsSystem('grant-g-d', 'AccessRevoked', { reason: 'violation confirmed', publicize: true });
    await grant('g-e', 'user-e', { validFrom: at(-60 * DAY), validUntil: at(-DAY) });
    await grant('g-f', 'user-f', { validFrom: at(DAY), validUntil: at(60 * DAY) });
    await grant('g-h', 'user-h');
    await recordAsSystem('grant-g-h', 'GrantSuspended', { reason: 'a check' });
    await recordAsSystem('grant-g-h', 'GrantReinstated', { reason: 'checked: in order' });
  });

  afterAll(async () => {
    await ledger.stop();
  });

  it('refuses DataAccessed from a publisher not scoped to it, writing nothing', async () => {
    const catalogue = await ledger.principal('publisher', {
      publish: { types: ['DatasetReleased'], sources: [GATEWAY_SOURCE] },
    });
    const head = await ledger.head();

    const answer = await publish(
      Array.from({ length: BATCH }, (_, index) => cloudEvent(CASES[index % CASES.length])),
      catalogue.token,
    );

    expect(answer.status).toBe(403);
    // The ledger's own reactions to the set-up (a grant's expiry, say) may land meanwhile: what must
    // not be there is anything this publisher sent.
    const since = await ledger.get(`/v1/events?from=${head + 1}&limit=1000`);
    const recorded = since.body.events as { type: string; metadata: { actor: { id: string } } }[];
    expect(
      recorded.filter((event) => event.type === 'DataAccessed' || event.metadata.actor.id === catalogue.id),
    ).toEqual([]);
  });

  it('records every access and detects exactly the uncovered ones, each within 2 s', async () => {
    const published = new Map<string, AccessCase>();
    let expected = new Map<string, Expected>();
    let detected: LedgerEntry[] = [];
    // The lag measured is the ledger's: no other suite shares the machine meanwhile (machine-lease.ts).
    const releaseMachine = await leaseMachineAlone();
    try {
      for (let start = 0; start < ACCESSES; start += BATCH) {
        // A gateway publishes at a steady rate (here 2,000 accesses/s, one batch every 250 ms), not in one
        // burst: the detection must keep up with the stream, as the bench measures it.
        const paced = new Promise((resolve) => setTimeout(resolve, BATCH_INTERVAL_MS));
        const batch = Array.from({ length: BATCH }, (_, index) => {
          const access = CASES[(start + index) % CASES.length];
          const event = cloudEvent(access);
          published.set(event.id, access);
          return event;
        });
        const answer = await publish(batch, gateway.token);
        expect(answer.status).toBe(201);
        expect(answer.body.events).toHaveLength(BATCH);
        await paced;
      }
      expected = new Map(
        [...published].flatMap(([id, access]) => (access.expected ? [[id, access.expected] as const] : [])),
      );

      // Wait until the reactor has judged every access and the detections it decided are recorded.
      const head = await ledger.head();
      for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
        const ready = await ok(ledger.get('/health/ready', { token: null }));
        const checkpoint = ready.body.info.projections[VIOLATION_DETECTION_REACTOR]?.position ?? -1;
        if (checkpoint >= head) {
          detected = await streamEntries('detection-air');
          if (detected.length >= expected.size) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      releaseMachine();
    }

    const accesses = [...(await streamEntries('usage-air')), ...(await streamEntries('usage-parks'))];
    expect(accesses).toHaveLength(ACCESSES);
    expect(new Set(accesses.map((entry) => entry.id))).toEqual(new Set(published.keys()));
    expect(await streamEntries('detection-parks')).toEqual([]);

    expect(detected).toHaveLength(expected.size);
    const byAccess = new Map(detected.map((entry) => [entry.data.accessEventId as string, entry]));
    expect(byAccess.size).toBe(expected.size);
    for (const [accessId, verdict] of expected) {
      const access = published.get(accessId) as AccessCase;
      expect(byAccess.get(accessId)?.data).toEqual({
        accessEventId: accessId,
        datasetId: access.datasetId,
        principal: access.principal,
        ...verdict,
      });
    }
    for (const entry of detected) {
      expect(entry.metadata.actor).toEqual(SYSTEM_ACTOR);
      expect(entry.metadata.causationId).toBe(entry.data.accessEventId);
    }

    const recordedAt = new Map(accesses.map((entry) => [entry.id, Date.parse(entry.recordedAt)]));
    const lags = detected.map(
      (entry) =>
        Date.parse(entry.recordedAt) - (recordedAt.get(entry.data.accessEventId as string) as number),
    );
    console.log(
      `detection lag over ${lags.length} detections of ${ACCESSES} accesses (${store.backend}): ` +
        `p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${Math.max(...lags)} ms`,
    );
    expect(Math.max(...lags)).toBeLessThanOrEqual(LAG_LIMIT_MS);
  }, 300_000);
});
