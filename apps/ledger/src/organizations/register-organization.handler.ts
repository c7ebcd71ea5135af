import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { organizationDecider } from '@ledger/domain';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult } from '@ledger/runtime';
import { actorOf } from '../access/access.decorators';
import { AuthenticatedPrincipal, PrincipalDirectory } from '../access/principal-directory';

export class RegisterOrganizationCommand {
  constructor(
    readonly organizationId: string,
    readonly name: string,
    readonly by: AuthenticatedPrincipal,
    readonly correlationId: string,
  ) {}
}

@CommandHandler(RegisterOrganizationCommand)
export class RegisterOrganizationHandler implements ICommandHandler<
  RegisterOrganizationCommand,
  CommandResult
> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly directory: PrincipalDirectory,
  ) {}

  async execute({
    organizationId,
    name,
    by,
    correlationId,
  }: RegisterOrganizationCommand): Promise<CommandResult> {
    const result = await this.loop.handle({
      decider: organizationDecider,
      streamId: streamIdOf(STREAM_CATEGORIES.organization, organizationId),
      command: {
        type: 'RegisterOrganization',
        data: { name },
        metadata: { now: new Date(), actor: actorOf(by) },
      },
      correlation: { correlationId },
    });
    await this.directory.catchUp();
    return result;
  }
}
