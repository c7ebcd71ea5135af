import { CommandLoop, EventDataValidator, loadRulebooks, Rulebooks } from '@ledger/runtime';
import { testBackend } from '../../../../test/support/test-backend';
import { GivenEvent, ProjectionTestbed } from '../testing/projection-testbed';
import { DeadlineTimerPayload, deadlineStreamOf } from './deadline-timer';
import { deadlineTimerHandler } from './deadline-timer.handler';
import { deadlineTimersReactor } from './deadline-timers.reactor';

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
