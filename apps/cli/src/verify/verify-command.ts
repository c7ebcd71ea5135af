import { VerificationKind, VerificationResult } from './verification-result';
import { verifyExport } from './verify-export';

/** `ledger verify`'s exit codes: 0 verified, 1 tampered or inconsistent, 2 input it cannot check. */
export const EXIT_CODES: Readonly<Record<VerificationKind, number>> = { ok: 0, tampered: 1, unusable: 2 };

/** The exit code for a verification result. */
export function exitCodeOf(result: Pick<VerificationResult, 'kind'>): number {
  return EXIT_CODES[result.kind];
}

/** The options `ledger verify` takes besides the export's path. */
export interface VerifyCommandOptions {
  key: string;
  trusted?: string;
}

/** Where the command writes: the process's streams, or a test's. */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * Runs `ledger verify <export> --key … [--trusted …]`: a progress bar on stderr when it is a
 * terminal, one verdict line on stdout, and the exit code to end with (it never throws, so no
 * catch-all elsewhere can turn an unusable input into another code).
 */
export async function runVerifyCommand(
  exportPath: string,
  options: VerifyCommandOptions,
  output: CommandOutput = process,
): Promise<number> {
  const progress = output.stderr.isTTY ? new ProgressBar(output.stderr) : undefined;
  let result: VerificationResult;
  try {
    result = await verifyExport({
      exportPath,
      key: options.key,
      trustedPath: options.trusted,
      onProgress: progress && ((read, total) => progress.show(read, total)),
    });
  } catch (error) {
    progress?.clear();
    output.stdout.write(
      `UNUSABLE: the verifier stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT_CODES.unusable;
  }
  progress?.clear();
  output.stdout.write(`${result.verdict}\n`);
  return exitCodeOf(result);
}

/** A one-line bar of bytes read, redrawn only when the shown tenth of a percent changes. */
class ProgressBar {
  private shown = -1;

  constructor(private readonly stream: CommandOutput['stderr']) {}

  show(read: number, total: number): void {
    const permille = total === 0 ? 1000 : Math.min(1000, Math.floor((read / total) * 1000));
    if (permille === this.shown) return;
    this.shown = permille;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 40));
    const filled = Math.round((permille / 1000) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    this.stream.write(
      `\rverifying [${bar}] ${(permille / 10).toFixed(1)}%  ${mebibytes(read)} of ${mebibytes(total)}`,
    );
  }

  clear(): void {
    if (this.shown >= 0) this.stream.write('\r\u001b[2K');
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
