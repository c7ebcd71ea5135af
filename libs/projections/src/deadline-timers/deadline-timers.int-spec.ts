import { CommandLoop, EventDataValidator, loadRulebooks, Rulebooks } from '@ledger/runtime';
import { testBackend } from '../../../../test/support/test-backend';
import type { ProjectedEvent } from '../engine/projection';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { conditionalAccessTimersReactor } from './conditional-access-timers.reactor';
import { DeadlineTimerPayload, deadlineStreamOf } from './deadline-timer';
import { deadlineTimerHandler } from './deadline-timer.handler';
import { deadlineTimersReactor } from './deadline-timers.reactor';
import type { GrantExpiryPayload } from './grant-expiry';
import { grantExpiryHandler } from './grant-expiry.handler';

const sealed = { sealed: 'A256GCM', subject: 's-1', iv: 'aXY', ciphertext: 'Y3Q', mac: 'bWFj' };
const HOUR = 3_600_000;

const registered = (datasetId: string, updateFrequency: string): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetRegistered',
  data: {
    title: datasetId,
    organizationId: 'org-a',
    classification: 'unconditional',
    classificationBasis: 'public',
    fields: ['a'],
    updateFrequency,
  },
});
const released = (datasetId: string, version: number): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetReleased',
  data: { version, checksum: 'a'.repeat(64), recordCount: 1, format: 'csv', maskingRules: [] },
});
const correctionRequested = (id: string): GivenEvent => ({
  streamId: `correction-${id}`,
  type: 'CorrectionRequested',
  data: { datasetId: 'air', datasetVersion: 1, description: 'wrong value', reporter: sealed },
  actor: { id: 'anonymous', role: 'public' },
});
const correctionResolved = (id: string): GivenEvent => ({
  streamId: `correction-${id}`,
  type: 'CorrectionResolved',
  data: { outcome: 'no_error_found', explanation: 'checked' },
});
const objectionFiled = (id: string, datasetId = 'air'): GivenEvent => ({
  streamId: `objection-${id}`,
  type: 'ObjectionFiled',
  data: { datasetId, ground: 'privacy', description: 'my number', objector: sealed },
  actor: { id: 'anonymous', role: 'public' },
});
const suspendedFor = (objectionId: string, datasetId = 'air'): GivenEvent => ({
  streamId: `dataset-${datasetId}`,
  type: 'DatasetSuspended',
  data: { reason: 'objection', cause: 'objection', causeRef: objectionId },
});

const TIMERS = `SELECT queue, payload, run_at FROM ledger_views.job_outbox ORDER BY payload->>'caseStream', payload->>'clock'`;

describe(`the deadline timers on ${testBackend()}`, () => {
  const rulebooks = new Rulebooks(loadRulebooks());
  let testbed: ProjectionTestbed;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(deadlineTimersReactor(rulebooks));
  });

  afterEach(async () => {
    await testbed.dispose();
  });

  const timers = async () =>
    (await testbed.rows<{ queue: string; payload: DeadlineTimerPayload; run_at: Date | string }>(TIMERS)).map(
      (row) => ({ queue: row.queue, ...row.payload, runAt: new Date(row.run_at).toISOString() }),
    );

  describe('the reactor', () => {
    it('writes one timer per clock, due when the rulebook says, even when the batch is applied twice', async () => {
      const applied = await testbed.given([
        registered('air', 'monthly'),
        released('air', 1),
        correctionRequested('c1'),
        objectionFiled('o1'),
      ]);
      await testbed.applyAgain(applied);

      const written = await timers();
      expect(
        written.map(({ caseStream, clock, releaseVersion }) => [caseStream, clock, releaseVersion]),
      ).toEqual([
        ['correction-c1', 'correction_verification', undefined],
        ['dataset-air', 'dataset_update', 1],
        ['objection-o1', 'objection_suspension', undefined],
        ['objection-o1', 'objection_verification', undefined],
      ]);
      const filed = applied[2].entry;
      const due = rulebooks
        .deadline('correction_verification', new Date(filed.recordedAt))
        .dueAt.toISOString();
      expect(written[0]).toMatchObject({ queue: 'deadlines', dueAt: due, runAt: due, startedBy: filed.id });
    });

    it('runs no dataset_update clock for an irregular dataset', async () => {
      await testbed.given([registered('events', 'irregular'), released('events', 1)]);

      expect(await timers()).toEqual([]);
    });
  });

  describe('the deadlines handler', () => {
    const loop = () => new CommandLoop(testbed.journal.store, rulebooks, new EventDataValidator());
    const timerOf = async (caseStream: string, clock: string) =>
      (await timers()).find(
        (timer) => timer.caseStream === caseStream && timer.clock === clock,
      ) as DeadlineTimerPayload;
    const recorded = async (timer: DeadlineTimerPayload) => {
      const slice = await testbed.journal.store.readStream(deadlineStreamOf(timer));
      return slice.entries.map((stored) => JSON.parse(stored.canonical));
    };

    it('records DeadlineMissed once, however often the timer fires', async () => {
      await testbed.given([registered('air', 'monthly'), correctionRequested('c1')]);
      const timer = await timerOf('correction-c1', 'correction_verification');
      const fire = deadlineTimerHandler({
        store: testbed.journal.store,
        commands: loop(),
        now: () => new Date(Date.parse(timer.dueAt) + 2 * HOUR + 5 * 60_000),
      });

      await fire(timer, { id: 'job', attempt: 1 });
      await fire(timer, { id: 'job', attempt: 2 });
      await Promise.all([fire(timer, { id: 'job', attempt: 3 }), fire(timer, { id: 'job', attempt: 3 })]);

      const events = await recorded(timer);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'DeadlineMissed',
        streamId: 'deadline-correction-c1.correction-verification',
        data: {
          caseStream: 'correction-c1',
          deadline: 'correction_verification',
          dueAt: timer.dueAt,
          lateBy: 'PT2H5M',
        },
        metadata: { actor: { id: 'system', role: 'system' }, causationId: timer.startedBy },
      });
    });

    it('records nothing when the clock stopped in time', async () => {
      await testbed.given([correctionRequested('c2'), correctionResolved('c2')]);
      const timer = await timerOf('correction-c2', 'correction_verification');
      const fire = deadlineTimerHandler({
        store: testbed.journal.store,
        commands: loop(),
        now: () => new Date(Date.parse(timer.dueAt) + HOUR),
      });

      await fire(timer, { id: 'job', attempt: 1 });

      expect(await recorded(timer)).toEqual([]);
    });

    it('stops an objection’s suspension clock at the suspension naming it, but not its verification clock', async () => {
      await testbed.given([registered('air', 'monthly'), objectionFiled('o2'), suspendedFor('o2')]);
      const suspension = await timerOf('objection-o2', 'objection_suspension');
      const verification = await timerOf('objection-o2', 'objection_verification');
      const fire = deadlineTimerHandler({
        store: testbed.journal.store,
        commands: loop(),
        now: () => new Date(Date.parse(verification.dueAt) + HOUR),
      });

      await fire(suspension, { id: 'job', attempt: 1 });
      await fire(verification, { id: 'job', attempt: 1 });

      expect(await recorded(suspension)).toEqual([]);
      expect(await recorded(verification)).toMatchObject([{ data: { lateBy: 'PT1H' } }]);
    });

    it('records a late release: the next release had not come by its due time', async () => {
      await testbed.given([registered('rents', 'weekly'), released('rents', 1)]);
      const timer = await timerOf('dataset-rents', 'dataset_update');
      const fire = deadlineTimerHandler({
        store: testbed.journal.store,
        commands: loop(),
        now: () => new Date(Date.parse(timer.dueAt) + 3 * HOUR),
      });

      await fire(timer, { id: 'job', attempt: 1 });

      expect(await recorded(timer)).toMatchObject([
        {
          streamId: 'deadline-dataset-rents.dataset-update.v1',
          data: {
            caseStream: 'dataset-rents',
            deadline: 'dataset_update',
            releaseVersion: 1,
            lateBy: 'PT3H',
          },
        },
      ]);
    });

    it('refuses to record before the due time, so the runner tries again later', async () => {
      await testbed.given([correctionRequested('c3')]);
      const timer = await timerOf('correction-c3', 'correction_verification');
      const fire = deadlineTimerHandler({ store: testbed.journal.store, commands: loop() });

      await expect(fire(timer, { id: 'job', attempt: 1 })).rejects.toThrow(/runs out only at/);
      expect(await recorded(timer)).toEqual([]);
    });
  });
});

const DAY = 24 * HOUR;
const dataUser = { id: 'user-1', role: 'data_user' };

const submitted = (id: string): GivenEvent => ({
  streamId: `application-${id}`,
  type: 'ApplicationSubmitted',
  data: {
    datasetId: 'rents',
    applicantPrincipal: 'user-1',
    purpose: 'housing research',
    scenario: 'district rent index',
    securityMeasures: 'an isolated workstation',
    requestedFields: ['district', 'rent'],
    requestedPeriod: { from: '2025-09-01T00:00:00.000Z', until: '2026-09-01T00:00:00.000Z' },
  },
  actor: dataUser,
});
const supplementRequested = (id: string): GivenEvent => ({
  streamId: `application-${id}`,
  type: 'ApplicationSupplementRequested',
  data: { questions: 'which districts?' },
});
const supplemented = (id: string): GivenEvent => ({
  streamId: `application-${id}`,
  type: 'ApplicationSupplemented',
  data: { answers: 'all sixteen' },
  actor: dataUser,
});
const approved = (id: string): GivenEvent => ({
  streamId: `application-${id}`,
  type: 'ApplicationApproved',
  data: {
    agreement: {
      scope: 'district rent index',
      fields: ['district'],
      validFrom: '2025-09-01T00:00:00.000Z',
      validUntil: '2026-09-01T00:00:00.000Z',
      obligations: 'report monthly',
      reportingInterval: 'P1M',
    },
  },
});
const granted = (
  id: string,
  terms: { validFrom: string; validUntil: string; reportingInterval?: string },
): GivenEvent => ({
  streamId: `grant-${id}`,
  type: 'AccessGranted',
  data: {
    applicationId: 'a1',
    datasetId: 'rents',
    grantee: 'user-1',
    scope: 'district rent index',
    fields: ['district'],
    obligations: 'report monthly',
    reportingInterval: 'P1M',
    ...terms,
  },
  actor: { id: 'system', role: 'system' },
});
const usageReported = (id: string, from: string, until: string): GivenEvent => ({
  streamId: `grant-${id}`,
  type: 'UsageReported',
  data: { period: { from, until }, summary: 'an index for sixteen districts' },
  actor: dataUser,
});
const revoked = (id: string): GivenEvent => ({
  streamId: `grant-${id}`,
  type: 'AccessRevoked',
  data: { reason: 'used beyond the agreed scenario', publicize: false },
  actor: { id: 'supervisor-1', role: 'supervisor' },
});

const OUTBOX = `SELECT queue, payload, run_at FROM ledger_views.job_outbox
 ORDER BY queue, payload->>'caseStream', payload->>'grantStream', payload->>'dueAt', (payload->>'round')::int`;

describe(`the conditional access timers on ${testBackend()}`, () => {
  const rulebooks = new Rulebooks(loadRulebooks());
  let testbed: ProjectionTestbed;

  beforeEach(async () => {
    testbed = await ProjectionTestbed.open(conditionalAccessTimersReactor(rulebooks));
  });

  afterEach(async () => {
    await testbed.dispose();
  });

  const outbox = async () =>
    (await testbed.rows<{ queue: string; payload: object; run_at: Date | string }>(OUTBOX)).map((row) => ({
      queue: row.queue,
      ...row.payload,
      runAt: new Date(row.run_at).toISOString(),
    }));
  const deadlineTimers = async () =>
    (await outbox()).filter((job) => job.queue === 'deadlines') as unknown as (DeadlineTimerPayload & {
      runAt: string;
    })[];
  const expiryTimers = async () =>
    (await outbox()).filter((job) => job.queue === 'grant-expiry') as unknown as (GrantExpiryPayload & {
      runAt: string;
    })[];
  const reviewDueAt = (started: ProjectedEvent) =>
    rulebooks.deadline('application_review', new Date(started.entry.recordedAt)).dueAt.toISOString();

  describe('the reactor', () => {
    it('starts a review round at the submission and at each supplement, one timer each, even when the batch is applied twice', async () => {
      const applied = await testbed.given([
        submitted('a1'),
        submitted('a2'),
        supplementRequested('a1'),
        supplemented('a1'),
      ]);
      await testbed.applyAgain(applied);

      expect(await deadlineTimers()).toEqual([
        {
          queue: 'deadlines',
          caseStream: 'application-a1',
          clock: 'application_review',
          dueAt: reviewDueAt(applied[0]),
          round: 1,
          startedBy: applied[0].entry.id,
          runAt: reviewDueAt(applied[0]),
        },
        expect.objectContaining({
          caseStream: 'application-a1',
          dueAt: reviewDueAt(applied[3]),
          round: 2,
          startedBy: applied[3].entry.id,
        }),
        expect.objectContaining({ caseStream: 'application-a2', round: 1, startedBy: applied[1].entry.id }),
      ]);
    });

    it('runs the usage clock one reportingInterval from validFrom, then from the end of the period reported on, to the close of that day in Shanghai', async () => {
      const applied = await testbed.given([
        // 1 September 2025, 00:00 in Shanghai, until 1 March 2026, 00:00.
        granted('g1', { validFrom: '2025-08-31T16:00:00.000Z', validUntil: '2026-02-28T16:00:00.000Z' }),
        // September, reported: the next report is due a month after 1 October.
        usageReported('g1', '2025-08-31T16:00:00.000Z', '2025-09-30T16:00:00.000Z'),
        // A late report on an earlier period moves nothing.
        usageReported('g1', '2025-08-31T16:00:00.000Z', '2025-09-15T16:00:00.000Z'),
      ]);
      await testbed.applyAgain(applied);

      expect(
        (await deadlineTimers()).map(({ caseStream, clock, dueAt, startedBy, runAt }) => ({
          caseStream,
          clock,
          dueAt,
          startedBy,
          runAt,
        })),
      ).toEqual([
        {
          caseStream: 'grant-g1',
          clock: 'usage_report',
          // The close of 1 October in Shanghai.
          dueAt: '2025-10-01T16:00:00.000Z',
          startedBy: applied[0].entry.id,
          runAt: '2025-10-01T16:00:00.000Z',
        },
        {
          caseStream: 'grant-g1',
          clock: 'usage_report',
          // The close of 1 November in Shanghai.
          dueAt: '2025-11-01T16:00:00.000Z',
          startedBy: applied[1].entry.id,
          runAt: '2025-11-01T16:00:00.000Z',
        },
      ]);
      expect(await expiryTimers()).toEqual([
        {
          queue: 'grant-expiry',
          grantStream: 'grant-g1',
          validUntil: '2026-02-28T16:00:00.000Z',
          startedBy: applied[0].entry.id,
          runAt: '2026-02-28T16:00:00.000Z',
        },
      ]);
    });

    it('runs no usage clock due after validUntil, nor after the grant is revoked', async () => {
      await testbed.given([
        granted('short', { validFrom: '2025-08-31T16:00:00.000Z', validUntil: '2025-09-19T16:00:00.000Z' }),
        granted('g2', { validFrom: '2025-08-31T16:00:00.000Z', validUntil: '2026-02-28T16:00:00.000Z' }),
        revoked('g2'),
        usageReported('g2', '2025-08-31T16:00:00.000Z', '2025-09-30T16:00:00.000Z'),
      ]);

      expect((await deadlineTimers()).map(({ caseStream, dueAt }) => [caseStream, dueAt])).toEqual([
        ['grant-g2', '2025-10-01T16:00:00.000Z'],
      ]);
      expect((await expiryTimers()).map(({ grantStream }) => grantStream)).toEqual([
        'grant-g2',
        'grant-short',
      ]);
    });
  });

  describe('the handlers', () => {
    const loop = () => new CommandLoop(testbed.journal.store, rulebooks, new EventDataValidator());
    const recorded = async (streamId: string) => {
      const slice = await testbed.journal.store.readStream(streamId);
      return slice.entries.map((stored) => JSON.parse(stored.canonical));
    };
    const fireDeadlinesAt = (at: number) =>
      deadlineTimerHandler({ store: testbed.journal.store, commands: loop(), now: () => new Date(at) });
    const review = async (caseStream: string, round: number) =>
      (await deadlineTimers()).find(
        (timer) => timer.caseStream === caseStream && timer.round === round,
      ) as DeadlineTimerPayload;
    // Grants valid from yesterday for a year: reports recorded now are within their first interval.
    const validFrom = new Date(Date.now() - DAY).toISOString();
    const validUntil = new Date(Date.now() + 365 * DAY).toISOString();

    it('records DeadlineMissed once for a review round that ran out, however often its timer fires', async () => {
      await testbed.given([submitted('a1')]);
      const timer = await review('application-a1', 1);
      const fire = fireDeadlinesAt(Date.parse(timer.dueAt) + HOUR);

      await fire(timer, { id: 'job', attempt: 1 });
      await fire(timer, { id: 'job', attempt: 2 });
      await Promise.all([fire(timer, { id: 'job', attempt: 3 }), fire(timer, { id: 'job', attempt: 3 })]);

      const events = await recorded(deadlineStreamOf(timer));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'DeadlineMissed',
        streamId: 'deadline-application-a1.application-review.r1',
        data: {
          caseStream: 'application-a1',
          deadline: 'application_review',
          dueAt: timer.dueAt,
          lateBy: 'PT1H',
          round: 1,
        },
        metadata: { actor: { id: 'system', role: 'system' }, causationId: timer.startedBy },
      });
    });

    it('restarts the review clock at a supplement: the round stopped in time records nothing, the new one its own miss', async () => {
      await testbed.given([submitted('a2'), supplementRequested('a2'), supplemented('a2')]);
      const first = await review('application-a2', 1);
      const second = await review('application-a2', 2);
      const fire = fireDeadlinesAt(Date.parse(second.dueAt) + 2 * HOUR);

      await fire(first, { id: 'job', attempt: 1 });
      await fire(second, { id: 'job', attempt: 1 });
      await fire(second, { id: 'job', attempt: 2 });

      expect(await recorded(deadlineStreamOf(first))).toEqual([]);
      expect(await recorded(deadlineStreamOf(second))).toMatchObject([
        {
          streamId: 'deadline-application-a2.application-review.r2',
          data: { caseStream: 'application-a2', deadline: 'application_review', round: 2, lateBy: 'PT2H' },
        },
      ]);
    });

    it('records nothing for a review decided in time', async () => {
      await testbed.given([submitted('a3'), approved('a3')]);
      const timer = await review('application-a3', 1);

      await fireDeadlinesAt(Date.parse(timer.dueAt) + DAY)(timer, { id: 'job', attempt: 1 });

      expect(await recorded(deadlineStreamOf(timer))).toEqual([]);
    });

    it('moves the usage clock with a report: the clock it stopped records nothing, the next one its miss, once', async () => {
      // A usage clock runs to the close of its day in Asia/Shanghai: the report must end on another day
      // than the grant began, or both clocks fall due at the same moment (as they did from 16:00 to
      // 17:00 UTC with a grant begun yesterday and a report until an hour ago).
      const grantedFrom = new Date(Date.now() - 3 * DAY).toISOString();
      const reportedUntil = new Date(Date.now() - HOUR).toISOString();
      await testbed.given([
        granted('g1', { validFrom: grantedFrom, validUntil }),
        usageReported('g1', grantedFrom, reportedUntil),
      ]);
      const [first, next] = await deadlineTimers();
      expect(next.dueAt).toBe(
        rulebooks
          .deadline('usage_report', new Date(reportedUntil), undefined, { reportingInterval: 'P1M' })
          .dueAt.toISOString(),
      );
      const fire = fireDeadlinesAt(Date.parse(next.dueAt) + 3 * HOUR);

      await fire(first, { id: 'job', attempt: 1 });
      await fire(next, { id: 'job', attempt: 1 });
      await Promise.all([fire(next, { id: 'job', attempt: 2 }), fire(next, { id: 'job', attempt: 2 })]);

      expect(await recorded(deadlineStreamOf(first))).toEqual([]);
      const events = await recorded(deadlineStreamOf(next));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        streamId: `deadline-grant-g1.usage-report.${next.dueAt}`,
        data: { caseStream: 'grant-g1', deadline: 'usage_report', dueAt: next.dueAt, lateBy: 'PT3H' },
        metadata: { causationId: next.startedBy },
      });
    });

    it('records no missed usage report for a grant revoked before it was due', async () => {
      await testbed.given([granted('g2', { validFrom, validUntil }), revoked('g2')]);
      const [timer] = await deadlineTimers();

      await fireDeadlinesAt(Date.parse(timer.dueAt) + DAY)(timer, { id: 'job', attempt: 1 });

      expect(await recorded(deadlineStreamOf(timer))).toEqual([]);
    });

    const fireExpiryAt = (at: number) => grantExpiryHandler({ commands: loop(), now: () => new Date(at) });
    const typesOf = async (streamId: string) => (await recorded(streamId)).map((event) => event.type);

    it('records GrantExpired once at validUntil, however often the timer fires', async () => {
      await testbed.given([granted('g3', { validFrom, validUntil })]);
      const [timer] = await expiryTimers();
      const fire = fireExpiryAt(Date.parse(validUntil) + 60_000);

      await fire(timer, { id: 'job', attempt: 1 });
      await fire(timer, { id: 'job', attempt: 2 });
      await Promise.all([fire(timer, { id: 'job', attempt: 3 }), fire(timer, { id: 'job', attempt: 3 })]);

      const events = await recorded('grant-g3');
      expect(events.map((event) => event.type)).toEqual(['AccessGranted', 'GrantExpired']);
      expect(events[1]).toMatchObject({
        data: { validUntil },
        metadata: { actor: { id: 'system', role: 'system' }, causationId: timer.startedBy },
      });
    });

    it('expires nothing before validUntil, so the runner tries again later', async () => {
      await testbed.given([granted('g4', { validFrom, validUntil })]);
      const [timer] = await expiryTimers();

      await expect(
        fireExpiryAt(Date.parse(validUntil) - 60_000)(timer, { id: 'job', attempt: 1 }),
      ).rejects.toThrow(/valid until/);
      expect(await typesOf('grant-g4')).toEqual(['AccessGranted']);
    });

    it('does not expire a revoked grant', async () => {
      await testbed.given([granted('g5', { validFrom, validUntil }), revoked('g5')]);
      const [timer] = await expiryTimers();

      await fireExpiryAt(Date.parse(validUntil) + 60_000)(timer, { id: 'job', attempt: 1 });

      expect(await typesOf('grant-g5')).toEqual(['AccessGranted', 'AccessRevoked']);
    });
  });
});
