import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';

import { AccessScope } from '../access/access-scope';
import { ApiKeyStore, StoredApiKey } from '../database/api-keys/api-key-store';
import { newApiKey } from '../guards/api-key-verifier';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';

/** Creating, listing and revoking API keys. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly store: ApiKeyStore) {}

  async create(body: CreateApiKeyDto, by: AccessScope, nowMs = Date.now()): Promise<CreatedApiKeyDto> {
    if (body.namespaces.includes('*') && body.namespaces.length > 1) throw new BadRequestException('namespaces: "*" stands alone');
    const expiresAt = body.expiresAt?.getTime() ?? null;
    if (expiresAt !== null && expiresAt <= nowMs) throw new BadRequestException('expiresAt: must be in the future');
    const { id, key, secretSha256 } = newApiKey();
    const stored: StoredApiKey = {
      id,
      name: body.name,
      scope: body.scope,
      namespaces: [...new Set(body.namespaces)],
      secretSha256,
      createdAt: nowMs,
      createdBy: by.kind === 'user' ? by.username : 'service',
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.store.insert(stored);
    return { ...viewOf(stored), key };
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.store.list()).map(viewOf);
  }

  async revoke(id: string, nowMs = Date.now()): Promise<void> {
    if (!/^[0-9a-f]{16}$/.test(id) || !(await this.store.revoke(id, nowMs))) throw new NotFoundException(`id: no API key "${id.slice(0, 40)}" to revoke`);
  }
}

function viewOf(k: StoredApiKey): ApiKeyDto {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    namespaces: k.namespaces,
    createdAt: new Date(k.createdAt).toISOString(),
    createdBy: k.createdBy,
    expiresAt: iso(k.expiresAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}
