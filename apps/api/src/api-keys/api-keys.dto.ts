import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

import { MAX_NAMESPACES, NAMESPACE_GRANT_PATTERN, NAMESPACE_RULE } from '@kube-monitoring/contract';

import { IsInstant } from '../common/validation.decorators';
import { API_KEY_SCOPES, ApiKeyScope } from '../database/api-keys/api-key-store';

/** Body of `POST /api/api-keys`. */
export class CreateApiKeyDto {
  @ApiProperty({ description: 'What the key is for (shown in the list), 1 to 100 characters.', example: 'sifac-billing-export' })
  @Length(1, 100, { message: 'name: must be 1 to 100 characters' })
  @IsString({ message: 'name: must be a string' })
  name!: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    example: 'read',
    description: '`read`: the read endpoints for its namespaces; `billing-admin`: also the administrative operations of billing and the ledger.',
  })
  @IsIn(API_KEY_SCOPES, { message: `scope: must be one of ${API_KEY_SCOPES.join(', ')}` })
  scope!: ApiKeyScope;

  @ApiProperty({ type: [String], example: ['lab-vision', 'course-ml'], description: `The namespaces it may read: names, or \`["*"]\` for all. At most ${MAX_NAMESPACES}.` })
  @Matches(NAMESPACE_GRANT_PATTERN, { each: true, message: `namespaces: each entry ${NAMESPACE_RULE}, or "*" alone for all namespaces` })
  @IsString({ each: true, message: 'namespaces: must contain only strings' })
  @ArrayMaxSize(MAX_NAMESPACES, { message: `namespaces: at most ${MAX_NAMESPACES} names` })
  @IsArray({ message: 'namespaces: must be a list of namespace names' })
  namespaces!: string[];

  @ApiPropertyOptional({ example: '2027-12-31T00:00:00Z', description: 'When the key stops working (ISO-8601, in the future); never when left out.' })
  @IsOptional()
  @IsInstant()
  expiresAt?: Date;
}

/** A key as listed: never its secret. */
export class ApiKeyDto {
  @ApiProperty({ example: '3f9c2a7b1d4e8f60' })
  id!: string;

  @ApiProperty({ example: 'sifac-billing-export' })
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, example: 'read' })
  scope!: ApiKeyScope;

  @ApiProperty({ type: [String], example: ['lab-vision'] })
  namespaces!: string[];

  @ApiProperty({ example: '2026-12-07T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: 'admin', description: 'The admin who created it, or `service` for the service credentials.' })
  createdBy!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  expiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-07T11:02:00.000Z', description: 'Last request made with it (recorded at most once a minute).' })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  revokedAt!: string | null;
}

/** The answer to `POST /api/api-keys`: the key itself, shown this once. */
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'kmk_3f9c2a7b1d4e8f60_Vb0…', description: 'Send it as `X-API-KEY`. Shown once: only its hash is stored.' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  keys!: ApiKeyDto[];
}
