import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  applicationDecider,
  correctionDecider,
  datasetDecider,
  DisclosedCase,
  disclosureDecider,
  objectionDecider,
} from '@ledger/domain';
import type { Actor, JsonValue, SealedPersonalDataV1 } from '@ledger/events';
import { STREAM_CATEGORIES, streamIdOf } from '@ledger/events';
import { CommandLoop, PersonalDataVault } from '@ledger/runtime';
import { applicationStreamId } from '../conditional-access/application-commands.handler';
import { datasetStreamId } from '../datasets/dataset-commands.handler';
import { correctionStreamId, objectionStreamId } from '../filings/filing-commands.handler';
import { Problem } from '../http/problem';

export type CaseKind = DisclosedCase['kind'];

export interface Disclosure {
  caseStream: string;
  /** The stream the read was recorded in (`disclosure-<id>`). */
  disclosureStream: string;
  /** Each sealed member that could still be opened, in plain text. */
  personalData: Record<string, JsonValue>;
  /** Members whose keys were erased: there is nothing left to show. */
  erased: string[];
}

interface SealedCase {
  disclosed: DisclosedCase;
  sealed: Record<string, SealedPersonalDataV1 | undefined>;
}

/**
 * Opens a case's personal data for who may read it in plain text, and records the read
 * (PersonalDataDisclosed) before answering: if the record cannot be written, nothing is shown.
 */
@Injectable()
export class PersonalDataDisclosureService {
  constructor(
    private readonly loop: CommandLoop,
    private readonly vault: PersonalDataVault,
  ) {}

  async disclose(kind: CaseKind, caseId: string, actor: Actor, correlationId: string): Promise<Disclosure> {
    const { disclosed, sealed } = await this.sealedCase(kind, caseId);
    const members = Object.keys(sealed).filter((member) => sealed[member] !== undefined);
    const envelopes = members.map((member) => sealed[member] as SealedPersonalDataV1);
    const opened = await this.vault.openMany(envelopes);
    const personalData: Record<string, JsonValue> = {};
    const erased: string[] = [];
    members.forEach((member, index) => {
      const value = opened[index];
      if (value === undefined) erased.push(member);
      else personalData[member] = value;
    });
    const disclosureStream = streamIdOf(STREAM_CATEGORIES.disclosure, randomUUID());
    await this.loop.handle({
      decider: disclosureDecider,
      streamId: disclosureStream,
      command: {
        type: 'DisclosePersonalData',
        case: disclosed,
        members: Object.keys(personalData),
        subjects: envelopes.filter((_, index) => opened[index] !== undefined).map((env) => env.subject),
        metadata: { now: new Date(), actor },
      },
      correlation: { correlationId },
    });
    return { caseStream: disclosed.streamId, disclosureStream, personalData, erased };
  }

  private async sealedCase(kind: CaseKind, caseId: string): Promise<SealedCase> {
    switch (kind) {
      case 'correction': {
        const streamId = correctionStreamId(caseId);
        const { state } = await this.loop.load(correctionDecider, streamId);
        if (state.status === 'unfiled')
          throw Problem.notFound('CorrectionNotFound', `no correction ${streamId} was filed`);
        const { datasetId, reporter, evidence } = state.request;
        return {
          disclosed: { streamId, kind, organizationId: await this.organizationOf(datasetId) },
          sealed: { reporter, evidence },
        };
      }
      case 'objection': {
        const streamId = objectionStreamId(caseId);
        const { state } = await this.loop.load(objectionDecider, streamId);
        if (state.status === 'unfiled')
          throw Problem.notFound('ObjectionNotFound', `no objection ${streamId} was filed`);
        const { datasetId, objector, evidence } = state.filing;
        return {
          disclosed: { streamId, kind, organizationId: await this.organizationOf(datasetId) },
          sealed: { objector, evidence },
        };
      }
      case 'application': {
        const streamId = applicationStreamId(caseId);
        const { state } = await this.loop.load(applicationDecider, streamId);
        if (state.status === 'unsubmitted') {
          throw Problem.notFound('ApplicationNotFound', `no application ${streamId} was submitted`);
        }
        const { datasetId, applicant, applicantPrincipal } = state.submission;
        return {
          disclosed: {
            streamId,
            kind,
            organizationId: await this.organizationOf(datasetId),
            filedBy: applicantPrincipal,
          },
          sealed: { applicant },
        };
      }
    }
  }

  private async organizationOf(datasetId: string): Promise<string> {
    const { state } = await this.loop.load(datasetDecider, datasetStreamId(datasetId));
    // A case is only ever filed on a registered dataset, and a dataset's organisation never changes.
    if (state.status === 'unregistered')
      throw new Error(`the case names dataset ${datasetId}, which is not registered`);
    return state.organizationId;
  }
}
