import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './scratch-redis';

/**
 * A PostgreSQL cluster of one's own, for drills and tests that stop the database: `initdb` into a
 * temporary directory (trust authentication, UTF8), a free loopback port, `pg_ctl` to start and stop
 * it, and the directory removed at the end. The machine's shared PostgreSQL is never touched.
 *
 * PostgreSQL refuses to run as root; as root, every command runs as the `postgres` user (the one the
 * machine's own cluster runs as, see `pg_ctlcluster`) through `runuser`, in a directory it owns.
 */
export class ScratchPostgres {
  private running = false;

  private constructor(
    readonly bin: string,
    readonly directory: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  /** initdb and start on a free port; `PG_BINDIR` names the binaries' directory (default: found). */
  static async start(): Promise<ScratchPostgres> {
    const bin = postgresBinDir();
    const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
    const directory = mkdtempSync(join(tmpdir(), 'ledger-scratch-pg-'));
    const cluster = new ScratchPostgres(bin, directory, await freePort(), asUser);
    try {
      if (asUser) {
        const ids = execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim();
        const gid = execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim();
        chownSync(directory, Number(ids), Number(gid));
      }
      cluster.run('initdb', [
        '-D',
        cluster.dataDirectory,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      await cluster.start();
      return cluster;
    } catch (error) {
      cluster.removeNow();
      throw error;
    }
  }

  get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  get logFile(): string {
    return join(this.directory, 'postgres.log');
  }

  /** The URL of a database of this cluster as the superuser `postgres`. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts it (again) on its port and waits until it accepts connections. */
  async start(): Promise<void> {
    this.run('pg_ctl', [
      'start',
      '-D',
      this.dataDirectory,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      // The socket in the cluster's own directory; small settings: a drill needs little.
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.directory} -c max_connections=100 -c shared_buffers=32MB -c fsync=off`,
    ]);
    this.running = true;
  }

  /**
   * Stops it: `fast` (the default, what a restart by an operator or a failover does) rolls back open
   * transactions and closes every connection; `immediate` is a crash.
   */
  async stop(mode: 'fast' | 'immediate' | 'smart' = 'fast'): Promise<void> {
    if (!this.running) return;
    this.run('pg_ctl', ['stop', '-D', this.dataDirectory, '-m', mode, '-w', '-t', '60']);
    this.running = false;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops it (immediately) and removes its directory. */
  async remove(): Promise<void> {
    this.removeNow();
  }

  /** The same without awaiting anything, for an exit handler. */
  removeNow(): void {
    this.stopNow();
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Stops it immediately if it runs, keeping its directory, without awaiting anything. */
  stopNow(): void {
    if (this.running || existsSync(join(this.dataDirectory, 'postmaster.pid'))) {
      spawnSync(...this.command('pg_ctl', ['stop', '-D', this.dataDirectory, '-m', 'immediate', '-w']), {
        stdio: 'ignore',
      });
      this.running = false;
    }
  }

  /** Runs one of the binaries (as the postgres user under root); throws with its output when it fails. */
  run(program: string, args: string[]): string {
    const result = spawnSync(...this.command(program, args), { encoding: 'utf8', cwd: this.directory });
    if (result.status !== 0) {
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2000) : '';
      throw new Error(
        `${program} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}${log && `\n${log}`}`,
      );
    }
    return result.stdout;
  }

  private command(program: string, args: string[]): [string, string[]] {
    const path = join(this.bin, program);
    return this.asUser ? ['runuser', ['-u', this.asUser, '--', path, ...args]] : [path, args];
  }
}

/**
 * Where initdb, pg_ctl, pg_dump and pg_restore are: `PG_BINDIR`, else the directory `pg_ctl` on the
 * PATH links to, else the newest /usr/lib/postgresql/<version>/bin (Debian and Ubuntu).
 */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  for (const directory of (process.env.PATH ?? '').split(':')) {
    const pgCtl = join(directory, 'pg_ctl');
    if (directory && existsSync(pgCtl)) candidates.push(dirname(realpathSync(pgCtl)));
  }
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((version) => /^\d+$/.test(version))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  const found = candidates.find((directory) =>
    ['initdb', 'pg_ctl', 'pg_dump', 'pg_restore'].every((program) => existsSync(join(directory, program))),
  );
  if (!found) {
    throw new Error(
      'initdb, pg_ctl, pg_dump and pg_restore were not found (looked in PG_BINDIR, the PATH and /usr/lib/postgresql/*/bin); set PG_BINDIR',
    );
  }
  return found;
}
