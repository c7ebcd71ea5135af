import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AGGREGATE_ID_PATTERN } from '@ledger/events';

export class RegisterOrganizationDto {
  @ApiPropertyOptional({
    description: 'Chosen by the caller, or a UUID when absent.',
    example: 'city-data-bureau',
  })
  @IsOptional()
  @IsString()
  @Matches(AGGREGATE_ID_PATTERN, {
    message: 'id may hold letters, digits and . _ ~ : - (up to 128 characters)',
  })
  id?: string;

  @ApiProperty({ example: 'Shanghai Municipal Big Data Center' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class OrganizationDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() registeredAt!: string;
}

export class OrganizationPageDto {
  @ApiProperty({ type: [OrganizationDto] }) items!: OrganizationDto[];
  @ApiPropertyOptional() next?: string;
}
