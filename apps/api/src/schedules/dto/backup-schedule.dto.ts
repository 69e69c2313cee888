import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { COLLECTION_OR_STAR } from '../../backups/dto/create-backup.dto';

export class RetentionDto {
  @ApiPropertyOptional({ example: 3, description: 'keep the N newest succeeded backups of this schedule' })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  keep_last?: number;

  @ApiPropertyOptional({ example: 30, description: 'delete backups of this schedule older than this many days' })
  @IsOptional() @IsInt() @Min(1) @Max(3650)
  max_age_days?: number;
}

const CRON_DOC = '5 fields (minute hour day month weekday), or 6 with seconds first';

export class CreateBackupScheduleDto {
  @ApiProperty({ example: '0 */6 * * *', description: CRON_DOC })
  @IsString() @Length(1, 200)
  cron: string;

  @ApiPropertyOptional({ example: 'UTC', description: 'IANA time zone the cron is read in', default: 'UTC' })
  @IsOptional() @IsString() @Length(1, 64)
  timezone?: string;

  @ApiProperty({ example: ['*'], description: '["*"] for every collection at the time of each run, or the names of some' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique()
  @IsString({ each: true }) @Matches(COLLECTION_OR_STAR, { each: true, message: 'each collection must be "*" or a collection name (letters, digits, - and _)' })
  collections: string[];

  @ApiProperty({ type: RetentionDto, description: 'applied after each successful run; set keep_last, max_age_days or both' })
  @IsDefined() @ValidateNested() @Type(() => RetentionDto)
  retention: RetentionDto;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; a given `retention` replaces the whole policy. */
export class UpdateBackupScheduleDto {
  @ApiPropertyOptional({ example: '0 3 * * *', description: CRON_DOC })
  @IsOptional() @IsString() @Length(1, 200)
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @IsOptional() @IsString() @Length(1, 64)
  timezone?: string;

  @ApiPropertyOptional({ example: ['docs'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ArrayUnique()
  @IsString({ each: true }) @Matches(COLLECTION_OR_STAR, { each: true, message: 'each collection must be "*" or a collection name (letters, digits, - and _)' })
  collections?: string[];

  @ApiPropertyOptional({ type: RetentionDto })
  @IsOptional() @ValidateNested() @Type(() => RetentionDto)
  retention?: RetentionDto;

  @ApiPropertyOptional({ example: false, description: 'false stops the schedule at once; true starts it from the next slot' })
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}
