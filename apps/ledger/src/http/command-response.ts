import { ApiProperty } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandResult } from '@ledger/runtime';
import { Problem } from './problem';

export class RecordedEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'OrganizationRegistered' }) type!: string;
  @ApiProperty({ example: 'organization-city-data-bureau' }) streamId!: string;
  @ApiProperty({ example: 0 }) streamVersion!: number;
  @ApiProperty({ example: 41 }) globalPosition!: number;
}

/** What every command answers (http-api.md, "Commands"); `events` is empty when the command changed nothing. */
export class CommandResponseDto {
  @ApiProperty({ description: "The aggregate's id." }) id!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty({ description: 'The stream version after the command; also sent as ETag.' })
  streamVersion!: number;
  @ApiProperty({ type: [RecordedEventDto] }) events!: RecordedEventDto[];
}

/** Shapes a command's result and sets `ETag: "<streamVersion>"`, which a later `If-Match` can name. */
export function commandResponse(
  reply: FastifyReply,
  aggregateId: string,
  result: CommandResult,
): CommandResponseDto {
  const streamVersion = result.streamVersion ?? -1;
  if (result.streamVersion !== null) reply.header('etag', `"${streamVersion}"`);
  return {
    id: aggregateId,
    streamId: result.streamId,
    streamVersion,
    events: result.events.map(({ id, type, streamId, streamVersion: version, globalPosition }) => ({
      id,
      type,
      streamId,
      streamVersion: version,
      globalPosition,
    })),
  };
}

/** `If-Match: "<streamVersion>"` → the version, or undefined without the header. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"(0|[1-9]\d{0,9})"\s*$/.exec(header);
  if (!match) {
    throw Problem.badRequest(
      'InvalidIfMatch',
      'If-Match must be the quoted stream version from an earlier ETag, e.g. "3"',
    );
  }
  return Number(match[1]);
}
