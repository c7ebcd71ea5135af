import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthenticationGuard } from './authentication.guard';
import { BearerCredentials } from './bearer-credentials';
import { CaseIndex } from './case-index';
import { JwtAuthenticator } from './jwt-authenticator';
import { PrincipalDirectory } from './principal-directory';
import { RouteGate } from './route-gate';
import { WhoAmIController } from './who-am-i.controller';

@Module({
  controllers: [WhoAmIController],
  providers: [
    PrincipalDirectory,
    CaseIndex,
    JwtAuthenticator,
    BearerCredentials,
    AuthenticationGuard,
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    RouteGate,
  ],
  exports: [PrincipalDirectory, CaseIndex, BearerCredentials],
})
export class AccessModule {}
