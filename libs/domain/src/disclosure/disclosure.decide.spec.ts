import type { Actor } from '@ledger/events';
import { deciderSpec } from '../testing/decider-spec';
import type { DisclosedCase, DisclosePersonalData } from './disclosure.commands';
import { disclosureDecider } from './disclosure.decide';
import { DisclosureError } from './disclosure.errors';

const spec = deciderSpec(disclosureDecider, DisclosureError);

const correction: DisclosedCase = { streamId: 'correction-c1', kind: 'correction', organizationId: 'org-a' };
const application: DisclosedCase = {
  streamId: 'application-a1',
  kind: 'application',
  organizationId: 'org-a',
  filedBy: 'user-1',
};

const officerOfA: Actor = { id: 'officer-a', role: 'body_officer', organizationId: 'org-a' };

const read = (
  disclosed: DisclosedCase,
  actor: Actor,
  members = ['reporter', 'evidence'],
): DisclosePersonalData => ({
  type: 'DisclosePersonalData',
  case: disclosed,
  members,
  subjects: ['key-1'],
  metadata: { now: new Date('2026-11-30T08:00:00Z'), actor },
});

const disclosed = (caseStream: string, members: string[]) => ({
  type: 'PersonalDataDisclosed' as const,
  data: { caseStream, members: [...members].sort(), subjects: ['key-1'] },
});

describe('disclosing personal data in plain text', () => {
  it('given nothing, when an officer of the case’s organisation reads a correction’s reporter and evidence, it records PersonalDataDisclosed', () => {
    spec
      .given([])
      .when(read(correction, officerOfA))
      .then([disclosed('correction-c1', ['evidence', 'reporter'])]);
  });

  it('given nothing, when the applicant reads their own application’s details, it records PersonalDataDisclosed', () => {
    spec
      .given([])
      .when(read(application, { id: 'user-1', role: 'data_user' }, ['applicant']))
      .then([disclosed('application-a1', ['applicant'])]);
  });

  it('given nothing, when an officer of the dataset’s organisation reads an applicant’s details, it records PersonalDataDisclosed', () => {
    spec
      .given([])
      .when(read(application, officerOfA, ['applicant']))
      .then([disclosed('application-a1', ['applicant'])]);
  });

  const refused: [string, DisclosedCase, Actor][] = [
    [
      'an officer of another organisation',
      correction,
      { id: 'officer-b', role: 'body_officer', organizationId: 'org-b' },
    ],
    [
      'a publisher of the same organisation',
      correction,
      { id: 'pub-a', role: 'publisher', organizationId: 'org-a' },
    ],
    ['a supervisor', correction, { id: 'sup', role: 'supervisor' }],
    ['a compliance officer', correction, { id: 'audit', role: 'compliance_officer' }],
    ['a platform admin', correction, { id: 'admin', role: 'platform_admin' }],
    ['another data user', application, { id: 'user-2', role: 'data_user' }],
    ['the public', correction, { id: 'anonymous', role: 'public' }],
  ];
  it.each(refused)(
    'given nothing, when %s asks, it is refused as NotEntitledToPersonalData',
    (_, what, actor) => {
      spec.given([]).when(read(what, actor)).thenThrows('NotEntitledToPersonalData');
    },
  );

  it('given nothing, when every member was erased (nothing left to open), it is refused as NothingToDisclose', () => {
    spec
      .given([])
      .when(read(correction, officerOfA, []))
      .thenThrows('NothingToDisclose');
  });

  it('given a recorded disclosure, when the same id is used again, it is refused as DisclosureAlreadyRecorded', () => {
    spec
      .given([disclosed('correction-c1', ['reporter'])])
      .when(read(correction, officerOfA))
      .thenThrows('DisclosureAlreadyRecorded');
  });
});
