import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { PrincipalDirectory } from './principal-directory';

@Module({
  providers: [PrincipalDirectory, { provide: APP_GUARD, useClass: AuthenticationGuard }],
  exports: [PrincipalDirectory],
})
export class AccessModule {}
