// Loaded with --import before the bundled main: says when Node had booted, then installs hooks.mjs.
import { register } from 'node:module';
import { performance } from 'node:perf_hooks';

process.stdout.write(`BENCH-STARTUP ${JSON.stringify({ booted: performance.now() })}\n`);
register('./hooks.mjs', import.meta.url);
