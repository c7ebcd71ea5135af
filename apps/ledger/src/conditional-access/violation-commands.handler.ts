import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideViolationWithGrant,
  grantDecider,
  GrantState,
  initialGrantState,
  ViolationCommand,
  violationDecider,
  ViolationState,
} from '@ledger/domain';
import type { Actor, DataAccessedV1, ViolationConfirmedV1, ViolationReportedV1 } from '@ledger/events';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult, EVENT_STORE } from '@ledger/runtime';
import type { EventStore } from '@ledger/store';
import { definedOnly } from '../http/command-body';
import { Problem } from '../http/problem';
import { grantStreamId } from './application-commands.handler';

/** What a supervisor sends to open a case: a grant or a principal, or the access a detection named. */
export interface ViolationReport {
  grantId?: string;
  principal?: string;
  description: string;
  accessEventId?: string;
}

export type ViolationAction =
  | { type: 'ReportViolation'; report: ViolationReport }
  | { type: 'OpenViolationInvestigation' }
  | { type: 'ConfirmViolation'; confirmation: ViolationConfirmedV1 }
  | { type: 'DismissViolation'; explanation: string };

export class RunViolationCommand {
  constructor(
    readonly violationId: string,
    readonly action: ViolationAction,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

export const violationStreamId = (id: string) => streamIdOf(STREAM_CATEGORIES.violation, id);

/**
 * Violation cases: decided with the grant they concern, so that confirming one closes the access
 * (AccessRevoked) in the same append.
 */
@CommandHandler(RunViolationCommand)
export class ViolationCommandsHandler implements ICommandHandler<RunViolationCommand, CommandResult> {
  constructor(
    private readonly loop: CommandLoop,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({
    violationId,
    action,
    actor,
    correlationId,
    ifMatch,
  }: RunViolationCommand): Promise<CommandResult> {
    const streamId = violationStreamId(violationId);
    const metadata = { now: new Date(), actor };
    let grantId: string | undefined;
    let commandFor: (grant: GrantState) => ViolationCommand;
    if (action.type === 'ReportViolation') {
      const data = await this.reportOf(action.report);
      grantId = data.grantId;
      commandFor = (grant) => ({ type: 'ReportViolation', data, context: { grant }, metadata });
    } else {
      grantId = await this.grantOf(streamId);
      commandFor = (grant) => {
        switch (action.type) {
          case 'OpenViolationInvestigation':
            return { type: 'OpenViolationInvestigation', metadata };
          case 'ConfirmViolation':
            return {
              type: 'ConfirmViolation',
              violationId,
              data: action.confirmation,
              context: { grant },
              metadata,
            };
          case 'DismissViolation':
            return { type: 'DismissViolation', data: { explanation: action.explanation }, metadata };
        }
      };
    }
    const violation = { streamId, decider: violationDecider };
    if (grantId === undefined) {
      return this.loop.handleAcross({
        streams: { violation },
        primary: 'violation',
        command: { metadata },
        decide: (_, states: { violation: ViolationState }) =>
          decideViolationWithGrant(commandFor(initialGrantState), { ...states, grant: initialGrantState }),
        correlation: { correlationId },
        ifMatch,
      });
    }
    return this.loop.handleAcross({
      streams: { violation, grant: { streamId: grantStreamId(grantId), decider: grantDecider } },
      primary: 'violation',
      command: { metadata },
      decide: (_, states: { violation: ViolationState; grant: GrantState }) =>
        decideViolationWithGrant(commandFor(states.grant), states),
      correlation: { correlationId },
      ifMatch,
    });
  }

  /**
   * The case's recorded report. Opened from a detection, it names the access and takes what the
   * access says (its dataset, and its grant or principal when the supervisor named neither).
   */
  private async reportOf(report: ViolationReport): Promise<ViolationReportedV1> {
    if (report.accessEventId === undefined) {
      return definedOnly({
        grantId: report.grantId,
        principal: report.principal,
        datasetId: report.grantId === undefined ? undefined : await this.datasetOfGrant(report.grantId),
        description: report.description,
        source: 'person' as const,
      });
    }
    const [entry] = await this.store.readByEventIds([report.accessEventId]);
    if (entry?.type !== 'DataAccessed') {
      throw Problem.notFound(
        'AccessEventNotFound',
        `no DataAccessed event ${report.accessEventId} is recorded; take accessEventId from GET /v1/detections`,
      );
    }
    const access = (JSON.parse(entry.canonical) as { data: DataAccessedV1 }).data;
    const namesNeither = report.grantId === undefined && report.principal === undefined;
    return definedOnly({
      grantId: namesNeither ? access.grantId : report.grantId,
      principal: namesNeither && access.grantId === undefined ? access.principal : report.principal,
      datasetId: access.datasetId,
      description: report.description,
      source: 'detection' as const,
      accessEventId: report.accessEventId,
    });
  }

  /** A grant's dataset never changes, so it is read ahead of the decision; an unknown grant is refused by the decider. */
  private async datasetOfGrant(grantId: string): Promise<string | undefined> {
    const { state } = await this.loop.load(grantDecider, grantStreamId(grantId));
    return state.status === 'none' ? undefined : state.grant.datasetId;
  }

  private async grantOf(streamId: string): Promise<string | undefined> {
    const { state } = await this.loop.load(violationDecider, streamId);
    if (state.status === 'unreported') {
      throw Problem.notFound('ViolationNotFound', `no violation case ${streamId} was reported`);
    }
    return state.report.grantId;
  }
}
