/**
 * Contract overhead: sequential `app.info` calls per second through the browser host as the
 * app's page makes them (one message each on the host's WebSocket, validation in
 * dispatch(), and back), the same over the page's fetch (the host's HTTP fallback), and
 * through dispatch() on the handler object directly, as both transports call it.
 */
import type { Page } from 'playwright-core';
import { dispatch } from '../../electron/dispatch';
import { silentLogger } from '../../electron/log/logger';
import type { BenchContext } from './bench-context';
import { hostCallsScript, hostSocketCallsScript } from './page-scripts';
import { round, summarise } from './stats';

async function directCallsPerSecond(ctx: BenchContext, windowMs: number): Promise<{ rate: number; calls: number }> {
  const app = ctx.running.app;
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < windowMs) {
    // A batch between clock reads, so reading the clock is not what is measured.
    for (let i = 0; i < 200; i += 1) {
      const result = await dispatch(app, 'app.info', {}, silentLogger);
      if (!result.ok) throw new Error(result.error.message);
    }
    calls += 200;
  }
  return { rate: calls / ((performance.now() - started) / 1000), calls };
}

/** The same calls from Node's fetch: the host without Chromium's network stack. */
async function nodeCallLatencies(ctx: BenchContext, durationMs: number): Promise<number[]> {
  const { origin, secret } = ctx.running.host;
  const call = async () => {
    const response = await fetch(`${origin}/api/invoke/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Triage-Host-Key': secret },
      body: '{}',
    });
    const result = JSON.parse(await response.text()) as { ok: boolean };
    if (!result.ok) throw new Error('app.info failed through the host');
  };
  for (let i = 0; i < 100; i += 1) await call();
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    const before = performance.now();
    await call();
    latencies.push(performance.now() - before);
  }
  return latencies;
}

export async function contractBench(ctx: BenchContext, page: Page): Promise<void> {
  ctx.progress('contract: app.info through the host and through dispatch()');
  type Run = { calls: number; elapsedMs: number; latencies: number[] };
  const host = (await page.evaluate(hostSocketCallsScript(200, 3000))) as Run;
  const hostRate = host.calls / (host.elapsedMs / 1000);
  const latency = summarise(host.latencies);
  const overHttp = (await page.evaluate(hostCallsScript(200, 3000))) as Run;
  const httpRate = overHttp.calls / (overHttp.elapsedMs / 1000);
  const httpLatency = summarise(overHttp.latencies);

  const fromNode = summarise(await nodeCallLatencies(ctx, 1500));

  await directCallsPerSecond(ctx, 300); // warm-up: let V8 optimise the path
  const windows: number[] = [];
  for (let i = 0; i < 5; i += 1) windows.push((await directCallsPerSecond(ctx, 400)).rate);
  const direct = summarise(windows);

  ctx.add({
    id: 'contract.host-calls-per-second',
    label: 'Contract: app.info via browser host, sequential',
    value: Math.round(hostRate),
    unit: 'calls/s',
    target: 300,
    better: 'higher',
    targetBasis: 'Five calls (a screen’s worth) within one 16 ms frame.',
    limit: `Each call took a median ${round(latency.median, 2)} ms (p95 ${round(latency.p95, 2)} ms) from the page over the host's WebSocket; over the page's fetch (the host's HTTP fallback) ${round(
      httpLatency.median,
      2,
    )} ms (${Math.round(httpRate)} calls/s); the same call from Node's fetch took ${round(fromNode.median, 2)} ms (p95 ${round(
      fromNode.p95,
      2,
    )} ms), and dispatch() alone runs at ${Math.round(direct.median).toLocaleString('en-GB')} calls/s, so the time is in the HTTP round trip${
      latency.median > fromNode.median * 1.5 ? ", most of it in Chromium's network stack" : ''
    } (load average ${ctx.load()}).`,
    detail: {
      transport: 'WebSocket /api/socket, as renderer/api/host-bridge.ts calls',
      calls: host.calls,
      elapsedMs: round(host.elapsedMs),
      latencyMs: latency,
      overHttp: { callsPerSecond: Math.round(httpRate), latencyMs: httpLatency },
      fromNodeFetchMs: fromNode,
    },
  });
  ctx.add({
    id: 'contract.dispatch-calls-per-second',
    label: 'Contract: app.info via dispatch() directly',
    value: Math.round(direct.median),
    unit: 'calls/s',
    target: 10_000,
    better: 'higher',
    targetBasis: 'Validation costs at most 0.1 ms a call, so it is never what a user waits for.',
    limit: `The median of five 400 ms windows; valibot validation of the input and the handler's promise are all there is on this path (load average ${ctx.load()}).`,
    detail: { windows: windows.map((w) => Math.round(w)), summary: direct },
  });
}
