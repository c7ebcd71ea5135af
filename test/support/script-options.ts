import { readFileSync } from 'node:fs';
import { parseArgs, ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** `--database-url`, every bench's and drill's: the PostgreSQL it makes its scratch databases next to. */
export const DATABASE_URL_OPTION = {
  type: 'string',
  default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
} as const;

/**
 * The options of a bench or drill script, read as `parseArgs` reads them, with what a person running
 * one expects besides: `--help` (or `-h`) prints the script's header comment — what it does, its
 * options, how its figures or verdicts read — and exits 0; an unknown or malformed option says which,
 * points to `--help`, and exits 2 (the drills' "could not run"), rather than a stack trace.
 */
export function scriptOptions<T extends OptionsConfig>(scriptFile: string, options: T) {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${headerCommentOf(scriptFile)}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n(run it with --help for its options)\n`);
    process.exit(2);
  }
}

/** The text of the file's first doc comment, without its `/**`, `*` and `*\/`. */
export function headerCommentOf(file: string): string {
  const comment = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'));
  if (!comment) return `${file}: no description; its options are in its parseArgs call`;
  return comment[1]
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}
