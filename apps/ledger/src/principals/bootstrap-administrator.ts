import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PrincipalError, principalDecider } from '@ledger/domain';
import { STREAM_CATEGORIES, streamIdOf, SYSTEM_ACTOR } from '@ledger/events';
import { CommandLoop, LEDGER_CONFIG, LedgerConfig, LOGGER, Logger } from '@ledger/runtime';
import { hashToken, newApiKey } from '../access/api-keys';
import { PrincipalDirectory } from '../access/principal-directory';

export const BOOTSTRAP_PRINCIPAL_ID = 'bootstrap-admin';

/**
 * On an empty ledger, creates the first platform admin with `LEDGER_BOOTSTRAP_TOKEN` as its key, or
 * with a generated key printed once. Recorded like any other principal, by the ledger itself.
 */
@Injectable()
export class BootstrapAdministrator implements OnApplicationBootstrap {
  constructor(
    private readonly loop: CommandLoop,
    private readonly directory: PrincipalDirectory,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.catchUp();
    const configured = this.config.bootstrapToken;
    if (!this.directory.isEmpty()) {
      if (configured !== undefined && !(await this.directory.authenticate(hashToken(configured)))) {
        this.logger.warn(
          'LEDGER_BOOTSTRAP_TOKEN is ignored: the ledger already has principals. Issue keys with POST /v1/principals/{id}/keys.',
        );
      }
      return;
    }
    const generated = configured === undefined ? newApiKey() : undefined;
    const token = configured ?? (generated as { token: string }).token;
    try {
      await this.loop.handle({
        decider: principalDecider,
        streamId: streamIdOf(STREAM_CATEGORIES.principal, BOOTSTRAP_PRINCIPAL_ID),
        command: {
          type: 'CreatePrincipal',
          data: {
            name: 'Bootstrap platform administrator',
            role: 'platform_admin',
            key: { keyId: generated?.keyId ?? 'key-bootstrap', keyHash: hashToken(token) },
          },
          context: { organizationRegistered: true },
          metadata: { now: new Date(), actor: SYSTEM_ACTOR },
        },
      });
    } catch (error) {
      // Another instance bootstrapped the same empty ledger a moment earlier: its key stands.
      if (error instanceof PrincipalError && error.code === 'PrincipalAlreadyExists') return;
      throw error;
    }
    await this.directory.catchUp();
    if (generated) {
      process.stdout.write(
        `\n  Bootstrap platform-admin API key (shown once, keep it safe):\n\n    ${generated.token}\n\n` +
          `  Use it as "Authorization: Bearer <key>"; set LEDGER_BOOTSTRAP_TOKEN to choose your own on an empty ledger.\n\n`,
      );
    }
    this.logger.info({ principalId: BOOTSTRAP_PRINCIPAL_ID }, 'created the bootstrap platform admin');
  }
}
