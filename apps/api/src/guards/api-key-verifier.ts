import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { ForbiddenException, Global, Injectable, Module, UnauthorizedException } from '@nestjs/common';

import { grantsAllNamespaces } from '@kube-monitoring/contract';

import { AccessScope } from '../access/access-scope';
import { ApiKeyStore, StoredApiKey } from '../database/api-keys/api-key-store';
import { DatabaseModule } from '../database/database.module';

/** Every key starts so (secret scanners and people recognise it): `kmk_<id>_<secret>`. */
export const API_KEY_PREFIX = 'kmk_';
const KEY_FORMAT = /^kmk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Route metadata: no API key may call the operation (managing API keys, reading the audit trail). */
export const NO_API_KEYS = 'kube-monitoring:no-api-keys';

/** How often a key's last use is written at most (per API process). */
const TOUCH_EVERY_MS = 60_000;

export type KeyScope = Extract<AccessScope, { kind: 'key' }>;

/** A new key: its id, its secret's SHA-256 (what is stored) and the key itself (shown once). */
export function newApiKey(): { id: string; key: string; secretSha256: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `${API_KEY_PREFIX}${id}_${secret}`, secretSha256: sha256(secret) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A stored secret hash to compare with when the key's id is unknown, so that an unknown id takes as long as a wrong secret. */
const NO_KEY_SHA256 = sha256('no such key');

/** `X-API-KEY` checked against the store on every request, so a revocation holds at once. */
@Injectable()
export class ApiKeyVerifier {
  private readonly touched = new Map<string, number>();

  constructor(private readonly store: ApiKeyStore) {}

  async verify(key: string, nowMs = Date.now()): Promise<KeyScope> {
    const match = KEY_FORMAT.exec(key);
    const stored = match ? await this.store.find(match[1] as string) : undefined;
    const secretOk = timingSafeEqual(Buffer.from(sha256(match?.[2] ?? key), 'hex'), Buffer.from(stored?.secretSha256 ?? NO_KEY_SHA256, 'hex'));
    if (!stored || !secretOk) throw new UnauthorizedException('API key is not recognized');
    if (stored.revokedAt !== null) throw new UnauthorizedException('API key was revoked');
    if (stored.expiresAt !== null && stored.expiresAt <= nowMs) throw new UnauthorizedException('API key has expired');
    this.touch(stored, nowMs);
    return { kind: 'key', id: stored.id, name: stored.name, scope: stored.scope, namespaces: grantsAllNamespaces(stored.namespaces) ? 'all' : [...stored.namespaces] };
  }

  /** Administrative operations (the ledger's, billing's) take a `billing-admin` key; API keys are managed by people and the service credentials only. */
  static assertMay(scope: KeyScope, needs: { admin: boolean; noKeys: boolean }): void {
    if (needs.noKeys) throw new ForbiddenException('API keys may not manage API keys or read the audit trail: use the service credentials or an admin account');
    if (needs.admin && scope.scope !== 'billing-admin') throw new ForbiddenException('this operation needs a billing-admin API key');
  }

  /** Records the use, at most once a minute per key; a failure to record never fails the request. */
  private touch(key: StoredApiKey, nowMs: number): void {
    if (nowMs - (this.touched.get(key.id) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touched.set(key.id, nowMs);
    this.store.touch(key.id, nowMs).catch(() => this.touched.delete(key.id));
  }
}

/** The key verifier for every module's guards (they run in the module of their controller). */
@Global()
@Module({ imports: [DatabaseModule], providers: [ApiKeyVerifier], exports: [ApiKeyVerifier] })
export class ApiKeyAuthModule {}
