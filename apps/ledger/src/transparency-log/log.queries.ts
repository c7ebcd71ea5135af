import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DecimalDigits } from '../http/decimal-digits';

const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

export class InclusionProofQuery {
  @ApiProperty({ description: "The entry's global position (its leaf index).", minimum: 0 })
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(MAX_TREE_SIZE)
  position!: number;

  @ApiPropertyOptional({
    description:
      "The tree to prove inclusion in, normally a checkpoint's size; default: the latest checkpoint's.",
    minimum: 1,
  })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize?: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'The older tree size (the checkpoint you hold).', minimum: 1 })
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  from!: number;

  @ApiPropertyOptional({ description: "The newer tree size; default: the latest checkpoint's.", minimum: 1 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  to?: number;
}

export class ListCheckpointsQuery {
  @ApiPropertyOptional({ description: 'Smallest tree size to list.', minimum: 0, default: 0 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(0)
  @Max(MAX_TREE_SIZE)
  fromSize?: number;

  @ApiPropertyOptional({ description: 'Page size.', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalDigits()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
