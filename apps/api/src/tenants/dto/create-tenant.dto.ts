import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export class PlanDto {
  @ApiPropertyOptional({ example: 100, description: 'collections the tenant may hold' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  max_collections?: number;

  @ApiPropertyOptional({ example: 10_000_000, description: 'vectors across all collections' })
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  max_vectors?: number;

  @ApiPropertyOptional({ example: 50, description: 'backups kept at once' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  max_backups?: number;

  @ApiPropertyOptional({ example: 107_374_182_400, description: 'bytes of vectors, indexes and backups' })
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  max_storage_bytes?: number;
}

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', description: 'unique; letters, digits, space, . _ -' })
  @IsString() @Length(1, 128) @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { message: 'name may hold letters, digits, space, . _ - and must start with a letter or digit' })
  name: string;

  @ApiPropertyOptional({
    example: 'user-8f3a',
    description: 'the tenant id, e.g. the hub user id sent later as X-HiveHub-User-ID; a UUID is generated when absent',
  })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'id may hold letters, digits, _ and -, at most 64' })
  id?: string;

  @ApiPropertyOptional({ type: PlanDto, description: 'limits; each absent limit takes the default' })
  @IsOptional() @ValidateNested() @Type(() => PlanDto)
  plan?: PlanDto;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ example: 'acme-corp' })
  @IsOptional() @IsString() @Length(1, 128) @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { message: 'name may hold letters, digits, space, . _ - and must start with a letter or digit' })
  name?: string;

  @ApiPropertyOptional({ type: PlanDto, description: 'limits to change; others stay' })
  @IsOptional() @ValidateNested() @Type(() => PlanDto)
  plan?: PlanDto;
}
