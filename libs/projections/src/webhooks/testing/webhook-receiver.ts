import { createServer, IncomingHttpHeaders, Server } from 'node:http';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  /** The status it was answered with. */
  status: number;
}

/** A delivered CloudEvent as a test reads it. */
export interface ReceivedCloudEvent {
  id: string;
  type: string;
  subject?: string;
  data: Record<string, unknown>;
  [attribute: string]: unknown;
}

/**
 * A subscriber for tests: a node:http server on a free loopback port that records every POST and
 * answers with the next scripted status (then 204). `waitFor` polls what it has received.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly script: number[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = this.script.shift() ?? 204;
      this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.statusCode = status;
      response.end();
    });
  });
  private port = 0;

  private constructor(private readonly path: string) {}

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(path);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as { port: number }).port;
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** The next requests are answered with these statuses, in order. */
  answerNext(...statuses: number[]): void {
    this.script.push(...statuses);
  }

  /** What was accepted (2xx), parsed. */
  accepted(): ReceivedCloudEvent[] {
    return this.received
      .filter((delivery) => delivery.status < 300)
      .map((delivery) => JSON.parse(delivery.body) as ReceivedCloudEvent);
  }
  async waitFor(condition: (received: ReceivedDelivery[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this.received)) {
      if (Date.now() > deadline) {
        throw new Error(`the receiver did not get what was awaited; it got ${this.received.length} requests`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
