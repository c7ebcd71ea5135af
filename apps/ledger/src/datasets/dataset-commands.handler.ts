import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DatasetCommand, datasetDecider, objectionDecider } from '@ledger/domain';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult } from '@ledger/runtime';

/** A dataset command as the API received it: which dataset, what to decide, and the caller's `If-Match`. */
export class RunDatasetCommand {
  constructor(
    readonly datasetId: string,
    readonly command: DatasetCommand,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

@CommandHandler(RunDatasetCommand)
export class DatasetCommandsHandler implements ICommandHandler<RunDatasetCommand, CommandResult> {
  constructor(private readonly loop: CommandLoop) {}

  async execute({ datasetId, command, correlationId, ifMatch }: RunDatasetCommand): Promise<CommandResult> {
    const withContext =
      command.type === 'RestoreDataset'
        ? { ...command, context: await this.restoreContext(datasetId) }
        : command;
    return this.loop.handle({
      decider: datasetDecider,
      streamId: datasetStreamId(datasetId),
      command: withContext,
      correlation: { correlationId },
      ifMatch,
    });
  }

  /**
   * Whether the objection that suspended the dataset is still pending: while it is, only its own
   * resolution lifts the suspension. Objections only ever move towards resolved, so reading this
   * before the decision cannot let a restore through that should be refused.
   */
  private async restoreContext(datasetId: string): Promise<{ suspendingObjectionPending: boolean }> {
    const { state } = await this.loop.load(datasetDecider, datasetStreamId(datasetId));
    const suspension = state.status === 'suspended' ? state.suspension : undefined;
    // An objection suspension that names no objection, or one never filed, has nothing to wait for.
    if (suspension?.cause !== 'objection' || suspension.causeRef === undefined) {
      return { suspendingObjectionPending: false };
    }
    const objection = await this.loop.load(
      objectionDecider,
      streamIdOf(STREAM_CATEGORIES.objection, suspension.causeRef),
    );
    const status = objection.state.status;
    return { suspendingObjectionPending: status === 'filed' || status === 'under_verification' };
  }
}

export function datasetStreamId(datasetId: string): string {
  return streamIdOf(STREAM_CATEGORIES.dataset, datasetId);
}
