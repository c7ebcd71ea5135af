import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimits } from './rate-limits';

/** Rate limits (issue 7). Import it after AccessModule: its guard must run after authentication. */
@Module({
  providers: [RateLimits, { provide: APP_GUARD, useClass: RateLimitGuard }],
  exports: [RateLimits],
})
export class RateLimitsModule {}
