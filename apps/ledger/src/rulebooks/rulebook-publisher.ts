import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { RulebookPublicationError, rulebookDecider, RulebookState } from '@ledger/domain';
import { STREAM_CATEGORIES, streamIdOf, SYSTEM_ACTOR } from '@ledger/events';
import {
  CommandLoop,
  LOGGER,
  Logger,
  Rulebook,
  RulebookError,
  rulebookFileName,
  rulebookRef,
  Rulebooks,
} from '@ledger/runtime';

/** How often a running ledger looks for a version whose inForceFrom day has begun. */
export const RULEBOOK_CHECK_INTERVAL_MS = 10 * 60_000;

/**
 * Records each rulebook version in the journal (`RulebookPublished`, stream `rulebook-<id>`) once its
 * inForceFrom day has begun: at start-up, then every RULEBOOK_CHECK_INTERVAL_MS. A version already
 * recorded whose file has changed since stops the start: a version in force is never edited, a new
 * version replaces it. Several instances starting at once record each version once (the command
 * loop's expected version makes the loser decide again, and the decider then finds it recorded).
 */
@Injectable()
export class RulebookPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    private readonly loop: CommandLoop,
    private readonly rulebooks: Rulebooks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    await this.publishInForce(now);
    this.reportCalendar(now);
    this.timer = setInterval(() => this.checkInBackground(), RULEBOOK_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and lets a check under way finish before the journal closes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  /**
   * Checks every version the journal holds against its file, then records each version in force by
   * `now` that the journal does not hold yet. Answers the versions it recorded.
   */
  async publishInForce(now: Date): Promise<Rulebook[]> {
    const streamId = this.streamId();
    const { state } = await this.loop.load(rulebookDecider, streamId);
    this.assertRecordedVersionsUnchanged(state);
    const recorded: Rulebook[] = [];
    for (const rulebook of this.rulebooks.inForceBy(now)) {
      if (state.status === 'published' && state.digests[rulebook.version] !== undefined) continue;
      const digest = this.rulebooks.digestOf(rulebook);
      try {
        const result = await this.loop.handle({
          decider: rulebookDecider,
          streamId,
          command: {
            type: 'PublishRulebook',
            data: {
              id: rulebook.id,
              version: rulebook.version,
              inForceFrom: rulebook.inForceFrom,
              digest,
              rulebook: rulebook as unknown as Record<string, unknown>,
            },
            metadata: { now, actor: SYSTEM_ACTOR },
          },
        });
        if (result.events.length > 0) {
          recorded.push(rulebook);
          this.logger.info(
            { rulebook: rulebookRef(rulebook), digest, globalPosition: result.events[0].globalPosition },
            `recorded rulebook ${rulebookRef(rulebook)}, in force from ${rulebook.inForceFrom}`,
          );
        }
      } catch (error) {
        if (error instanceof RulebookPublicationError) {
          throw new RulebookError(`${rulebookFileName(rulebook)}: ${error.message}`);
        }
        throw error;
      }
    }
    return recorded;
  }

  private assertRecordedVersionsUnchanged(state: RulebookState): void {
    if (state.status !== 'published') return;
    for (const [version, recordedDigest] of Object.entries(state.digests)) {
      const ref = `${this.rulebooks.id}/v${version}`;
      const file = rulebookFileName({ id: this.rulebooks.id, version: Number(version) });
      const rulebook = this.rulebooks.byVersion(Number(version));
      if (!rulebook) {
        throw new RulebookError(
          `rulebooks/${file} is missing, but the journal records ${ref}: restore the file as it was recorded (GET /v1/streams/${this.streamId()}/events holds it)`,
        );
      }
      const digest = this.rulebooks.digestOf(rulebook);
      if (digest !== recordedDigest) {
        throw new RulebookError(
          `rulebooks/${file} has changed since ${ref} was recorded in the journal (digest then ${recordedDigest}, now ${digest}): ` +
            `a version in force is never edited. Restore the file and publish the change as a new version, ` +
            `rulebooks/${rulebookFileName({ id: this.rulebooks.id, version: this.rulebooks.all.length + 1 })}, with a later inForceFrom`,
        );
      }
    }
  }

  private checkInBackground(): void {
    if (this.checking) return;
    this.checking = this.publishInForce(new Date())
      .then(() => undefined)
      .catch((error: Error) => {
        this.logger.error(
          { err: error },
          `rulebooks: could not record the versions in force: ${error.message}`,
        );
      })
      .finally(() => {
        this.checking = undefined;
      });
  }

  /** Says at start-up which version is in force and warns when its calendar does not cover this year. */
  private reportCalendar(now: Date): void {
    const rulebook = this.rulebooks.inForceAt(now);
    const calendar = this.rulebooks.calendarOf(rulebook);
    const year = Number(calendar.localDateOf(now).slice(0, 4));
    const years = calendar.coveredYears;
    const covered = years.length > 0 ? years.join(', ') : 'no year';
    this.logger.info(
      { rulebook: rulebookRef(rulebook), calendarYears: years },
      `rulebook ${rulebookRef(rulebook)} in force; its working-day calendar covers ${covered}`,
    );
    if (!calendar.covers(year)) {
      this.logger.warn(
        { rulebook: rulebookRef(rulebook), year },
        `rulebook ${rulebookRef(rulebook)} has no working-day calendar for ${year}: deadlines in ${year} count weekends only`,
      );
    }
  }

  private streamId(): string {
    return streamIdOf(STREAM_CATEGORIES.rulebook, this.rulebooks.id);
  }
}
