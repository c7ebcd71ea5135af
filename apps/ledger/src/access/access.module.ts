import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { JwtAuthenticator } from './jwt-authenticator';
import { PrincipalDirectory } from './principal-directory';
import { RouteGate } from './route-gate';
import { WhoAmIController } from './who-am-i.controller';

@Module({
  controllers: [WhoAmIController],
  providers: [
    PrincipalDirectory,
    JwtAuthenticator,
    AuthenticationGuard,
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    RouteGate,
  ],
  exports: [PrincipalDirectory],
})
export class AccessModule {}
