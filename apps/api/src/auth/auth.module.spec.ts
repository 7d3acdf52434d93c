import { Logger } from '@nestjs/common';

import type { AppConfig } from '../config/app-config';
import { AuthModule } from './auth.module';

describe(AuthModule.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should refuse to start in production with a generated JWT secret', () => {
    const module = new AuthModule({ nodeEnv: 'production', jwtSecretGenerated: true } as AppConfig);
    expect(() => module.onModuleInit()).toThrow('JWT_SECRET is required when NODE_ENV=production');
  });

  it('should warn outside production when the secret is random for this run', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    new AuthModule({ nodeEnv: 'development', jwtSecretGenerated: true } as AppConfig).onModuleInit();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('JWT_SECRET is not set: using a random secret for this run'));
  });

  it('should stay quiet with a configured secret', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    new AuthModule({ nodeEnv: 'production', jwtSecretGenerated: false } as AppConfig).onModuleInit();
    expect(warn).not.toHaveBeenCalled();
  });
});
