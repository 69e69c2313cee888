import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SCOPES, type Scope } from '../../auth/scopes';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ingest-service' })
  @IsString() @Length(1, 128)
  name: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, default: ['read', 'write', 'backup'] })
  @IsOptional() @IsArray() @ArrayUnique() @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: Scope[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'ISO 8601; the key stops working then' })
  @IsOptional() @IsDateString({ strict: true }, { message: 'expires_at must be an ISO 8601 date-time' })
  expires_at?: string;
}
