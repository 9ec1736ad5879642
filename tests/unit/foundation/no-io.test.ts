import { describe, expect, it } from 'vitest';
import { execFile, fork, spawn, spawnSync } from 'node:child_process';
import http, { createServer } from 'node:http';
import https from 'node:https';
import net from 'node:net';

// The unit project's rule, checked on itself: tests/unit/no-io.setup.ts refuses every
// socket and every process, so a unit test that needs one fails with a sentence that
// says where it belongs.
const rule = /unit tests open no sockets and start no processes\. Move this test to tests\/integration/;

describe('a unit test opens no socket and starts no process', () => {
  it('refuses a fetch, even to 127.0.0.1, naming the rule', async () => {
    const error = await fetch('http://127.0.0.1:59999/').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    // fetch wraps what failed underneath it in `cause`.
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(rule);
  });

  it('refuses http and https clients and servers, however they are imported', () => {
    expect(() => createServer()).toThrow(rule);
    expect(() => http.createServer()).toThrow(rule);
    expect(() => http.request('http://127.0.0.1:9/')).toThrow(rule);
    expect(() => http.get('http://127.0.0.1:9/')).toThrow(rule);
    expect(() => https.request('https://127.0.0.1:9/')).toThrow(rule);
  });

  it('refuses raw sockets and servers made without the named functions', () => {
    expect(() => net.connect(9, '127.0.0.1')).toThrow(rule);
    expect(() => new net.Socket().connect(9, '127.0.0.1')).toThrow(rule);
    expect(() => new net.Server().listen(0)).toThrow(rule);
    expect(() => new http.Server().listen(0)).toThrow(rule);
  });

  it('refuses every way to start a process', () => {
    expect(() => spawn(process.execPath, ['-e', '0'])).toThrow(rule);
    expect(() => spawnSync(process.execPath, ['-e', '0'])).toThrow(rule);
    expect(() => execFile(process.execPath, ['-e', '0'])).toThrow(rule);
    expect(() => fork('-e')).toThrow(rule);
  });
});
