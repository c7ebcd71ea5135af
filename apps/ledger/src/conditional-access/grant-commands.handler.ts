import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { datasetDecider, DatasetState, decideGrant, GrantCommand, grantDecider } from '@ledger/domain';
import type { AccessRevokedV1, Actor, UsageReportedV1 } from '@ledger/events';
import { CommandLoop, CommandResult } from '@ledger/runtime';
import { datasetStreamId } from '../datasets/dataset-commands.handler';
import { Problem } from '../http/problem';
import { grantStreamId, recordedPeriod } from './application-commands.handler';

export type GrantAction =
  | { type: 'ReportUsage'; report: UsageReportedV1 }
  | { type: 'SuspendGrant'; reason: string }
  | { type: 'ReinstateGrant'; reason: string }
  | { type: 'RevokeGrant'; revocation: AccessRevokedV1 };

export class RunGrantCommand {
  constructor(
    readonly grantId: string,
    readonly action: GrantAction,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

/** Grants: decided with their dataset's state, whose body may suspend and reinstate them. */
@CommandHandler(RunGrantCommand)
export class GrantCommandsHandler implements ICommandHandler<RunGrantCommand, CommandResult> {
  constructor(private readonly loop: CommandLoop) {}

  async execute({ grantId, action, actor, correlationId, ifMatch }: RunGrantCommand): Promise<CommandResult> {
    const streamId = grantStreamId(grantId);
    const metadata = { now: new Date(), actor };
    const { state } = await this.loop.load(grantDecider, streamId);
    if (state.status === 'none') throw Problem.notFound('GrantNotFound', `no grant ${streamId} was opened`);
    return this.loop.handleAcross({
      streams: {
        grant: { streamId, decider: grantDecider },
        dataset: { streamId: datasetStreamId(state.grant.datasetId), decider: datasetDecider },
      },
      primary: 'grant',
      command: { metadata },
      decide: (_, states) => ({
        grant: decideGrant(commandOf(action, states.dataset, metadata), states.grant),
      }),
      correlation: { correlationId },
      ifMatch,
    });
  }
}

function commandOf(
  action: GrantAction,
  dataset: DatasetState,
  metadata: GrantCommand['metadata'],
): GrantCommand {
  switch (action.type) {
    case 'ReportUsage':
      return {
        type: 'ReportUsage',
        data: { ...action.report, period: recordedPeriod(action.report.period) },
        metadata,
      };
    case 'SuspendGrant':
      return { type: 'SuspendGrant', data: { reason: action.reason }, context: { dataset }, metadata };
    case 'ReinstateGrant':
      return { type: 'ReinstateGrant', data: { reason: action.reason }, context: { dataset }, metadata };
    case 'RevokeGrant':
      return { type: 'RevokeGrant', data: action.revocation, metadata };
  }
}
