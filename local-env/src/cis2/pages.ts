/**
 * The mock CIS2's own pages: the sign-in page that lists the synthetic users, and the page
 * shown when a sign-in cannot continue. Plain HTML forms, no script, one stylesheet, so
 * that the pages work in any browser the user's "system browser" might be and pass an
 * axe-core check. NHS-styled after the NHS digital service manual (blue header, green
 * primary button, yellow focus ring).
 */
import type { SyntheticUser } from '../users';

export const STYLESHEET_PATH = '/assets/cis2.css';

/**
 * No script at all. No form-action either: the sign-in form's redirect chain ends at the
 * app's loopback callback on any port, possibly IPv6, which CSP source lists cannot name.
 */
export const PAGE_CSP = ["default-src 'none'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – NHS Care Identity Service (local)</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="header">
<div class="width-container">
<span class="logo" aria-hidden="true">NHS</span>
<span class="service-name">Care Identity Service <span class="tag">local test environment</span></span>
</div>
</header>
<div class="width-container">
<main id="main" class="main">
${body}
</main>
</div>
<footer class="footer"><div class="width-container">Synthetic people only. This stand-in for NHS CIS2 runs on this computer and holds no real accounts.</div></footer>
</body>
</html>
`;
}

export interface LoginPageInput {
  /** The interaction this form belongs to; the form posts back to it. */
  interactionUid: string;
  clientName: string;
  users: readonly SyntheticUser[];
  /** Set when the form came back without a choice. */
  error?: string;
  selectedUid?: string;
}

export function renderLoginPage(input: LoginPageInput): string {
  const errorId = 'user-error';
  const errorSummary = input.error
    ? `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title" class="error-summary-title">There is a problem</h2>
<ul class="error-summary-list"><li><a href="#user-${escapeHtml(input.users[0]?.uid ?? '')}">${escapeHtml(input.error)}</a></li></ul>
</div>`
    : '';
  const options = input.users
    .map((user) => {
      const id = `user-${escapeHtml(user.uid)}`;
      const checked = input.selectedUid === user.uid ? ' checked' : '';
      return `<div class="radio">
<input class="radio-input" id="${id}" name="uid" type="radio" value="${escapeHtml(user.uid)}" aria-describedby="${id}-hint" required${checked}>
<label class="radio-label" for="${id}">${escapeHtml(user.displayName)}</label>
<div id="${id}-hint" class="hint radio-hint">${escapeHtml(user.description)}. User ID ${escapeHtml(user.uid)}</div>
</div>`;
    })
    .join('\n');
  const fieldsetClass = input.error ? 'form-group form-group-error' : 'form-group';
  const errorMessage = input.error
    ? `<p id="${errorId}" class="error-message"><span class="visually-hidden">Error:</span> ${escapeHtml(input.error)}</p>`
    : '';
  const describedBy = input.error ? ` aria-describedby="${errorId}"` : '';
  const body = `${errorSummary}
<h1>Sign in</h1>
<p class="lede">${escapeHtml(input.clientName)} wants you to sign in with your NHS Care Identity Service account.</p>
<form method="post" action="/interaction/${encodeURIComponent(input.interactionUid)}" novalidate>
<div class="${fieldsetClass}">
<fieldset class="fieldset"${describedBy}>
<legend class="fieldset-legend">Who are you signing in as?</legend>
${errorMessage}
<div class="radios">
${options}
</div>
</fieldset>
</div>
<p class="hint">Signing in here stands for an NHS smartcard and passcode (assurance level AAL3).</p>
<div class="button-group">
<button class="button" type="submit" name="action" value="sign-in">Sign in</button>
<button class="button button-secondary" type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</div>
</form>`;
  return layout(input.error ? `Error: Sign in` : 'Sign in', body);
}

export interface ErrorPageInput {
  title: string;
  message: string;
}

export function renderErrorPage(input: ErrorPageInput): string {
  const body = `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>
<p>Close this browser tab, go back to the e-RS Triage app and sign in again.</p>`;
  return layout(input.title, body);
}

export const STYLESHEET = `*,*::before,*::after{box-sizing:border-box}
html{font-family:Frutiger W01,Arial,sans-serif;font-size:16px;line-height:1.5;color:#212b32;background:#f0f4f5}
body{margin:0}
.width-container{max-width:960px;margin:0 auto;padding:0 16px}
.skip-link{position:absolute;left:-9999px;top:0;padding:8px 16px;background:#ffeb3b;color:#212b32}
.skip-link:focus{left:16px}
.header{background:#005eb8;color:#fff;padding:16px 0}
.header .width-container{display:flex;align-items:center;gap:16px}
.logo{display:inline-block;background:#fff;color:#005eb8;font-weight:700;font-style:italic;font-size:24px;padding:0 8px;letter-spacing:1px}
.service-name{font-size:19px;font-weight:600}
.tag{display:inline-block;margin-left:8px;padding:0 8px;border:2px solid #fff;font-size:14px;font-weight:600;text-transform:uppercase}
.main{padding:32px 0 48px}
h1{font-size:32px;line-height:1.25;margin:0 0 24px}
.lede{font-size:19px}
.fieldset{border:0;margin:0;padding:0}
.fieldset-legend{font-size:24px;font-weight:600;margin-bottom:16px}
.form-group{margin-bottom:24px}
.form-group-error{border-left:4px solid #d5281b;padding-left:16px}
.error-message{color:#d5281b;font-weight:600;margin:0 0 16px}
.error-summary{border:4px solid #d5281b;background:#fff;padding:16px;margin-bottom:32px}
.error-summary:focus{outline:4px solid #ffeb3b;outline-offset:0}
.error-summary-title{font-size:24px;margin:0 0 16px}
.error-summary-list{margin:0;padding:0;list-style:none}
.error-summary-list a{color:#d5281b;font-weight:600}
.radio{position:relative;min-height:40px;margin-bottom:16px;padding-left:52px;background:#fff;padding-top:8px;padding-bottom:8px;padding-right:16px;border:1px solid #d8dde0}
.radio-input{position:absolute;left:8px;top:8px;width:32px;height:32px;margin:0;accent-color:#005eb8}
.radio-input:focus{outline:4px solid #ffeb3b;outline-offset:0;box-shadow:0 0 0 8px #212b32}
.radio-label{display:block;font-weight:600;cursor:pointer}
.hint{color:#4c6272}
.radio-hint{font-size:14px}
.button-group{display:flex;flex-wrap:wrap;gap:16px;align-items:center}
.button{font:inherit;font-weight:600;font-size:19px;padding:12px 16px;border:2px solid transparent;border-radius:4px;background:#007f3b;color:#fff;box-shadow:0 4px 0 #00401e;cursor:pointer}
.button:hover{background:#00662f}
.button:focus{outline:none;background:#ffeb3b;color:#212b32;box-shadow:0 4px 0 #212b32}
.button-secondary{background:#4c6272;box-shadow:0 4px 0 #263139}
.button-secondary:hover{background:#384853}
.visually-hidden{position:absolute;width:1px;height:1px;margin:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.footer{border-top:4px solid #005eb8;background:#d8dde0;padding:24px 0;font-size:14px;color:#4c6272}
a{color:#005eb8}
a:focus{outline:4px solid transparent;background:#ffeb3b;color:#212b32;box-shadow:0 -2px #ffeb3b,0 4px #212b32;text-decoration:none}
`;
