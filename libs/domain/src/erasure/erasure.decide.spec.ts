import type { CommandMetadata } from '../decider';
import { deciderSpec } from '../testing/decider-spec';
import type { RecordPersonalDataErasure } from './erasure.commands';
import { erasureDecider, MAX_SUBJECTS_PER_ERASURE_EVENT } from './erasure.decide';
import { ErasureError } from './erasure.errors';
import type { ErasureEvent } from './erasure.state';

const metadata: CommandMetadata = {
  now: new Date('2026-11-29T08:00:00Z'),
  actor: { id: 'admin', role: 'platform_admin' },
};

const SUBJECT_A = '0b6f3d2e-8a51-4c8e-9a0e-3f1f6f1d2a01';
const SUBJECT_B = '7c1e2b9a-4d3f-4e21-8b5a-9e0d1c2b3a02';

type ErasureData = RecordPersonalDataErasure['data'];

const recordErasure = (overrides: Partial<ErasureData> = {}): RecordPersonalDataErasure => ({
  type: 'RecordPersonalDataErasure',
  data: { subjects: [SUBJECT_A], reason: 'the reporter withdrew consent', ...overrides },
  metadata,
});

const erased = (overrides: Partial<ErasureData> = {}): ErasureEvent => ({
  type: 'PersonalDataErased',
  data: { subjects: [SUBJECT_A], reason: 'the reporter withdrew consent', ...overrides },
});

const subjectsNumbered = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `subject-${String(i).padStart(5, '0')}`);

const spec = deciderSpec(erasureDecider, ErasureError);

describe('recording an erasure of personal data', () => {
  it('records PersonalDataErased with the erased subjects and the reason', () => {
    spec.given([]).when(recordErasure()).then([erased()]);
  });

  it('records the principal when the erasure named one', () => {
    spec
      .given([])
      .when(recordErasure({ principalId: 'citizen-7' }))
      .then([erased({ principalId: 'citizen-7' })]);
  });

  it('records the subjects sorted and each once, as the event schema requires', () => {
    spec
      .given([])
      .when(recordErasure({ subjects: [SUBJECT_B, SUBJECT_A, SUBJECT_B] }))
      .then([erased({ subjects: [SUBJECT_A, SUBJECT_B] })]);
  });

  it('splits an erasure of many keys into events of at most MAX_SUBJECTS_PER_ERASURE_EVENT subjects', () => {
    const subjects = subjectsNumbered(MAX_SUBJECTS_PER_ERASURE_EVENT * 2 + 1);

    spec
      .given([])
      .when(recordErasure({ subjects: [...subjects].reverse(), principalId: 'citizen-7' }))
      .then([
        erased({ subjects: subjects.slice(0, MAX_SUBJECTS_PER_ERASURE_EVENT), principalId: 'citizen-7' }),
        erased({
          subjects: subjects.slice(MAX_SUBJECTS_PER_ERASURE_EVENT, MAX_SUBJECTS_PER_ERASURE_EVENT * 2),
          principalId: 'citizen-7',
        }),
        erased({ subjects: subjects.slice(MAX_SUBJECTS_PER_ERASURE_EVENT * 2), principalId: 'citizen-7' }),
      ]);
  });

  it('is refused as NoSubjectsErased when no key was erased', () => {
    spec
      .given([])
      .when(recordErasure({ subjects: [] }))
      .thenThrows('NoSubjectsErased');
  });

  it('is refused as ErasureAlreadyRecorded when the erasure id was used', () => {
    spec
      .given([erased()])
      .when(recordErasure({ subjects: [SUBJECT_B] }))
      .thenThrows('ErasureAlreadyRecorded');
  });
});
