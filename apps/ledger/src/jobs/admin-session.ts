import { createHash } from 'node:crypto';

/**
 * How a browser reaches the queue board (issue 5): a page navigation cannot send
 * `Authorization: Bearer`, so `POST /v1/admin/session` — itself called with the header, platform
 * admins only — hands the same API key back as a cookie the browser then sends to the board alone:
 * HttpOnly (no script reads it), Secure, SameSite=Strict (no other site's page can make the browser
 * send it), Path=/v1/admin/queues (no other route ever receives it), for 8 hours. The board checks
 * the key on every request, as the guard does, so a revoked key or a changed role stops it at once.
 * Nothing is stored on the server.
 */
export const QUEUE_BOARD_PATH = '/v1/admin/queues';
export const SESSION_COOKIE = 'ledger_queue_board';
export const SESSION_SECONDS = 8 * 3600;

/** The Set-Cookie value that opens a session with this API key. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_BOARD_PATH}; Max-Age=${SESSION_SECONDS}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie value that ends it. */
export function expiredSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=${QUEUE_BOARD_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/** The API key of the session cookie in a Cookie header, if there is one. */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(pair.slice(separator + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const SIGN_IN_SCRIPT = `
document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = document.getElementById('key').value.trim();
  const answer = await fetch('/v1/admin/session', { method: 'POST', headers: { authorization: 'Bearer ' + key } });
  if (answer.ok) return location.reload();
  const problem = await answer.json().catch(() => ({}));
  document.getElementById('error').textContent = problem.detail || 'Sign-in failed (' + answer.status + ')';
});`;

/** What a browser sees at the board without a (valid) key: a form that opens a session, then reloads. */
export const SIGN_IN_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Open Data Ledger: job queues</title></head>
<body>
<main>
<h1>Job queues</h1>
<p>The queue board is for platform admins. Your API key is kept in a cookie sent to this board only, for 8 hours.</p>
<form id="sign-in"><label>API key <input id="key" type="password" autocomplete="off" required></label> <button>Sign in</button></form>
<p id="error" role="alert"></p>
</main>
<script>${SIGN_IN_SCRIPT}</script>
</body>
</html>
`;

/** The page runs its own inline script and nothing else, and is never framed. */
export const SIGN_IN_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(SIGN_IN_SCRIPT).digest('base64')}'`,
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
