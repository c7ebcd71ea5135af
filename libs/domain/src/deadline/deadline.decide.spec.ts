import type { CommandMetadata } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type { RecordDeadlineMissed } from './deadline.commands';
import { deadlineDecider, isoDuration } from './deadline.decide';
import { DeadlineError } from './deadline.errors';
import type { DeadlineEvent } from './deadline.state';

const DUE = '2025-10-16T15:59:59.999Z';

const at = (time: string): CommandMetadata => ({
  now: new Date(time),
  actor: { id: 'system', role: 'system' },
});

const recordMiss = (
  now: string,
  overrides: Partial<RecordDeadlineMissed['data']> = {},
): RecordDeadlineMissed => ({
  type: 'RecordDeadlineMissed',
  data: { caseStream: 'correction-c1', deadline: 'correction_verification', dueAt: DUE, ...overrides },
  metadata: at(now),
});

const missed = (lateBy: string, overrides: Partial<DeadlineEvent['data']> = {}): DeadlineEvent => ({
  type: 'DeadlineMissed',
  data: {
    caseStream: 'correction-c1',
    deadline: 'correction_verification',
    dueAt: DUE,
    lateBy,
    ...overrides,
  },
});

const spec = deciderSpec(deadlineDecider, DeadlineError);

describe('recording a missed deadline', () => {
  it('records DeadlineMissed with how late the clock is when the timer fires', () => {
    spec
      .given([])
      .when(recordMiss('2025-10-16T18:05:00Z'))
      .then([missed('PT2H5M0.001S')]);
  });

  it('counts the lateness to when the clock stopped, when it stopped late', () => {
    spec
      .given([])
      .when(recordMiss('2025-10-30T00:00:00Z', { stoppedAt: '2025-10-17T16:00:00.000Z' }))
      .then([missed('PT24H0.001S')]);
  });

  it('names the release after which a dataset update was due', () => {
    spec
      .given([])
      .when(
        recordMiss('2025-10-17T00:00:00Z', {
          caseStream: 'dataset-air',
          deadline: 'dataset_update',
          releaseVersion: 3,
        }),
      )
      .then([
        missed('PT8H0.001S', { caseStream: 'dataset-air', deadline: 'dataset_update', releaseVersion: 3 }),
      ]);
  });

  it('names the review round of an application whose review a supplement restarted', () => {
    spec
      .given([])
      .when(
        recordMiss('2025-10-17T00:00:00Z', {
          caseStream: 'application-a1',
          deadline: 'application_review',
          round: 2,
        }),
      )
      .then([
        missed('PT8H0.001S', { caseStream: 'application-a1', deadline: 'application_review', round: 2 }),
      ]);
  });

  it('records nothing the second time: a timer that fires twice misses the deadline once', () => {
    spec
      .given([missed('PT1H')])
      .when(recordMiss('2025-10-17T04:00:00Z'))
      .then([]);
  });

  it('is refused as DeadlineNotMissed before the due time', () => {
    spec.given([]).when(recordMiss('2025-10-16T15:00:00Z')).thenThrows('DeadlineNotMissed');
  });

  it('is refused as DeadlineNotMissed when the clock stopped in time', () => {
    spec
      .given([])
      .when(recordMiss('2025-10-20T00:00:00Z', { stoppedAt: '2025-10-16T09:00:00Z' }))
      .thenThrows('DeadlineNotMissed');
  });
});

describe('the lateness as an ISO 8601 duration', () => {
  it.each([
    [2 * 3_600_000 + 5 * 60_000, 'PT2H5M'],
    [250 * 3_600_000, 'PT250H'],
    [500, 'PT0.5S'],
    [61_250, 'PT1M1.25S'],
    [0, 'PT0S'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(isoDuration(ms)).toBe(text);
  });
});
