/**
 * The one contract between the renderer and the main process.
 *
 * Every channel the renderer may call is named here once, with a runtime schema for its
 * input (valibot) and the TypeScript type of its output. Every event the main process may
 * push is named here once, with the type of its payload. Both transports (Electron IPC in
 * main.ts/preload.ts, and the browser host in host/) carry exactly this and nothing else,
 * and both validate input through `dispatch()` before a handler runs.
 *
 * Both processes import it at run time: the main process to validate every call, the
 * renderer to validate its forms with the same schemas. So it imports nothing but valibot
 * and its own files (a lint rule and tsconfig.contract.json enforce it). This file is the
 * entry; the parts are domain.ts (e-RS's rules: priorities, text lengths, uploads, id
 * formats), channels.ts (inputs and outputs), events.ts, errors.ts, views.ts (the view
 * models), waiting-clocks.ts (the 2WW, 18-week and A&G clocks), safe-document.ts (converted documents) and bridge.ts (what crosses the
 * boundary for each call).
 */
export * from './bridge';
export * from './channels';
export * from './domain';
export * from './errors';
export * from './events';
export * from './nhs-number';
export * from './patient';
export * from './safe-document';
export * from './views';
export * from './waiting-clocks';
