import { BoundParameters } from '../bound-parameters';
import { UserDatabase } from '../user-database';

/** What a key may do: read (its namespaces), or also manage billing (tariffs, cost centres, periods, the ledger). */
export const API_KEY_SCOPES = ['read', 'billing-admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A key as stored: never its secret, only the secret's SHA-256. */
export interface StoredApiKey {
  id: string;
  name: string;
  scope: ApiKeyScope;
  /** `["*"]`: every namespace. */
  namespaces: string[];
  secretSha256: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const COLUMNS = ['id', 'name', 'scope', 'namespaces', 'secret_sha256', 'created_at', 'created_by', 'expires_at', 'last_used_at', 'revoked_at'] as const;

/** The API keys (`api_keys`), raw SQL with bound parameters. */
export class ApiKeyStore {
  constructor(private readonly database: UserDatabase) {}

  async insert(key: StoredApiKey): Promise<void> {
    const p = new BoundParameters(this.database.type);
    const values = [key.id, key.name, key.scope, JSON.stringify(key.namespaces), key.secretSha256, key.createdAt, key.createdBy, key.expiresAt, key.lastUsedAt, key.revokedAt];
    await this.database.run((ds) => ds.query(`INSERT INTO "api_keys" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${p.list(values)})`, p.values));
  }

  async find(id: string): Promise<StoredApiKey | undefined> {
    const p = new BoundParameters(this.database.type);
    const rows = (await this.database.run((ds) => ds.query(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "api_keys" WHERE "id" = ${p.add(id)}`, p.values))) as Row[];
    return rows[0] ? keyOf(rows[0]) : undefined;
  }

  /** Every key, newest first, revoked ones too. */
  async list(): Promise<StoredApiKey[]> {
    const rows = (await this.database.run((ds) => ds.query(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "api_keys" ORDER BY "created_at" DESC, "id"`))) as Row[];
    return rows.map(keyOf);
  }

  /** Revokes a key not revoked yet; false when there is no such key, or it was revoked before. */
  async revoke(id: string, atMs: number): Promise<boolean> {
    const before = await this.find(id);
    if (!before || before.revokedAt !== null) return false;
    const p = new BoundParameters(this.database.type);
    await this.database.run((ds) => ds.query(`UPDATE "api_keys" SET "revoked_at" = ${p.add(atMs)} WHERE "id" = ${p.add(id)} AND "revoked_at" IS NULL`, p.values));
    return true;
  }

  async touch(id: string, atMs: number): Promise<void> {
    const p = new BoundParameters(this.database.type);
    await this.database.run((ds) => ds.query(`UPDATE "api_keys" SET "last_used_at" = ${p.add(atMs)} WHERE "id" = ${p.add(id)}`, p.values));
  }
}

type Row = Record<string, unknown>;

function keyOf(r: Row): StoredApiKey {
  const ms = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r['id']),
    name: String(r['name']),
    scope: String(r['scope']) as ApiKeyScope,
    namespaces: JSON.parse(String(r['namespaces'])) as string[],
    secretSha256: String(r['secret_sha256']),
    createdAt: Number(r['created_at']),
    createdBy: String(r['created_by']),
    expiresAt: ms(r['expires_at']),
    lastUsedAt: ms(r['last_used_at']),
    revokedAt: ms(r['revoked_at']),
  };
}
