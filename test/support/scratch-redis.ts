import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** Where Debian and Ubuntu put it; REDIS_SERVER overrides. */
export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * A redis-server of one's own on a free loopback port, for drills and tests that take Redis away:
 * the machine's shared Redis is never touched. It keeps nothing on disk (`--save "" --appendonly no`),
 * so `kill` then `start` brings back an empty Redis on the same port — the hard case, where every job
 * that was only in Redis is gone.
 */
export class ScratchRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(readonly port: number) {}

  /** Starts one on a free port and waits until it answers PING. */
  static async start(): Promise<ScratchRedis> {
    const redis = new ScratchRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** (Re)starts it on its port, empty, and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      REDIS_SERVER_BINARY,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        throw new Error(`redis-server on port ${this.port} exited at start: ${stderr.trim()}`);
      }
      if (await answersPing(this.port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer PING`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILLs it without waiting (from an exit handler). */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  /** SIGKILLs it (an outage, or the end): what it held is gone, as it kept nothing on disk. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}

/** A TCP port nothing listens on now (the OS's pick, released again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Sends an inline PING; true when +PONG comes back within a second. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}
