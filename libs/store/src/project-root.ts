import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A path inside the project's checkout, found by walking up from this file: the same code runs from
 * sources (Jest, ts-node) and from bundles under dist/, and data files (migrations, rulebooks) stay
 * where they are reviewed rather than being copied into builds.
 */
export function projectPath(...segments: string[]): string {
  let directory = __dirname;
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, ...segments))) {
      return join(directory, ...segments);
    }
    const parent = dirname(directory);
    if (parent === directory)
      throw new Error(`${join(...segments)} not found in any directory above ${__dirname}`);
    directory = parent;
  }
}
