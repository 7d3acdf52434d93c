import { ConfigError, loadConfig } from '../config/app-config';
import { databaseConfigFromEnv, describeDatabase } from './database-config';

describe('databaseConfigFromEnv', () => {
  const serviceCreds = { API_USERNAME: 'billing', API_PASSWORD: 'unit-test-service-password' };

  it.each([
    {},
    { DATABASE_URL: 'postgres://u:p@db:5432/km' },
    { DATABASE_URL: 'postgresql://u:p@db/km' },
    { SQLITE_PATH: '/var/lib/km/users.sqlite' },
    { DATABASE_URL: '', SQLITE_PATH: '' },
  ])('should read the database settings exactly as loadConfig does (%j)', (env) => {
    const app = loadConfig({ ...serviceCreds, ...env });
    expect(databaseConfigFromEnv(env)).toEqual({ databaseUrl: app.databaseUrl, sqlitePath: app.sqlitePath });
  });

  it('should reject a DATABASE_URL that is not PostgreSQL, like loadConfig', () => {
    const env = { DATABASE_URL: 'mysql://u:p@db/km' };
    expect(() => databaseConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => loadConfig({ ...serviceCreds, ...env })).toThrow(ConfigError);
  });
});

describe('describeDatabase', () => {
  it('should never show the password of DATABASE_URL', () => {
    const text = describeDatabase({ databaseUrl: 'postgres://km:s3cret@db.internal:5433/users', sqlitePath: 'x' });
    expect(text).toBe('PostgreSQL db.internal:5433/users');
  });

  it('should name the SQLite file', () => {
    expect(describeDatabase({ databaseUrl: undefined, sqlitePath: 'data/u.sqlite' })).toBe('SQLite file data/u.sqlite');
  });
});
