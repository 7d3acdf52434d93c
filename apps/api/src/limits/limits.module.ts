import { Module } from '@nestjs/common';

import { HeavyRequestLimiter } from './heavy-request-limiter';

/** One `HeavyRequestLimiter` for every module serving heavy requests. */
@Module({
  providers: [HeavyRequestLimiter],
  exports: [HeavyRequestLimiter],
})
export class LimitsModule {}
