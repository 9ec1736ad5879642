/**
 * The Content-Security-Policy of every page the app shows, in Electron and in the browser
 * host alike: nothing remote, no eval, no inline script. pdf.js runs its parser in a worker
 * served from the app itself, and may compile its own WebAssembly image decoders
 * ('wasm-unsafe-eval' allows WebAssembly only, not JavaScript eval).
 */
// electronegativity-ok: CSP_GLOBAL_CHECK — sent as a response header by the app:// protocol handler and the browser host, where the scanner cannot look; the security tests run the scanner's own CSP evaluator on this policy
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers served with every renderer file, in both transports. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
};
