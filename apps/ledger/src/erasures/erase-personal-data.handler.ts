import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { erasureDecider } from '@ledger/domain';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult, LOGGER, Logger, PersonalDataVault } from '@ledger/runtime';
import { actorOf } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';

export class ErasePersonalDataCommand {
  constructor(
    readonly erasureId: string,
    /** As filed; goes to the vault's keyed lookup and nowhere else. */
    readonly contact: string | undefined,
    readonly principalId: string | undefined,
    readonly reason: string,
    readonly by: AuthenticatedPrincipal,
    readonly correlationId: string,
  ) {}
}

export interface ErasureOutcome {
  result: CommandResult;
  /** How many keys were erased. */
  erased: number;
}

@CommandHandler(ErasePersonalDataCommand)
export class ErasePersonalDataHandler implements ICommandHandler<ErasePersonalDataCommand, ErasureOutcome> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly vault: PersonalDataVault,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: ErasePersonalDataCommand): Promise<ErasureOutcome> {
    const { erasureId, contact, principalId, reason, by, correlationId } = command;
    // The keys (and any view's plaintext) go first, and only then is the fact recorded. If the
    // append fails after the delete, the data is still erased — the direction to fail in — but
    // unrecorded: the subjects are logged below so an operator can see what went, and a retry
    // finds nothing (404). The other order could record an erasure that never happened.
    const subjects = await this.vault.erase({ contact, principalId });
    if (subjects.length === 0) {
      throw Problem.notFound('NoPersonalDataFound', 'no personal data is held for this contact or principal');
    }
    try {
      const result = await this.loop.handle({
        decider: erasureDecider,
        streamId: streamIdOf(STREAM_CATEGORIES.erasure, erasureId),
        command: {
          type: 'RecordPersonalDataErasure',
          data: { subjects, ...(principalId !== undefined && { principalId }), reason },
          metadata: { now: new Date(), actor: actorOf(by) },
        },
        correlation: { correlationId },
      });
      this.logger.info({ erasureId, erased: subjects.length }, 'personal data erased');
      return { result, erased: subjects.length };
    } catch (error) {
      this.logger.error(
        { err: error, erasureId, subjects },
        'personal data was erased, but PersonalDataErased could not be recorded',
      );
      throw error;
    }
  }
}
