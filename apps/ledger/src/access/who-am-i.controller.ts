import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ROLES, type Role } from '@ledger/events';
import { CurrentPrincipal } from './access.decorators';
import { AUTHORIZATION_MATRIX, type AuthorizationEntry, type MatrixKey } from './authorization-matrix';
import { JWT_KEY_ID } from './jwt-authenticator';
import type { AuthenticatedPrincipal } from './principal-directory';

export class WhoAmIDto {
  @ApiProperty({ description: 'The principal id (for a JWT: its `sub`).' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiPropertyOptional({ description: 'The organisation a body officer (or a data user) acts for.' })
  organizationId?: string;

  @ApiProperty({ enum: ['api_key', 'jwt'] })
  signedInWith!: 'api_key' | 'jwt';

  @ApiPropertyOptional({ description: 'The API key in use (never the key itself); absent for a JWT.' })
  keyId?: string;

  @ApiProperty({
    description:
      'Every route of the authorisation matrix this role may call, as `METHOD /path` (`ANY` and `/*` as in the ' +
      'matrix). Rules finer than the role still apply per case (own organisation, own application): a route ' +
      'listed here may still answer 403 for a case outside the caller’s scope.',
    example: ['GET /v1/corrections', 'POST /v1/corrections/{id}/resolve'],
  })
  may!: string[];
}

/**
 * Who the caller is and what its role may call: what a client (the console) needs to show only the
 * actions a person can take, from the same matrix the guard enforces rather than a copy of it.
 */
@ApiTags('principals')
@ApiBearerAuth()
@Controller('v1/me')
export class WhoAmIController {
  @Get()
  @ApiOperation({ summary: 'Who the caller is, and which routes its role may call' })
  @ApiOkResponse({ type: WhoAmIDto })
  whoAmI(@CurrentPrincipal() caller: AuthenticatedPrincipal): WhoAmIDto {
    const jwt = caller.keyId === JWT_KEY_ID;
    return {
      id: caller.id,
      name: caller.name,
      role: caller.role,
      ...(caller.organizationId !== undefined && { organizationId: caller.organizationId }),
      signedInWith: jwt ? 'jwt' : 'api_key',
      ...(!jwt && { keyId: caller.keyId }),
      may: routesFor(caller.role),
    };
  }
}

function routesFor(role: Role): string[] {
  return (Object.entries(AUTHORIZATION_MATRIX) as [MatrixKey, AuthorizationEntry][])
    .filter(([, entry]) => entry.who === 'public' || entry.who.includes(role))
    .map(([key]) => key);
}
