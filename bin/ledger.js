#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(built)) {
  process.stderr.write(
    'The ledger command is not built yet: run `npm run build` (npm ci does it for you).\n',
  );
  process.exit(2);
}
require(built);
