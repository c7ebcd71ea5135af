import type {
  AgreementSignedV1,
  AgreementTermsV1,
  ApplicationApprovedV1,
  ApplicationRejectedV1,
  ApplicationSubmittedV1,
  ApplicationSupplementedV1,
  ApplicationSupplementRequestedV1,
  ApplicationWithdrawnV1,
} from '@ledger/events';
import { DomainEvent, unchanged } from '../decider';

export type ApplicationEvent =
  | DomainEvent<'ApplicationSubmitted', ApplicationSubmittedV1>
  | DomainEvent<'ApplicationSupplementRequested', ApplicationSupplementRequestedV1>
  | DomainEvent<'ApplicationSupplemented', ApplicationSupplementedV1>
  | DomainEvent<'ApplicationApproved', ApplicationApprovedV1>
  | DomainEvent<'ApplicationRejected', ApplicationRejectedV1>
  | DomainEvent<'ApplicationWithdrawn', ApplicationWithdrawnV1>
  | DomainEvent<'AgreementSigned', AgreementSignedV1>;

export const APPLICATION_EVENT_TYPES: readonly ApplicationEvent['type'][] = [
  'ApplicationSubmitted',
  'ApplicationSupplementRequested',
  'ApplicationSupplemented',
  'ApplicationApproved',
  'ApplicationRejected',
  'ApplicationWithdrawn',
  'AgreementSigned',
];

/** `submitted ⇄ supplement_requested → approved → agreement_signed | rejected | withdrawn` (domain.md). */
export type ApplicationStatus =
  'submitted' | 'supplement_requested' | 'approved' | 'agreement_signed' | 'rejected' | 'withdrawn';

export interface SubmittedApplication {
  status: ApplicationStatus;
  submission: ApplicationSubmittedV1;
  /** The open questions while `supplement_requested`; the last ones asked afterwards. */
  questions?: string;
  /** The answers to the questions last asked, once given: a retried answer is recognised. */
  answers?: string;
  agreement?: AgreementTermsV1;
  rejection?: ApplicationRejectedV1;
  /** Set once the agreement is signed. */
  grantId?: string;
}

export type ApplicationState = { status: 'unsubmitted' } | SubmittedApplication;

export const initialApplicationState: ApplicationState = { status: 'unsubmitted' };

export function evolveApplication(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  if (event.type === 'ApplicationSubmitted') return { status: 'submitted', submission: event.data };
  if (state.status === 'unsubmitted') return state;
  switch (event.type) {
    case 'ApplicationSupplementRequested': {
      const { answers, ...rest } = state;
      void answers;
      return { ...rest, status: 'supplement_requested', questions: event.data.questions };
    }
    case 'ApplicationSupplemented':
      return { ...state, status: 'submitted', answers: event.data.answers };
    case 'ApplicationApproved':
      return { ...state, status: 'approved', agreement: event.data.agreement };
    case 'ApplicationRejected':
      return { ...state, status: 'rejected', rejection: event.data };
    case 'ApplicationWithdrawn':
      return { ...state, status: 'withdrawn' };
    case 'AgreementSigned':
      return { ...state, status: 'agreement_signed', grantId: event.data.grantId };
    default:
      return unchanged(event, state);
  }
}
