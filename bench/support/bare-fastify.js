'use strict';
/* global Buffer */
// The ceiling for HTTP figures: a bare Fastify route that only parses a JSON body, run as its own process
// exactly like the ledger, and loaded by the same generator in the same run.
const fastify = require('fastify')({ logger: false });

fastify.post('/ingest', async (request) => ({ received: Object.keys(request.body).length }));
// For GET figures (proofs): a route that answers a proof-sized JSON body from a query parameter.
const hashes = Array.from({ length: 20 }, (_, i) => Buffer.alloc(32, i).toString('base64'));
fastify.get('/proof', async (request) => ({ leafIndex: Number(request.query.position), proof: hashes }));
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready'));
