import { isDeepStrictEqual } from 'node:util';
import type { Actor, AgreementTermsV1 } from '@ledger/events';
import { assertNever, Decider } from '../decider';
import type { DatasetState, RegisteredDataset } from '../dataset/dataset.state';
import { parseCalendarPeriod } from '../deadlines/local-date';
import { sameFiling } from '../sealed-filing';
import type {
  ApplicationCommand,
  ApproveApplication,
  RejectApplication,
  RequestApplicationSupplement,
  SignAgreement,
  SubmitApplication,
  SupplementApplication,
  WithdrawApplication,
} from './access-application.commands';
import { ApplicationError } from './access-application.errors';
import {
  ApplicationEvent,
  ApplicationState,
  evolveApplication,
  initialApplicationState,
  SubmittedApplication,
} from './access-application.state';

/**
 * Conditional access by application: a data user applies for a conditional dataset, an officer of
 * the dataset's body reviews (asks for more, approves with the data utilisation agreement, or rejects
 * with reasons), and the applicant signs. What signing opens in the grant's stream is decided in the
 * same append: see access-application.workflow.ts.
 */
export function decideApplication(command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] {
  if (command.type === 'SubmitApplication') return submit(command, state);
  const application = submitted(state);
  switch (command.type) {
    case 'RequestApplicationSupplement':
      return requestSupplement(command, application);
    case 'SupplementApplication':
      return supplement(command, application);
    case 'ApproveApplication':
      return approve(command, application);
    case 'RejectApplication':
      return reject(command, application);
    case 'WithdrawApplication':
      return withdraw(command, application);
    case 'SignAgreement':
      return sign(command, application);
    default:
      return assertNever(command);
  }
}

function submit(command: SubmitApplication, state: ApplicationState): ApplicationEvent[] {
  const { actor, now } = command.metadata;
  if (actor.role !== 'data_user') {
    throw new ApplicationError(
      'OnlyDataUsersApply',
      'only a data user (数据利用主体) applies for conditional data; apply with a data user’s key',
    );
  }
  if (command.data.applicantPrincipal !== actor.id) {
    throw new ApplicationError(
      'NotYourApplication',
      'an application is filed in its applicant’s own name: applicantPrincipal must be the acting principal',
    );
  }
  if (state.status !== 'unsubmitted') {
    // The sealed applicant is compared by its mac: a retry seals the same details with a new IV.
    if (sameFiling(state.submission, command.data)) return [];
    throw new ApplicationError(
      'ApplicationAlreadySubmitted',
      'an application with this id was submitted with other content; submit yours under a new id',
    );
  }
  const dataset = registered(command.context.dataset);
  mustBeConditional(dataset);
  mustBeOpen(dataset, 'apply once the dataset is open again');
  const { requestedFields, requestedPeriod } = command.data;
  const unknown = requestedFields.filter((field) => !dataset.fields.includes(field));
  if (unknown.length > 0) {
    throw new ApplicationError(
      'UnknownDatasetFields',
      `the dataset has no field ${unknown.join(', ')}; request only among ${dataset.fields.join(', ')}`,
      { unknownFields: unknown },
    );
  }
  if (!isPeriod(requestedPeriod.from, requestedPeriod.until) || !isAfter(requestedPeriod.until, now)) {
    throw new ApplicationError(
      'InvalidPeriod',
      'the requested period must start before it ends, and end in the future',
    );
  }
  return [{ type: 'ApplicationSubmitted', data: command.data }];
}

function requestSupplement(
  command: RequestApplicationSupplement,
  application: SubmittedApplication,
): ApplicationEvent[] {
  mustReview(registered(command.context.dataset), command.metadata.actor);
  if (application.status === 'supplement_requested') {
    // The same questions asked again are a retry: answered, not recorded twice.
    if (application.questions === command.data.questions) return [];
    throw new ApplicationError(
      'ApplicationNotUnderReview',
      'the applicant has not answered the questions already asked; ask more once the answers are in',
    );
  }
  mustBeUnderReview(application);
  return [{ type: 'ApplicationSupplementRequested', data: command.data }];
}

function supplement(command: SupplementApplication, application: SubmittedApplication): ApplicationEvent[] {
  mustOwn(application, command.metadata.actor);
  // The same answers sent again right after they were recorded are a retry.
  if (application.status === 'submitted' && application.answers === command.data.answers) return [];
  if (application.status !== 'supplement_requested') {
    throw new ApplicationError(
      'SupplementNotRequested',
      `no questions are open on this application (it is ${application.status}); answer when the reviewing body asks`,
    );
  }
  return [{ type: 'ApplicationSupplemented', data: command.data }];
}

function approve(command: ApproveApplication, application: SubmittedApplication): ApplicationEvent[] {
  const { actor, now } = command.metadata;
  const dataset = registered(command.context.dataset);
  mustReview(dataset, actor);
  const { agreement } = command.data;
  const standing = application.status === 'approved' || application.status === 'agreement_signed';
  // The same approval sent again while it stands is a retry: answered, not recorded twice.
  if (standing && isDeepStrictEqual(application.agreement, agreement)) return [];
  if (application.status === 'supplement_requested') {
    throw new ApplicationError(
      'ApplicationNotUnderReview',
      'the application waits for the applicant’s answers to the questions asked; approve once it is supplemented',
    );
  }
  mustBeUnderReview(application);
  mustBeConditional(dataset);
  mustBeOpen(dataset, 'approve once the dataset is open again');
  mustBeGrantable(agreement, application, dataset);
  if (!isPeriod(agreement.validFrom, agreement.validUntil) || !isAfter(agreement.validUntil, now)) {
    throw new ApplicationError(
      'InvalidAgreementPeriod',
      'the agreement must be valid from before it is valid until, and until a time in the future',
    );
  }
  const interval = parseCalendarPeriod(agreement.reportingInterval);
  if (!interval || interval.years + interval.months + interval.days === 0) {
    throw new ApplicationError(
      'InvalidReportingInterval',
      `the reporting interval ${JSON.stringify(agreement.reportingInterval)} is not a period of at least one day, week, month or year (such as P30D, P3M)`,
    );
  }
  return [{ type: 'ApplicationApproved', data: command.data }];
}

function mustBeGrantable(
  agreement: AgreementTermsV1,
  application: SubmittedApplication,
  dataset: RegisteredDataset,
): void {
  const { requestedFields } = application.submission;
  const notRequested = agreement.fields.filter((field) => !requestedFields.includes(field));
  if (notRequested.length > 0) {
    throw new ApplicationError(
      'AgreementFieldsNotRequested',
      `the applicant did not request ${notRequested.join(', ')}; grant only among ${requestedFields.join(', ')}`,
      { fieldsNotRequested: notRequested },
    );
  }
  const unknown = agreement.fields.filter((field) => !dataset.fields.includes(field));
  if (unknown.length > 0) {
    throw new ApplicationError(
      'UnknownDatasetFields',
      `the dataset has no field ${unknown.join(', ')}; grant only among ${dataset.fields.join(', ')}`,
      { unknownFields: unknown },
    );
  }
}

function reject(command: RejectApplication, application: SubmittedApplication): ApplicationEvent[] {
  mustReview(registered(command.context.dataset), command.metadata.actor);
  // The same rejection sent again is a retry: answered, not recorded twice.
  if (application.rejection && isDeepStrictEqual(application.rejection, command.data)) return [];
  if (application.status !== 'supplement_requested') mustBeUnderReview(application);
  if (command.data.reasonCodes.length === 0) {
    throw new ApplicationError(
      'ReasonsRequired',
      'a rejection names its reasons: give at least one reason code, and explain them',
    );
  }
  return [{ type: 'ApplicationRejected', data: command.data }];
}

function withdraw(command: WithdrawApplication, application: SubmittedApplication): ApplicationEvent[] {
  mustOwn(application, command.metadata.actor);
  switch (application.status) {
    case 'withdrawn':
      return [];
    case 'agreement_signed':
      throw new ApplicationError(
        'ApplicationClosed',
        'the agreement is signed: the grant it opened runs until it expires or is revoked, and is no longer withdrawn here',
      );
    case 'rejected':
      throw new ApplicationError(
        'ApplicationClosed',
        'the application was rejected; nothing is left to withdraw',
      );
    default:
      return [{ type: 'ApplicationWithdrawn', data: {} }];
  }
}

function sign(command: SignAgreement, application: SubmittedApplication): ApplicationEvent[] {
  const { actor, now } = command.metadata;
  mustOwn(application, actor);
  if (application.status === 'agreement_signed') {
    // Signed with this grant already: a retry, answered in both streams with nothing to record.
    if (application.grantId === command.grantId) return [];
    throw new ApplicationError(
      'ApplicationNotApproved',
      `the agreement was signed already; its grant is ${application.grantId ?? 'open'}`,
    );
  }
  if (application.status !== 'approved' || !application.agreement) {
    throw new ApplicationError(
      'ApplicationNotApproved',
      `the application is ${application.status}; only an approved application’s agreement is signed`,
    );
  }
  const dataset = registered(command.context.dataset);
  if (dataset.classification === 'non_open') {
    throw new ApplicationError(
      'DatasetNotConditional',
      'the dataset was reclassified as non-open since the approval; its data is no longer granted',
    );
  }
  mustBeOpen(dataset, 'sign once the dataset is open again');
  const { validUntil } = application.agreement;
  if (!isAfter(validUntil, now)) {
    throw new ApplicationError(
      'AgreementExpired',
      `the agreement was valid until ${validUntil}; apply again for a new agreement`,
    );
  }
  return [{ type: 'AgreementSigned', data: { signedBy: actor.id, grantId: command.grantId } }];
}

function submitted(state: ApplicationState): SubmittedApplication {
  if (state.status === 'unsubmitted') {
    throw new ApplicationError('ApplicationNotFound', 'no application with this id was submitted');
  }
  return state;
}

function registered(dataset: DatasetState): RegisteredDataset {
  if (dataset.status === 'unregistered') {
    throw new ApplicationError('DatasetNotFound', 'no dataset with this id is on the open list');
  }
  return dataset;
}

function mustBeConditional(dataset: RegisteredDataset): void {
  if (dataset.classification !== 'conditional') {
    throw new ApplicationError(
      'DatasetNotConditional',
      dataset.classification === 'unconditional'
        ? 'the dataset is open without conditions: download it, no application is needed'
        : 'the dataset is not open (非开放); it cannot be applied for',
    );
  }
}

function mustBeOpen(dataset: RegisteredDataset, then: string): void {
  if (dataset.status !== 'open') {
    throw new ApplicationError('DatasetNotOpen', `the dataset is ${dataset.status}; ${then}`);
  }
}

/** Reviewers are the officers of the dataset's body; a publisher (its catalogue system) does not review. */
function mustReview(dataset: RegisteredDataset, actor: Actor): void {
  if (actor.role !== 'body_officer' || actor.organizationId !== dataset.organizationId) {
    throw new ApplicationError(
      'NotYourOrganization',
      `only officers of ${dataset.organizationId} review applications for its datasets`,
    );
  }
}

function mustOwn(application: SubmittedApplication, actor: Actor): void {
  if (actor.id !== application.submission.applicantPrincipal) {
    throw new ApplicationError(
      'NotYourApplication',
      'only the applicant who submitted this application answers, withdraws or signs it',
    );
  }
}

function mustBeUnderReview(application: SubmittedApplication): void {
  if (application.status !== 'submitted') {
    throw new ApplicationError(
      'ApplicationNotUnderReview',
      `the application is ${application.status}; only a submitted application is reviewed`,
    );
  }
}

function isPeriod(from: string, until: string): boolean {
  return Date.parse(from) < Date.parse(until);
}

function isAfter(time: string, now: Date): boolean {
  return Date.parse(time) > now.getTime();
}

export const applicationDecider: Decider<ApplicationCommand, ApplicationState, ApplicationEvent> = {
  initialState: initialApplicationState,
  decide: decideApplication,
  evolve: evolveApplication,
};
