/**
 * The console's only way to the ledger: its public HTTP API (http-api.md), with the signed-in
 * person's key as a Bearer token. Errors arrive as RFC 9457 problem details and are thrown as
 * ApiProblem, so every page can show the server's refusal in words.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** A refusal or failure the ledger answered (or a request that never reached it: status 0). */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(detail || title);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** `If-Match: "<version>"`: act only if the case is still at the version the page showed. */
  ifMatch?: number;
  signal?: AbortSignal;
  accept?: string;
}

export class Api {
  constructor(private readonly token?: string) {}

  get signedIn(): boolean {
    return this.token !== undefined;
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.json<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown = {}, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.json<T>('POST', path, { ...options, body });
  }

  delete<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.json<T>('DELETE', path, options);
  }

  /** A text answer (a signed checkpoint, an export's lines). */
  async text(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<string> {
    const response = await this.send('GET', path, { accept: 'text/plain', ...options });
    return response.text();
  }

  /** A file answer, for the browser to save. */
  async blob(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<Blob> {
    const response = await this.send('GET', path, { accept: '*/*', ...options });
    return response.blob();
  }

  private async json<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    let response: Response;
    try {
      response = await fetch(withQuery(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        credentials: 'omit',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiProblem(0, 'Unreachable', 'The ledger did not answer', String(error));
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }
}

export function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  let body: Partial<{ code: string; title: string; detail: string; errors: FieldError[] }> = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not a problem document (a proxy's page): the status says enough.
  }
  return new ApiProblem(
    response.status,
    body.code ?? `Http${response.status}`,
    body.title ?? response.statusText,
    body.detail ?? '',
    Array.isArray(body.errors) ? body.errors : [],
    Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

/** `{"items":[…],"next"?}`: a page of a list view. */
export interface Page<T> {
  items: T[];
  next?: string;
}
