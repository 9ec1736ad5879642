// `npm start`: builds the app and runs it in Electron, or, where Electron cannot run here
// (its runtime was not downloaded, or there is no display), says so in one line and runs
// the same app through the browser host, opening the system browser when there is one and
// printing the address when there is not. So `npm install && npm start` always ends with the
// app on screen. The decision is decideStart(), unit-tested apart from the processes it starts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where the Electron runtime is, or null when it was not downloaded. Reads what the electron
 * package's own index.js reads, without requiring it: requiring it starts a download.
 */
export function electronBinary(root, env = process.env) {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  if (!relative) return null;
  const binary = path.join(dir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** The command that opens a URL in the system browser here, or null where there is none. */
export function browserOpener(platform, env, hasCommand) {
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (display && hasCommand('xdg-open')) return { command: 'xdg-open', args: [] };
  return null;
}

/**
 * @param {{ electron: string | null, platform: NodeJS.Platform, env: NodeJS.ProcessEnv, hasCommand: (name: string) => boolean }} facts
 * @returns {{ mode: 'electron', electron: string } | { mode: 'browser', line: string, opener: { command: string, args: string[] } | null }}
 */
export function decideStart(facts) {
  const { electron, platform, env } = facts;
  const noDisplay = platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
  if (electron && !noDisplay) return { mode: 'electron', electron };
  const opener = browserOpener(platform, env, facts.hasCommand);
  const why = electron
    ? 'There is no display for Electron here'
    : 'The Electron runtime is not installed here (its download was skipped or blocked)';
  const then = opener
    ? 'so the same app opens in your browser instead, through the browser host.'
    : 'so the same app runs through the browser host: open the address below in a browser.';
  return { mode: 'browser', line: `${why}, ${then}`, opener };
}

function hasCommand(name) {
  const probe =
    process.platform === 'win32'
      ? spawnSync('where', [name], { stdio: 'ignore' })
      : spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  return probe.status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const decision = decideStart({ electron: electronBinary(root), platform: process.platform, env: process.env, hasCommand });
  if (decision.mode === 'electron') {
    run(npm, ['run', 'build'], { cwd: root });
    const child = spawn(decision.electron, ['.'], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
  } else {
    console.log(decision.line);
    run(npm, ['run', 'build:renderer', '--', '--logLevel', 'warn'], { cwd: root });
    const tsx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
    const host = spawn(tsx, ['electron/host/cli.ts'], {
      cwd: root,
      stdio: ['inherit', 'pipe', 'inherit'],
      shell: process.platform === 'win32',
    });
    let opened = false;
    host.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const url = /Open: (\S+)/.exec(String(chunk))?.[1];
      if (url && !opened && decision.opener) {
        opened = true;
        spawn(decision.opener.command, [...decision.opener.args, url], { stdio: 'ignore', detached: true })
          .on('error', () => undefined)
          .unref();
      }
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => host.kill(signal));
    host.on('exit', (code) => process.exit(code ?? 0));
  }
}
