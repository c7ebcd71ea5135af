import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, TRANSPARENCY_LOG } from '@ledger/runtime';
import type { EventStore, StoredCheckpoint, TransparencyLog } from '@ledger/store';
import { CurrentPrincipal } from '../access/access.decorators';
import { canReadStream } from '../access/journal-access';
import { CaseIndex } from '../access/case-index';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Problem } from '../http/problem';
import { ConsistencyProofQuery, InclusionProofQuery, ListCheckpointsQuery } from './log.queries';
import { LogSequencerService } from './log-sequencer.service';

export interface CheckpointView {
  treeSize: number;
  rootHash: string;
  origin: string;
  signedAt: string;
  /** The C2SP signed note. */
  checkpoint: string;
}

const SIZE_PARAMETER = /^(0|[1-9]\d{0,15})$/;

/** The transparency log (http-api.md): checkpoints, the verifier key, entries and proofs. */
@ApiTags('transparency log')
@Controller('v1/log')
export class TransparencyLogController {
  constructor(
    @Inject(TRANSPARENCY_LOG) private readonly log: TransparencyLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sequencer: LogSequencerService,
    private readonly cases: CaseIndex,
  ) {}

  @Get('checkpoint')
  @ApiOperation({
    summary: 'The latest signed checkpoint',
    description:
      'A C2SP signed note: `<origin>\\n<size>\\n<base64 root>\\n\\n— <key name> <base64(key id ‖ Ed25519 signature)>\\n`. ' +
      'Verify it with the key from GET /v1/log/key.',
  })
  @ApiProduces('text/plain')
  async latestCheckpoint(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const checkpoint = await this.log.latestCheckpoint();
    if (!checkpoint)
      throw Problem.notFound(
        'NoCheckpoint',
        'no checkpoint has been signed yet; POST /v1/log/checkpoints signs one',
      );
    reply.type('text/plain; charset=utf-8');
    return checkpoint.note;
  }

  @Get('key')
  @ApiOperation({
    summary: "The log's origin and the verifier key to pin",
    description:
      '`verifierKey` is `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`, as `ledger verify --key` takes it.',
  })
  key(): { origin: string; verifierKey: string } {
    return { origin: this.sequencer.signer.keyName, verifierKey: this.sequencer.signer.verifierKey };
  }

  @Post('checkpoints')
  @ApiBearerAuth()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Sign and publish a checkpoint now',
    description:
      'Integrates everything appended so far and signs the tree, after checking it is consistent with the previous checkpoint. ' +
      'Answers 201 with the new checkpoint, or 200 with the latest one when the log has not grown since.',
  })
  @ApiCreatedResponse({ description: 'A new checkpoint was signed.' })
  @ApiOkResponse({ description: 'The log had not grown: the latest checkpoint.' })
  async publish(@Res({ passthrough: true }) reply: FastifyReply): Promise<CheckpointView> {
    const { checkpoint, created } = await this.sequencer.publishNow();
    if (!created) reply.status(200);
    return viewOf(checkpoint);
  }

  @Get('checkpoints')
  @ApiOperation({
    summary: 'Every checkpoint kept, by tree size',
    description: 'Answers {"checkpoints":[…],"next"?}.',
  })
  async list(
    @Query() query: ListCheckpointsQuery,
  ): Promise<{ checkpoints: CheckpointView[]; next?: number }> {
    const limit = query.limit ?? 100;
    const checkpoints = await this.log.checkpoints(query.fromSize ?? 0, limit);
    return {
      checkpoints: checkpoints.map(viewOf),
      ...(checkpoints.length === limit && { next: checkpoints[checkpoints.length - 1].treeSize + 1 }),
    };
  }

  @Get('checkpoints/:size')
  @ApiParam({ name: 'size', description: 'The tree size the checkpoint signed.' })
  @ApiOperation({
    summary: 'One kept checkpoint',
    description:
      'JSON by default; with Accept: text/plain, the signed note alone (what `ledger verify --trusted` reads).',
  })
  @ApiProduces('application/json', 'text/plain')
  async one(
    @Param('size') size: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckpointView | string> {
    if (!SIZE_PARAMETER.test(size))
      throw Problem.badRequest('InvalidTreeSize', 'a tree size is a whole number');
    const checkpoint = await this.log.checkpoint(Number(size));
    if (!checkpoint) {
      throw Problem.notFound(
        'CheckpointNotFound',
        `no checkpoint was signed at tree size ${size}; GET /v1/log/checkpoints lists them`,
      );
    }
    if (accept?.startsWith('text/plain')) {
      reply.type('text/plain; charset=utf-8');
      return checkpoint.note;
    }
    return viewOf(checkpoint);
  }

  @Get('entries/:position')
  @ApiBearerAuth()
  @ApiParam({ name: 'position', description: 'Global position (leaf index).' })
  @ApiOperation({
    summary: 'One entry with its leaf hash',
    description: 'Answers {"entry","leafHash"}; follows the journal\'s read rules.',
  })
  async entry(
    @Param('position') position: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() principal: AuthenticatedPrincipal,
  ): Promise<string> {
    if (!SIZE_PARAMETER.test(position))
      throw Problem.badRequest('InvalidPosition', 'a position is a whole number');
    const at = Number(position);
    const [entry] = await this.store.readAll({ fromPosition: at, toPosition: at, limit: 1 });
    if (!entry) throw Problem.notFound('EntryNotFound', `the journal has no entry at position ${at}`);
    if (!(await canReadStream(principal, entry.streamId, this.cases))) {
      throw Problem.forbidden(`a ${principal.role} may not read ${entry.streamId}`);
    }
    reply.type('application/json; charset=utf-8');
    return `{"entry":${entry.canonical},"leafHash":${JSON.stringify(entry.leafHash)}}`;
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    summary: "An entry's inclusion proof (RFC 9162)",
    description: 'Answers {"leafIndex","treeSize","leafHash","proof":["<base64>"…]}, hashes only.',
  })
  async inclusion(
    @Query() query: InclusionProofQuery,
  ): Promise<{ leafIndex: number; treeSize: number; leafHash: string; proof: string[] }> {
    const treeSize = query.treeSize ?? (await this.latestSize());
    if (query.position >= treeSize) {
      throw Problem.badRequest(
        'PositionOutsideTree',
        `position ${query.position} is not in a tree of size ${treeSize}; ask for a larger treeSize`,
      );
    }
    const proof = await this.log.inclusionProof(query.position, treeSize);
    return {
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      leafHash: proof.leafHash.toString('base64'),
      proof: proof.proof.map((hash) => hash.toString('base64')),
    };
  }

  @Get('proofs/consistency')
  @ApiOperation({
    summary: 'A consistency proof between two tree sizes (RFC 9162)',
    description: 'Answers {"from","to","proof":["<base64>"…]}: the older tree is a prefix of the newer one.',
  })
  async consistency(
    @Query() query: ConsistencyProofQuery,
  ): Promise<{ from: number; to: number; proof: string[] }> {
    const to = query.to ?? (await this.latestSize());
    if (query.from > to) {
      throw Problem.badRequest('InvalidTreeSizes', `from (${query.from}) must not exceed to (${to})`);
    }
    const proof = await this.log.consistencyProof(query.from, to);
    return { from: query.from, to, proof: proof.map((hash) => hash.toString('base64')) };
  }

  private async latestSize(): Promise<number> {
    const checkpoint = await this.log.latestCheckpoint();
    if (!checkpoint)
      throw Problem.notFound('NoCheckpoint', 'no checkpoint has been signed yet; give treeSize');
    return checkpoint.treeSize;
  }
}

export function viewOf(checkpoint: StoredCheckpoint): CheckpointView {
  return {
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash.toString('base64'),
    origin: checkpoint.origin,
    signedAt: checkpoint.signedAt.toISOString(),
    checkpoint: checkpoint.note,
  };
}
