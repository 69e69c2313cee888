import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';

/** Letters, digits, - and _ (what a collection name may hold), or the single wildcard "*". */
export const COLLECTION_OR_STAR = /^(\*|[A-Za-z0-9_-]{1,255})$/;

export class CreateBackupDto {
  @ApiProperty({ example: ['*'], description: '["*"] for every collection, or the names of some' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique()
  @IsString({ each: true }) @Matches(COLLECTION_OR_STAR, { each: true, message: 'each collection must be "*" or a collection name (letters, digits, - and _)' })
  collections: string[];

  @ApiPropertyOptional({ example: 'before-migration' })
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'taken before re-embedding the docs' })
  @IsOptional() @IsString() @Length(0, 2000)
  description?: string;
}
