/**
 * The unit project's one setup file: it makes the rule "unit tests open no sockets and
 * start no processes" (README, "Unit and integration tests") something the runner checks.
 *
 * Every way a test could reach the network or another process ends in one of a few
 * functions: a socket connects (`net.Socket#connect`, under fetch, http.request, tls and
 * every client), a server listens (`net.Server#listen`, under http.createServer and every
 * loopback server), or `child_process` starts something (esbuild's and electron-builder's
 * APIs included). Each of them throws here, naming the rule, so a unit test that needs one
 * fails loudly and belongs in tests/integration instead.
 *
 * Files, timers, crypto, zlib and worker-free computation stay allowed: those are what
 * unit tests are for.
 */
import childProcess from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what: string): never {
  throw new Error(
    `${what} in a unit test: unit tests open no sockets and start no processes. ` +
      'Move this test to tests/integration (README, "Unit and integration tests").',
  );
}

// Any socket, however it was made: fetch (undici), http/https clients, tls, net.connect.
net.Socket.prototype.connect = function connect() {
  refuse('a socket connecting (net.Socket#connect, under fetch and every HTTP client)');
} as typeof net.Socket.prototype.connect;
// Any server, however it was made: http.createServer(...).listen, net.createServer(...).listen.
net.Server.prototype.listen = function listen() {
  refuse('a server listening (net.Server#listen)');
} as typeof net.Server.prototype.listen;

// The named entry points too, so the message says which one was called, and so an ESM
// `import { createServer } from 'node:http'` sees the refusing version.
const named: Array<[object, string, string[]]> = [
  [net, 'node:net', ['connect', 'createConnection', 'createServer']],
  [http, 'node:http', ['createServer', 'request', 'get']],
  [https, 'node:https', ['createServer', 'request', 'get']],
  [childProcess, 'node:child_process', ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']],
];
for (const [module, name, functions] of named) {
  for (const fn of functions) {
    Object.defineProperty(module, fn, {
      configurable: true,
      writable: true,
      value: () => refuse(`${name} ${fn}()`),
    });
  }
}
syncBuiltinESMExports();
