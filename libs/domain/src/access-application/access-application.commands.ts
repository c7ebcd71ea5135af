import type { AgreementTermsV1, ApplicationSubmittedV1 } from '@ledger/events';
import type { DatasetContext } from '../correction/correction.commands';
import type { CommandMetadata } from '../decider';

/**
 * A data user applies for a conditional dataset. The applicant's details (`applicant`) arrive already
 * sealed; `applicantPrincipal` is the acting principal, who owns the application from then on.
 */
export interface SubmitApplication {
  type: 'SubmitApplication';
  data: ApplicationSubmittedV1;
  context: DatasetContext;
  metadata: CommandMetadata;
}

/** The reviewing body asks for more; only an officer of the dataset's organisation. */
export interface RequestApplicationSupplement {
  type: 'RequestApplicationSupplement';
  data: { questions: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

/** The owner answers the questions. */
export interface SupplementApplication {
  type: 'SupplementApplication';
  data: { answers: string };
  metadata: CommandMetadata;
}

/** An officer of the dataset's organisation approves, with the agreement's terms. */
export interface ApproveApplication {
  type: 'ApproveApplication';
  data: { agreement: AgreementTermsV1 };
  context: DatasetContext;
  metadata: CommandMetadata;
}

export interface RejectApplication {
  type: 'RejectApplication';
  data: { reasonCodes: string[]; explanation: string };
  context: DatasetContext;
  metadata: CommandMetadata;
}

/** The owner withdraws, at any point before the agreement is signed. */
export interface WithdrawApplication {
  type: 'WithdrawApplication';
  metadata: CommandMetadata;
}

/**
 * The owner signs the approved agreement; the grant `grant-<grantId>` opens in the same append
 * (see decideApplicationWithGrant).
 */
export interface SignAgreement {
  type: 'SignAgreement';
  /** This application's id: the grant names the application it was opened under. */
  applicationId: string;
  grantId: string;
  context: DatasetContext;
  metadata: CommandMetadata;
}

export type ApplicationCommand =
  | SubmitApplication
  | RequestApplicationSupplement
  | SupplementApplication
  | ApproveApplication
  | RejectApplication
  | WithdrawApplication
  | SignAgreement;
