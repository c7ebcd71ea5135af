'use strict';
// The ceiling for HTTP figures: a bare Fastify route that only parses a JSON body, run as its own process
// exactly like the ledger, and loaded by the same generator in the same run.
const fastify = require('fastify')({ logger: false });

fastify.post('/ingest', async (request) => ({ received: Object.keys(request.body).length }));
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready'));
