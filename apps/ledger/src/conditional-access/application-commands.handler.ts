import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationState,
  datasetDecider,
  DatasetState,
  decideApplicationWithGrant,
  grantDecider,
  GrantState,
} from '@ledger/domain';
import type {
  Actor,
  AgreementTermsV1,
  ApplicationSubmittedV1,
  ContactDetails,
  PeriodV1,
} from '@ledger/events';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult, PersonalDataVault } from '@ledger/runtime';
import { datasetStreamId } from '../datasets/dataset-commands.handler';
import { definedOnly } from '../http/command-body';
import { Problem } from '../http/problem';
import { toRecordedTime } from '../http/rfc3339';

export type ApplicationAction =
  | {
      type: 'SubmitApplication';
      submission: Omit<ApplicationSubmittedV1, 'applicantPrincipal' | 'applicant'> & {
        applicant?: ContactDetails;
      };
    }
  | { type: 'RequestApplicationSupplement'; questions: string }
  | { type: 'SupplementApplication'; answers: string }
  | { type: 'ApproveApplication'; agreement: AgreementTermsV1 }
  | { type: 'RejectApplication'; rejection: { reasonCodes: string[]; explanation: string } }
  | { type: 'WithdrawApplication' }
  | { type: 'SignAgreement' };

export class RunApplicationCommand {
  constructor(
    readonly applicationId: string,
    readonly action: ApplicationAction,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

export const applicationStreamId = (id: string) => streamIdOf(STREAM_CATEGORIES.application, id);
export const grantStreamId = (id: string) => streamIdOf(STREAM_CATEGORIES.grant, id);

/**
 * The grant an application opens has the application's id: signing twice can only ever name one
 * grant, and the grant's stream is found from the application without a lookup.
 */
export const grantIdOf = (applicationId: string) => applicationId;

/**
 * Applications for conditional data: decided with the dataset's state (who reviews, whether it is
 * open and conditional) and, for signing, the grant the agreement opens in the same append.
 */
@CommandHandler(RunApplicationCommand)
export class ApplicationCommandsHandler implements ICommandHandler<RunApplicationCommand, CommandResult> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    applicationId,
    action,
    actor,
    correlationId,
    ifMatch,
  }: RunApplicationCommand): Promise<CommandResult> {
    const streamId = applicationStreamId(applicationId);
    const metadata = { now: new Date(), actor };
    const grantId = grantIdOf(applicationId);
    const datasetId =
      action.type === 'SubmitApplication' ? action.submission.datasetId : await this.datasetOf(streamId);
    const commandFor = await this.commandFor(action, actor, applicationId, grantId);
    return this.loop.handleAcross({
      streams: {
        application: { streamId, decider: applicationDecider },
        dataset: { streamId: datasetStreamId(datasetId), decider: datasetDecider },
        grant: { streamId: grantStreamId(grantId), decider: grantDecider },
      },
      primary: 'application',
      command: { metadata },
      decide: (_, states: { application: ApplicationState; dataset: DatasetState; grant: GrantState }) =>
        decideApplicationWithGrant(commandFor({ dataset: states.dataset }, metadata), states),
      correlation: { correlationId },
      ifMatch,
    });
  }

  /** The domain command, once the dataset's state is read; personal data is sealed before any decision. */
  private async commandFor(
    action: ApplicationAction,
    actor: Actor,
    applicationId: string,
    grantId: string,
  ): Promise<
    (context: { dataset: DatasetState }, metadata: ApplicationCommand['metadata']) => ApplicationCommand
  > {
    switch (action.type) {
      case 'SubmitApplication': {
        const { applicant, requestedPeriod, ...submission } = action.submission;
        // A data user applies for themselves: their key is found by contact and by their principal id.
        const sealed = applicant
          ? await this.vault.seal(
              { contact: applicant.contact, principalId: actor.id },
              { name: applicant.name, contact: applicant.contact },
            )
          : undefined;
        const data: ApplicationSubmittedV1 = definedOnly({
          ...submission,
          applicantPrincipal: actor.id,
          applicant: sealed,
          requestedPeriod: recordedPeriod(requestedPeriod),
        });
        return (context, metadata) => ({ type: 'SubmitApplication', data, context, metadata });
      }
      case 'RequestApplicationSupplement':
        return (context, metadata) => ({
          type: 'RequestApplicationSupplement',
          data: { questions: action.questions },
          context,
          metadata,
        });
      case 'SupplementApplication':
        return (_, metadata) => ({
          type: 'SupplementApplication',
          data: { answers: action.answers },
          metadata,
        });
      case 'ApproveApplication': {
        const agreement: AgreementTermsV1 = {
          ...action.agreement,
          validFrom: toRecordedTime(action.agreement.validFrom),
          validUntil: toRecordedTime(action.agreement.validUntil),
        };
        return (context, metadata) => ({
          type: 'ApproveApplication',
          data: { agreement },
          context,
          metadata,
        });
      }
      case 'RejectApplication':
        return (context, metadata) => ({
          type: 'RejectApplication',
          data: action.rejection,
          context,
          metadata,
        });
      case 'WithdrawApplication':
        return (_, metadata) => ({ type: 'WithdrawApplication', metadata });
      case 'SignAgreement':
        return (context, metadata) => ({ type: 'SignAgreement', applicationId, grantId, context, metadata });
    }
  }

  private async datasetOf(streamId: string): Promise<string> {
    const { state } = await this.loop.load(applicationDecider, streamId);
    if (state.status === 'unsubmitted') {
      throw Problem.notFound('ApplicationNotFound', `no application ${streamId} was submitted`);
    }
    return state.submission.datasetId;
  }
}

export function recordedPeriod(period: PeriodV1): PeriodV1 {
  return { from: toRecordedTime(period.from), until: toRecordedTime(period.until) };
}
