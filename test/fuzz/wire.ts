import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** One request as the fuzzer means to send it. */
export interface WireRequest {
  method: string;
  /** Sent as it is: percent-encode what should be encoded. */
  path: string;
  /** An array sends the header once per value (duplicated headers). */
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /**
   * The whole request as bytes on a socket, for what node:http refuses to send (CR/LF or NUL in a
   * header, a malformed request line, oversized headers). `method`, `path` and `headers` then only describe it.
   */
  raw?: Buffer;
}

export interface WireAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** No HTTP answer at all: the socket was closed or reset first, or nothing came in time. */
export class NoAnswer extends Error {
  override readonly name = 'NoAnswer';
}

const ANSWER_TIMEOUT_MS = 15_000;

/**
 * Sends requests with node:http (one keep-alive agent) or, for `raw` requests, over a plain socket,
 * and answers the status, headers and body — or NoAnswer. A live tail (text/event-stream) is cut off
 * once its headers are in.
 */
export class Wire {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static forUrl(url: string): Wire {
    const { hostname, port } = new URL(url);
    return new Wire(hostname, Number(port));
  }

  send(request: WireRequest): Promise<WireAnswer> {
    return request.raw ? this.sendRaw(request.raw) : this.sendHttp(request);
  }

  close(): void {
    this.agent.destroy();
  }

  private sendHttp(request: WireRequest): Promise<WireAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...request.headers };
      if (request.body !== undefined && !hasHeader(headers, 'content-length')) {
        headers['content-length'] = String(request.body.length);
      }
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(new NoAnswer(`${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}`));
      };
      const outgoing = httpRequest(
        {
          host: this.host,
          port: this.port,
          method: request.method,
          path: request.path,
          headers,
          agent: this.agent,
        },
        (incoming) => {
          const answerHeaders = flatHeaders(incoming.headers);
          if ((answerHeaders['content-type'] ?? '').includes('text/event-stream')) {
            settled = true;
            incoming.destroy();
            resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, body: Buffer.alloc(0) });
            return;
          }
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', fail);
          incoming.on('end', () => {
            if (settled) return;
            settled = true;
            resolve({
              status: incoming.statusCode ?? 0,
              headers: answerHeaders,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      outgoing.setTimeout(ANSWER_TIMEOUT_MS, () => {
        outgoing.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
      });
      outgoing.on('error', fail);
      outgoing.end(request.body);
    });
  }

  /**
   * Writes the bytes and reads until the server closes the connection (raw requests say
   * `Connection: close`), then parses the first response. A server that answers and resets a
   * connection it will not read further (413, 431) still counts as having answered.
   */
  private sendRaw(raw: Buffer): Promise<WireAnswer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        const answer = parseResponse(Buffer.concat(chunks));
        if (answer) resolve(answer);
        else
          reject(
            new NoAnswer(
              error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : 'closed',
            ),
          );
      };
      const timer = setTimeout(
        () => finish(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // One complete response is all that is judged (a pipelined remainder may draw a second).
        if (parseResponse(Buffer.concat(chunks))) finish();
      });
      socket.on('error', finish);
      socket.on('close', () => finish());
      socket.write(raw, (error) => {
        if (error) finish(error);
      });
    });
  }
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function flatHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The first complete HTTP/1.1 response in the bytes, or undefined while it is incomplete. */
export function parseResponse(bytes: Buffer): WireAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!status) return undefined;
  // An interim answer (100 Continue) comes before the one that counts.
  if (status[1].startsWith('1')) return parseResponse(bytes.subarray(end + 4));
  const headers: Record<string, string | undefined> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body ? { status: Number(status[1]), headers, body } : undefined;
  }
  const length = Number(headers['content-length'] ?? 0);
  if (rest.length < length) return undefined;
  return { status: Number(status[1]), headers, body: rest.subarray(0, length) };
}

function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd < 0) return undefined;
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/**
 * A request written out byte for byte: the lines are byte strings (one character per byte, as
 * `asHeaderBytes` makes them); `Connection: close`, and Content-Length unless a header line sets its own.
 */
export function rawRequest(
  requestLine: string,
  headerLines: string[],
  body: Buffer = Buffer.alloc(0),
  { contentLength = true, host = true }: { contentLength?: boolean; host?: boolean } = {},
): Buffer {
  const lines = [requestLine, ...(host ? ['Host: 127.0.0.1'] : []), 'Connection: close', ...headerLines];
  if (contentLength && !headerLines.some((line) => /^content-length:/i.test(line))) {
    lines.push(`Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
