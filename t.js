const { PGlite } = require('@electric-sql/pglite');
(async () => {
let t=Date.now(); let db = await PGlite.create(); console.log('memory init', Date.now()-t);
t=Date.now(); const dump = await db.dumpDataDir('none'); console.log('dump', Date.now()-t, dump.size);
await db.close();
t=Date.now(); db = await PGlite.create({loadDataDir: dump}); console.log('memory from dump', Date.now()-t);
t=Date.now(); db = await PGlite.create({loadDataDir: dump}); console.log('memory from dump 2', Date.now()-t);
const dir='/tmp/pgl-x'+Date.now(); t=Date.now(); db = await PGlite.create(dir); console.log('dir init', Date.now()-t); await db.close();
t=Date.now(); db = await PGlite.create(dir); console.log('dir reopen', Date.now()-t); await db.close();
})();
