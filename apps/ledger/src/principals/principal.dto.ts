import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AGGREGATE_ID_PATTERN, PUBLISHABLE_EVENT_TYPES, Role, ROLES } from '@ledger/events';
import { CommandResponseDto } from '../http/command-response';

export class PublishScopeDto {
  @ApiProperty({
    description: 'Event types the publisher may publish.',
    example: ['DataAccessed'],
    enum: PUBLISHABLE_EVENT_TYPES,
    isArray: true,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsIn(PUBLISHABLE_EVENT_TYPES, {
    each: true,
    message: `each type must be one of ${PUBLISHABLE_EVENT_TYPES.join(', ')}`,
  })
  types!: string[];

  @ApiProperty({
    description: 'CloudEvents sources it may publish from, matched exactly.',
    example: ['urn:gateway:download'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(500, { each: true })
  sources!: string[];
}

export class AuthorityDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'Required for body_officer.', example: 'city-data-bureau' })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, { message: 'organizationId is not a valid id' })
  organizationId?: string;

  @ApiPropertyOptional({
    type: PublishScopeDto,
    description: 'Required for publisher, refused for other roles.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => PublishScopeDto)
  publish?: PublishScopeDto;
}

export class CreatePrincipalDto extends AuthorityDto {
  @ApiProperty({ example: 'Download gateway' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class ChangeRoleDto extends AuthorityDto {}

export class IssueKeyDto {
  @ApiPropertyOptional({ description: 'A key of the same principal to revoke in the same step (rotation).' })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN)
  replaces?: string;
}

export class RevokeKeyQuery {
  @ApiPropertyOptional({ description: 'Why the key is revoked; recorded in ApiKeyRevoked.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason?: string;
}

export class IssuedKeyResponseDto extends CommandResponseDto {
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'The API key. Shown once: the ledger keeps only its SHA-256.' }) token!: string;
}

export class PrincipalKeyDto {
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty() issuedAt!: string;
  @ApiPropertyOptional() revokedAt?: string;
}

export class PrincipalDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiPropertyOptional() organizationId?: string;
  @ApiPropertyOptional({ type: PublishScopeDto }) publish?: PublishScopeDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [PrincipalKeyDto] }) keys!: PrincipalKeyDto[];
}

export class PrincipalPageDto {
  @ApiProperty({ type: [PrincipalDto] }) items!: PrincipalDto[];
  @ApiPropertyOptional() next?: string;
}
