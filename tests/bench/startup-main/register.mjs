// Loaded with --import before the bundled main: says when Node had booted, then installs the
// hooks in this thread (module.registerHooks: no loader worker, so the bench adds next to
// nothing to the start it measures).
import { registerHooks } from 'node:module';
import { performance } from 'node:perf_hooks';
import { resolve } from './hooks.mjs';

process.stdout.write(`BENCH-STARTUP ${JSON.stringify({ booted: performance.now() })}\n`);
registerHooks({ resolve });
