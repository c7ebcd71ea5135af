import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Authority, PrincipalCommand, principalDecider } from '@ledger/domain';
import { Actor, STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult } from '@ledger/runtime';
import { newApiKey } from '../access/api-keys';
import { PrincipalDirectory } from '../access/principal-directory';

/** A principal command as the API receives it: who acts, on which principal, what for. */
export class RunPrincipalCommand {
  constructor(
    readonly principalId: string,
    readonly action:
      | { type: 'CreatePrincipal'; name: string; authority: Authority }
      | { type: 'IssueApiKey'; replaces?: string }
      | { type: 'RevokeApiKey'; keyId: string; reason: string }
      | { type: 'ChangePrincipalRole'; authority: Authority },
    readonly actor: Actor,
    readonly correlationId: string,
    /** From `If-Match`: the principal stream's version the caller saw. */
    readonly ifMatch?: number,
  ) {}
}

export interface PrincipalCommandResult extends CommandResult {
  /** Set when the command issued a key: the token to show once. */
  issued?: { keyId: string; token: string };
}

/**
 * Runs principal commands through the command loop, supplying the facts from outside the aggregate
 * (is the organisation registered, how many other administrators remain) and minting new keys.
 */
@CommandHandler(RunPrincipalCommand)
export class PrincipalCommandsHandler implements ICommandHandler<
  RunPrincipalCommand,
  PrincipalCommandResult
> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly directory: PrincipalDirectory,
  ) {}

  async execute({
    principalId,
    action,
    actor,
    correlationId,
    ifMatch,
  }: RunPrincipalCommand): Promise<PrincipalCommandResult> {
    await this.directory.catchUp();
    const metadata = { now: new Date(), actor };
    const organizationRegistered = (authority: Authority) =>
      authority.organizationId === undefined ||
      this.directory.organization(authority.organizationId) !== undefined;
    const administrators = {
      otherActivePlatformAdmins: this.directory.otherActivePlatformAdmins(principalId),
    };
    let issued: PrincipalCommandResult['issued'];
    let command: PrincipalCommand;
    switch (action.type) {
      case 'CreatePrincipal': {
        const key = newApiKey();
        issued = { keyId: key.keyId, token: key.token };
        command = {
          type: 'CreatePrincipal',
          data: { name: action.name, ...action.authority, key: { keyId: key.keyId, keyHash: key.keyHash } },
          context: { organizationRegistered: organizationRegistered(action.authority) },
          metadata,
        };
        break;
      }
      case 'IssueApiKey': {
        const key = newApiKey();
        issued = { keyId: key.keyId, token: key.token };
        command = {
          type: 'IssueApiKey',
          data: {
            keyId: key.keyId,
            keyHash: key.keyHash,
            ...(action.replaces !== undefined && { replaces: action.replaces }),
          },
          metadata,
        };
        break;
      }
      case 'RevokeApiKey':
        command = {
          type: 'RevokeApiKey',
          data: { keyId: action.keyId, reason: action.reason },
          context: administrators,
          metadata,
        };
        break;
      case 'ChangePrincipalRole':
        command = {
          type: 'ChangePrincipalRole',
          data: action.authority,
          context: { ...administrators, organizationRegistered: organizationRegistered(action.authority) },
          metadata,
        };
        break;
    }
    const result = await this.loop.handle({
      decider: principalDecider,
      streamId: streamIdOf(STREAM_CATEGORIES.principal, principalId),
      command,
      correlation: { correlationId },
      ifMatch,
    });
    // Read-your-writes for authentication: the key works (or stops working) as soon as we answer.
    await this.directory.catchUp();
    return { ...result, ...(issued && { issued }) };
  }
}
