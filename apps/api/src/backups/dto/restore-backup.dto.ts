import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';

export class RestoreBackupDto {
  @ApiProperty({ example: '6f1c…', description: 'the backup to restore' })
  @IsString() @Length(1, 64)
  backup_id: string;

  @ApiPropertyOptional({ default: false, description: 'replace collections that exist; false answers 409 naming them' })
  @IsOptional() @IsBoolean()
  overwrite?: boolean;

  @ApiPropertyOptional({ example: ['docs'], description: 'collections of the backup to restore; all when absent' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique()
  @IsString({ each: true }) @Matches(/^[A-Za-z0-9_-]{1,255}$/, { each: true, message: 'each collection must be a collection name (letters, digits, - and _)' })
  collections?: string[];

  @ApiPropertyOptional({ example: 'restored_', description: 'restore each collection as <prefix><name>' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{0,64}$/, { message: 'target_prefix may hold letters, digits, - and _, at most 64' })
  target_prefix?: string;
}
