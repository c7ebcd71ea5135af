import { Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { expiredSessionCookie, QUEUE_BOARD_PATH, sessionCookie, SESSION_SECONDS } from './admin-session';

/** Signs a browser in to the queue board and out again (see admin-session.ts). */
@ApiTags('operations')
@Controller('v1/admin/session')
export class AdminSessionController {
  @Post()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Open a browser session on the queue board',
    description:
      `Answers with a cookie holding the API key this request was made with, sent by the browser to ${QUEUE_BOARD_PATH} ` +
      `only (HttpOnly, Secure, SameSite=Strict) for ${SESSION_SECONDS / 3600} hours. Platform admins only; the board ` +
      'checks the key on every request, so revoking it ends the session.',
  })
  @ApiNoContentResponse({ description: 'The session cookie is set.' })
  open(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    // The guard has checked the header's key: it is a platform admin's, and well formed.
    const token = (request.headers.authorization as string).slice('Bearer '.length);
    reply.header('set-cookie', sessionCookie(token)).header('cache-control', 'no-store');
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the browser session on the queue board (clears the cookie)' })
  @ApiNoContentResponse({ description: 'The session cookie is cleared.' })
  close(@Res({ passthrough: true }) reply: FastifyReply): void {
    reply.header('set-cookie', expiredSessionCookie());
  }
}
