import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { EVENT_CATALOGUE } from '@ledger/events';
import { CHECKPOINT_EVENT_TYPE } from '@ledger/projections';

/** Every journal event type, and the transparency log's checkpoints. */
export const SUBSCRIBABLE_TYPES: readonly string[] = [...Object.keys(EVENT_CATALOGUE), CHECKPOINT_EVENT_TYPE];

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/**
 * https anywhere; plain http only to this machine (a receiver in a test or a sidecar), since a secret
 * and signed data over http elsewhere would cross the network in clear. No credentials in the URL:
 * subscriptions are listed, and the signature is the subscriber's proof of origin.
 */
export function isWebhookUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol !== 'http:') return false;
  return LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}

const IsWebhookUrl = () =>
  ValidateBy({
    name: 'isWebhookUrl',
    validator: {
      validate: isWebhookUrl,
      defaultMessage: () =>
        'url must be an https URL (or http to localhost / 127.0.0.0/8 / [::1]) without credentials, up to 2000 characters',
    },
  });

export class CreateSubscriptionDto {
  @ApiProperty({
    description: 'Where deliveries are POSTed: https, or http to a loopback address.',
    example: 'https://archive.example.cn/ledger-hook',
  })
  @IsWebhookUrl()
  url!: string;

  @ApiProperty({
    description: `Event types to receive; ${CHECKPOINT_EVENT_TYPE} for new transparency-log checkpoints.`,
    example: ['DatasetRegistered', CHECKPOINT_EVENT_TYPE],
    enum: SUBSCRIBABLE_TYPES,
    isArray: true,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_TYPES, {
    each: true,
    message: 'each type must be a ledger event type or LogCheckpointPublished',
  })
  types!: string[];

  @ApiProperty({
    description:
      'The HMAC-SHA256 key of X-Ledger-Signature (16–256 characters, used as UTF-8 bytes). Stored encrypted, never returned.',
    minLength: 16,
    maxLength: 256,
  })
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret!: string;
}

export class SubscriptionDto {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) types!: string[];
  @ApiProperty({
    description: 'Journal events after this globalPosition are delivered (the head when it was created).',
  })
  fromPosition!: number;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class SubscriptionPageDto {
  @ApiProperty({ type: [SubscriptionDto] }) items!: SubscriptionDto[];
  @ApiPropertyOptional() next?: string;
}

export class DeliveryDto {
  @ApiProperty({ description: 'The CloudEvent id: the ledger event id, or checkpoint-<tree size>.' })
  eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: "The event's globalPosition, or the checkpoint's tree size." })
  position!: number;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'cancelled'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ description: 'The status code of the last attempt (absent: no answer).' })
  lastStatusCode?: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional() lastAttemptAt?: string;
  @ApiPropertyOptional() deliveredAt?: string;
  @ApiPropertyOptional({ description: 'When the next attempt is due (absent: delivered or given up).' })
  nextAttemptAt?: string;
  @ApiProperty() enqueuedAt!: string;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiPropertyOptional() next?: string;
}
