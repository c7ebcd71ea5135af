import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '@ledger/runtime';
import type { EventStore, StoredEntry } from '@ledger/store';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events live tails of the journal (`id:` = global position, so a client resumes with
 * Last-Event-ID). Writes wait for the socket to drain, so a slow client holds one page in memory,
 * not the journal; tails end when the client goes or the service shuts down.
 */
@Injectable()
export class JournalTailService implements BeforeApplicationShutdown {
  private readonly open = new Set<AbortController>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async stream(
    response: ServerResponse,
    options: {
      fromPosition: number;
      types?: string[];
      include: (entry: StoredEntry) => boolean | Promise<boolean>;
    },
  ): Promise<void> {
    const abort = new AbortController();
    this.open.add(abort);
    response.on('close', () => abort.abort());
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`: following the journal from position ${options.fromPosition}\n\n`);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      for await (const entry of this.store.follow({
        fromPosition: options.fromPosition,
        signal: abort.signal,
        types: options.types,
      })) {
        if (!(await options.include(entry))) continue;
        const written = response.write(
          `id: ${entry.globalPosition}\nevent: ${entry.type}\ndata: ${entry.canonical}\n\n`,
        );
        if (!written) await once(response, 'drain', { signal: abort.signal });
      }
    } catch (error) {
      if (!abort.signal.aborted)
        response.write(`: the tail stopped (${(error as Error).message}); reconnect with Last-Event-ID\n\n`);
    } finally {
      clearInterval(heartbeat);
      this.open.delete(abort);
      response.end();
    }
  }

  beforeApplicationShutdown(): void {
    for (const tail of this.open) tail.abort();
  }
}
