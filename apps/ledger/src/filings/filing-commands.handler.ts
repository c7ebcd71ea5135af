import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  correctionDecider,
  CorrectionState,
  datasetDecider,
  DatasetState,
  decideCorrection,
  decideObjectionWithDataset,
  objectionDecider,
  ObjectionState,
} from '@ledger/domain';
import type {
  Actor,
  ContactDetails,
  CorrectionOutcome,
  ObjectionGround,
  ObjectionOutcome,
  SealedPersonalDataV1,
} from '@ledger/events';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, CommandResult, PersonalDataVault } from '@ledger/runtime';
import { datasetStreamId } from '../datasets/dataset-commands.handler';
import { definedOnly } from '../http/command-body';
import { Problem } from '../http/problem';
import type { ReleaseDatasetDto } from '../datasets/dataset.dto';

/** What a filer sends: the person's details and evidence still in plain text, sealed here before any decision. */
interface Filing {
  datasetId: string;
  description: string;
  evidence?: string;
}

export type CorrectionAction =
  | {
      type: 'RequestCorrection';
      filing: Filing & { datasetVersion: number; fields?: string[]; reporter?: ContactDetails };
    }
  | { type: 'StartCorrectionVerification' }
  | {
      type: 'ResolveCorrection';
      resolution: { outcome: CorrectionOutcome; releaseVersion?: number; explanation: string };
    };

export type ObjectionAction =
  | {
      type: 'FileObjection';
      filing: Filing & { ground: ObjectionGround; objector: ContactDetails; suspend?: true };
    }
  | { type: 'StartObjectionVerification' }
  | {
      type: 'ResolveObjection';
      resolution: { outcome: ObjectionOutcome; explanation: string; release?: ReleaseDatasetDto };
    };

export class RunCorrectionCommand {
  constructor(
    readonly correctionId: string,
    readonly action: CorrectionAction,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

export class RunObjectionCommand {
  constructor(
    readonly objectionId: string,
    readonly action: ObjectionAction,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly ifMatch?: number,
  ) {}
}

export const correctionStreamId = (id: string) => streamIdOf(STREAM_CATEGORIES.correction, id);
export const objectionStreamId = (id: string) => streamIdOf(STREAM_CATEGORIES.objection, id);

/**
 * Corrections: the correction's stream is decided on together with its dataset's state (whose body
 * handles it, which versions were released), read in the same pass; only the correction is written.
 */
@CommandHandler(RunCorrectionCommand)
export class CorrectionCommandsHandler implements ICommandHandler<RunCorrectionCommand, CommandResult> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    correctionId,
    action,
    actor,
    correlationId,
    ifMatch,
  }: RunCorrectionCommand): Promise<CommandResult> {
    const streamId = correctionStreamId(correctionId);
    const metadata = { now: new Date(), actor };
    let datasetId: string;
    let decide: (states: {
      correction: CorrectionState;
      dataset: DatasetState;
    }) => ReturnType<typeof decideCorrection>;
    switch (action.type) {
      case 'RequestCorrection': {
        const { filing } = action;
        datasetId = filing.datasetId;
        const sealed = await sealFiling(this.vault, actor, filing.reporter, filing.evidence);
        const data = definedOnly({
          datasetId: filing.datasetId,
          datasetVersion: filing.datasetVersion,
          description: filing.description,
          fields: filing.fields,
          evidence: sealed.evidence,
          reporter: sealed.person,
        });
        decide = ({ correction, dataset }) =>
          decideCorrection({ type: 'RequestCorrection', data, context: { dataset }, metadata }, correction);
        break;
      }
      case 'StartCorrectionVerification':
        datasetId = await this.datasetOf(streamId);
        decide = ({ correction, dataset }) =>
          decideCorrection(
            { type: 'StartCorrectionVerification', context: { dataset }, metadata },
            correction,
          );
        break;
      case 'ResolveCorrection': {
        datasetId = await this.datasetOf(streamId);
        const data = definedOnly({ ...action.resolution });
        decide = ({ correction, dataset }) =>
          decideCorrection({ type: 'ResolveCorrection', data, context: { dataset }, metadata }, correction);
        break;
      }
    }
    return this.loop.handleAcross({
      streams: {
        correction: { streamId, decider: correctionDecider },
        dataset: { streamId: datasetStreamId(datasetId), decider: datasetDecider },
      },
      primary: 'correction',
      command: { metadata },
      decide: (_, states) => ({ correction: decide(states) }),
      correlation: { correlationId },
      ifMatch,
    });
  }

  private async datasetOf(streamId: string): Promise<string> {
    const { state } = await this.loop.load(correctionDecider, streamId);
    if (state.status === 'unfiled')
      throw Problem.notFound('CorrectionNotFound', `no correction ${streamId} was filed`);
    return state.request.datasetId;
  }
}

/**
 * Objections: the objection and its dataset are decided together and written in one append — the
 * suspension on filing, and the withdrawal, restoration or reopening release on resolution.
 */
@CommandHandler(RunObjectionCommand)
export class ObjectionCommandsHandler implements ICommandHandler<RunObjectionCommand, CommandResult> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    objectionId,
    action,
    actor,
    correlationId,
    ifMatch,
  }: RunObjectionCommand): Promise<CommandResult> {
    const streamId = objectionStreamId(objectionId);
    const metadata = { now: new Date(), actor };
    let datasetId: string;
    let decide: (states: {
      objection: ObjectionState;
      dataset: DatasetState;
    }) => ReturnType<typeof decideObjectionWithDataset>;
    switch (action.type) {
      case 'FileObjection': {
        const { filing } = action;
        datasetId = filing.datasetId;
        const sealed = await sealFiling(this.vault, actor, filing.objector, filing.evidence);
        const data = definedOnly({
          datasetId: filing.datasetId,
          ground: filing.ground,
          description: filing.description,
          evidence: sealed.evidence,
          objector: sealed.person as SealedPersonalDataV1,
        });
        const suspend = filing.suspend
          ? {
              reason: `objection ${objectionId} (${filing.ground}): opening suspended at once pending verification`,
            }
          : undefined;
        decide = (states) =>
          decideObjectionWithDataset(
            {
              type: 'FileObjection',
              objectionId,
              data,
              ...(suspend && { suspend }),
              context: { dataset: states.dataset },
              metadata,
            },
            states,
          );
        break;
      }
      case 'StartObjectionVerification':
        datasetId = await this.datasetOf(streamId);
        decide = (states) =>
          decideObjectionWithDataset(
            { type: 'StartObjectionVerification', context: { dataset: states.dataset }, metadata },
            states,
          );
        break;
      case 'ResolveObjection': {
        datasetId = await this.datasetOf(streamId);
        const { outcome, explanation, release } = action.resolution;
        const data = {
          outcome,
          explanation,
          ...(release && {
            release: definedOnly({
              ...release,
              maskingRules: (release.maskingRules ?? []).map(({ field, method }) => ({ field, method })),
            }),
          }),
        };
        decide = (states) =>
          decideObjectionWithDataset(
            { type: 'ResolveObjection', objectionId, data, context: { dataset: states.dataset }, metadata },
            states,
          );
        break;
      }
    }
    return this.loop.handleAcross({
      streams: {
        objection: { streamId, decider: objectionDecider },
        dataset: { streamId: datasetStreamId(datasetId), decider: datasetDecider },
      },
      primary: 'objection',
      command: { metadata },
      decide: (_, states) => decide(states),
      correlation: { correlationId },
      ifMatch,
    });
  }

  private async datasetOf(streamId: string): Promise<string> {
    const { state } = await this.loop.load(objectionDecider, streamId);
    if (state.status === 'unfiled')
      throw Problem.notFound('ObjectionNotFound', `no objection ${streamId} was filed`);
    return state.filing.datasetId;
  }
}

/**
 * Seals the filer's details and the evidence under the filer's key: found by contact when one is
 * given, else by the logged-in principal, else a key of this filing alone (an anonymous reporter).
 */
async function sealFiling(
  vault: PersonalDataVault,
  actor: Actor,
  person: ContactDetails | undefined,
  evidence: string | undefined,
): Promise<{ person?: SealedPersonalDataV1; evidence?: SealedPersonalDataV1 }> {
  if (!person && evidence === undefined) return {};
  // A data user files for themselves: their key is also found by their principal id. Officers and
  // publishers file on someone else's behalf, so the person's key is never bound to them.
  const filesForThemselves = actor.role === 'data_user';
  const sealer = await vault.sealerFor(
    person
      ? { contact: person.contact, ...(filesForThemselves && { principalId: actor.id }) }
      : actor.role !== 'public'
        ? { principalId: actor.id }
        : {},
  );
  return {
    ...(person && { person: sealer.seal({ name: person.name, contact: person.contact }) }),
    ...(evidence !== undefined && { evidence: sealer.seal(evidence) }),
  };
}
