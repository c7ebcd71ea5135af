import { renderAuthorizationMatrix } from './authorization-matrix';

// `npm run docs:authz`: the table README.md shows between its authorization-matrix markers.
process.stdout.write(`${renderAuthorizationMatrix()}\n`);
