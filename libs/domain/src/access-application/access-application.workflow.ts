import type { AgreementTermsV1, ApplicationSubmittedV1 } from '@ledger/events';
import { GrantError } from '../grant/grant.errors';
import type { GrantEvent, GrantState } from '../grant/grant.state';
import type { ApplicationCommand, SignAgreement } from './access-application.commands';
import { decideApplication } from './access-application.decide';
import { ApplicationError } from './access-application.errors';
import type { ApplicationEvent, ApplicationState } from './access-application.state';

export interface ApplicationAndGrant {
  application: ApplicationState;
  grant: GrantState;
}

export interface ApplicationAndGrantEvents {
  application: ApplicationEvent[];
  grant: GrantEvent[];
}

/**
 * Signing the agreement across two aggregates, recorded in one atomic append: `AgreementSigned` in
 * the application's stream and `AccessGranted` opening `grant-<grantId>`, built from the submission
 * (who, which dataset) and the approved agreement (what, until when, on what terms). Every other
 * command records in the application's stream only.
 */
export function decideApplicationWithGrant(
  command: ApplicationCommand,
  states: ApplicationAndGrant,
): ApplicationAndGrantEvents {
  const application = decideApplication(command, states.application);
  if (application.length === 0 || command.type !== 'SignAgreement') return { application, grant: [] };
  return { application, grant: [accessGranted(command, states)] };
}

function accessGranted(command: SignAgreement, states: ApplicationAndGrant): GrantEvent {
  if (states.grant.status !== 'none') {
    throw new GrantError(
      'GrantAlreadyOpened',
      `a grant ${command.grantId} exists already; sign with a new grant id`,
    );
  }
  const { submission, agreement } = approved(states.application);
  return {
    type: 'AccessGranted',
    data: {
      applicationId: command.applicationId,
      datasetId: submission.datasetId,
      grantee: submission.applicantPrincipal,
      scope: agreement.scope,
      fields: agreement.fields,
      validFrom: agreement.validFrom,
      validUntil: agreement.validUntil,
      obligations: agreement.obligations,
      reportingInterval: agreement.reportingInterval,
    },
  };
}

/** The application decider accepted the signature, so the application is approved with its agreement. */
function approved(state: ApplicationState): {
  submission: ApplicationSubmittedV1;
  agreement: AgreementTermsV1;
} {
  if (state.status !== 'approved' || !state.agreement) {
    throw new ApplicationError(
      'ApplicationNotApproved',
      'only an approved application’s agreement is signed',
    );
  }
  return { submission: state.submission, agreement: state.agreement };
}
