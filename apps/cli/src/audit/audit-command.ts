import { Command } from 'commander';
import { ConfigurationError, loadConfig } from '@ledger/runtime';
import type { SqlDatabase } from '@ledger/store';
import { AuditFinding, AuditReport, AuditSource, auditJournal, DEFAULT_MAX_FINDINGS } from './audit-journal';
import {
  AuditUnusableError,
  withDataDirAuditSource,
  withDatabaseAuditSource,
  withPostgresAuditSource,
} from './audit-source';
import { ProgressLine } from '../progress-line';
import { readVerifierKey, VerifierKeyError } from './verifier-key';

/** `ledger audit`'s exit codes. */
export const AUDIT_EXIT_CODES = { agrees: 0, findings: 1, unusable: 2 } as const;
export type AuditExitCode = (typeof AUDIT_EXIT_CODES)[keyof typeof AUDIT_EXIT_CODES];

/** Which ledger to audit: a PostgreSQL URL, an embedded ledger's directory, or a database already open. */
export type AuditTarget = { databaseUrl: string } | { dataDir: string } | { database: SqlDatabase };

export interface AuditOutcome {
  exitCode: AuditExitCode;
  /** The first findings (at most 100), in the order found. */
  findings: AuditFinding[];
  findingCount: number;
  report?: AuditReport;
  /** Why the ledger could not be audited (exit code 2). */
  problem?: string;
}

export interface AuditRunOptions {
  /** `--key`: a verifier key, or a file holding it or GET /v1/log/key's answer. */
  key?: string;
  pageSize?: number;
  onProgress?: (entries: number, total: number) => void;
}

/** Audits a ledger; never throws: whatever stops the audit is exit code 2 with the reason. */
export async function runAudit(target: AuditTarget, options: AuditRunOptions = {}): Promise<AuditOutcome> {
  try {
    const key = options.key === undefined ? undefined : readVerifierKey(options.key);
    const report = await withAuditSource(target, options.pageSize, (source) =>
      auditJournal(source, { key, maxFindings: DEFAULT_MAX_FINDINGS, onProgress: options.onProgress }),
    );
    return {
      exitCode: report.findingCount === 0 ? AUDIT_EXIT_CODES.agrees : AUDIT_EXIT_CODES.findings,
      findings: report.findings,
      findingCount: report.findingCount,
      report,
    };
  } catch (error) {
    const known = error instanceof AuditUnusableError || error instanceof VerifierKeyError;
    const message = error instanceof Error ? error.message : String(error);
    return {
      exitCode: AUDIT_EXIT_CODES.unusable,
      findings: [],
      findingCount: 0,
      problem: known ? message : `the audit stopped: ${message}`,
    };
  }
}

function withAuditSource<T>(
  target: AuditTarget,
  pageSize: number | undefined,
  work: (source: AuditSource) => Promise<T>,
): Promise<T> {
  if ('databaseUrl' in target) return withPostgresAuditSource(target.databaseUrl, work, pageSize);
  if ('dataDir' in target) return withDataDirAuditSource(target.dataDir, work, pageSize);
  return withDatabaseAuditSource(target.database, work, pageSize);
}

/** The options `ledger audit` takes. */
export interface AuditCommandOptions {
  database?: string;
  dataDir?: string;
  key?: string;
}

/** `--database`, else `--data-dir`, else DATABASE_URL or LEDGER_DATA_DIR as the other commands read them. */
export function auditTargetOf(
  options: AuditCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): AuditTarget {
  if (options.database !== undefined && options.dataDir !== undefined) {
    throw new AuditUnusableError('give --database or --data-dir, not both');
  }
  if (options.database !== undefined) return { databaseUrl: options.database };
  if (options.dataDir !== undefined) return { dataDir: options.dataDir };
  const config = loadConfig(env);
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir };
}

/** Where the command writes: the process's streams, or a test's. */
export interface AuditCommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Runs `ledger audit`: progress on stderr when it is a terminal, the verdict on stdout; returns the exit code. */
export async function runAuditCommand(
  options: AuditCommandOptions,
  output: AuditCommandOutput = process,
): Promise<AuditExitCode> {
  let target: AuditTarget;
  try {
    target = auditTargetOf(options);
  } catch (error) {
    if (!(error instanceof AuditUnusableError || error instanceof ConfigurationError)) throw error;
    output.stderr.write(`ledger audit: ${error.message}\n`);
    return AUDIT_EXIT_CODES.unusable;
  }
  const progress = output.stderr.isTTY ? new ProgressLine(output.stderr, 'auditing') : undefined;
  const outcome = await runAudit(target, {
    key: options.key,
    onProgress: progress && ((n, total) => progress.show(n, total)),
  });
  progress?.clear();
  if (outcome.problem !== undefined) output.stderr.write(`ledger audit: cannot audit: ${outcome.problem}\n`);
  for (const line of verdictLines(outcome)) output.stdout.write(`${line}\n`);
  return outcome.exitCode;
}

/** What the command prints: one summary line when all agrees, else each finding kept and a count. */
export function verdictLines(outcome: AuditOutcome): string[] {
  const report = outcome.report;
  if (!report) return [];
  const counts = `${plural(report.entries, 'entry', 'entries')}, ${plural(report.checkpointsChecked, 'checkpoint')} checked`;
  if (outcome.findingCount === 0) {
    const latest = report.latestCheckpointSize;
    const unsigned =
      latest !== null && latest < report.size
        ? `; the ${plural(report.size - latest, 'entry', 'entries')} after the latest checkpoint (size ${latest}) are not signed yet`
        : latest === null
          ? '; no checkpoint has been signed yet'
          : '';
    return [
      `audit passed: ${counts}, root ${report.root?.toString('base64')} (size ${report.size})${unsigned}`,
    ];
  }
  const lines = outcome.findings.map((finding) => finding.message);
  const more = outcome.findingCount - outcome.findings.length;
  if (more > 0) lines.push(`… and ${plural(more, 'more finding')} (${unlistedByKind(outcome, report)})`);
  lines.push(`audit FAILED: ${plural(outcome.findingCount, 'finding')} over ${counts}`);
  return lines;
}

/** What the findings not listed are, e.g. `altered-entry 20, checkpoint 1`. */
function unlistedByKind(outcome: AuditOutcome, report: AuditReport): string {
  const unlisted = new Map(Object.entries(report.countsByKind));
  for (const finding of outcome.findings) unlisted.set(finding.kind, (unlisted.get(finding.kind) ?? 0) - 1);
  return [...unlisted]
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ${count.toLocaleString('en')}`)
    .join(', ');
}

/** Adds `ledger audit` to the command line. */
export function registerAuditCommand(cli: Command): void {
  cli
    .command('audit')
    .description(
      "recompute every leaf hash and the transparency log's tree from the journal's rows and check them against " +
        "the log's tiles, its tree head and every kept checkpoint: finds rows altered, deleted, inserted or " +
        "reordered behind the service's back (reads only)",
    )
    .option('--database <url>', 'the PostgreSQL ledger to audit (default: DATABASE_URL)')
    .option(
      '--data-dir <dir>',
      'an embedded ledger to audit instead (default: LEDGER_DATA_DIR); stop that ledger first, its directory is locked while it runs',
    )
    .option(
      '--key <verifierKey>',
      "the ledger's verifier key <name>+<key id>+<base64 key> (GET /v1/log/key), or a file holding it: every " +
        'checkpoint must be signed by it. Without it each checkpoint is checked against the key it names, ' +
        'which whoever can write to the database can also forge',
    )
    .addHelpText(
      'after',
      [
        '',
        'Checks, from one snapshot of the database:',
        '  - positions run 0, 1, 2… without gaps; each entry is canonical RFC 8785 JSON, hashes to its leaf hash,',
        '    and agrees with its row (position, id, stream, version, type, time, actor);',
        '  - stream versions run 0, 1, 2… in position order; recordedAt never goes back;',
        "  - the log's tiles and tree head are the tree recomputed from the entries;",
        '  - every kept checkpoint is a well-formed signed note matching its columns, signed by the key, and its',
        "    root is the journal's root at its size.",
        'Entries after the latest checkpoint are only as good as the database until a checkpoint signs them.',
        '',
        `Prints one summary line when everything agrees, else each finding (the first ${DEFAULT_MAX_FINDINGS}, then a count).`,
        'Exit codes: 0 everything agrees; 1 something was found; 2 the database cannot be audited',
        '(unreachable, not a ledger, a running embedded ledger, an unusable --key).',
      ].join('\n'),
    )
    // Usage mistakes cannot be audited (2), not commander's default 1, which would read as a finding.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : AUDIT_EXIT_CODES.unusable))
    .action(async (options: AuditCommandOptions) => {
      process.exitCode = await runAuditCommand(options);
    });
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? singular : pluralForm}`;
}
