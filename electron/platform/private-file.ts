/**
 * Who, beyond the people meant to, can read a secret file (the APIM signing key): on Windows
 * from the file's access control list as `icacls /save` writes it, on Linux and macOS from
 * its mode bits. No native module: icacls.exe ships with every Windows.
 *
 * Why `icacls <file> /save` and not icacls' usual listing: the listing names accounts in the
 * system's display language ("VORDEFINIERT\Benutzer" and "Jeder" on a German Windows, where
 * an English parser would find nobody and let the key through), and shows rights in a short
 * form that hides some masks. `/save` writes the list in SDDL, the same on every Windows:
 * well-known groups by their fixed SDDL aliases or SIDs (BU = S-1-5-32-545, WD = S-1-1-0, ...)
 * and rights as the access mask. Reading SIDs is the locale-proof way, and fails closed: a
 * list the parser cannot read is reported, never taken as safe.
 */
import { runSystemTool, systemToolPath, type SystemToolRunner } from './system-tool';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Groups of ordinary users, by SDDL alias and SID, with the name IT knows them by. */
const ORDINARY: readonly { alias: string | null; sid: RegExp; name: string }[] = [
  { alias: 'WD', sid: /^S-1-1-0$/i, name: 'Everyone' },
  { alias: 'BU', sid: /^S-1-5-32-545$/i, name: 'BUILTIN\\Users' },
  { alias: 'AU', sid: /^S-1-5-11$/i, name: 'Authenticated Users' },
  { alias: 'IU', sid: /^S-1-5-4$/i, name: 'INTERACTIVE' },
  { alias: 'NU', sid: /^S-1-5-2$/i, name: 'NETWORK' },
  { alias: 'AN', sid: /^S-1-5-7$/i, name: 'ANONYMOUS LOGON' },
  { alias: 'BG', sid: /^S-1-5-32-546$/i, name: 'BUILTIN\\Guests' },
  { alias: 'RD', sid: /^S-1-5-32-555$/i, name: 'Remote Desktop Users' },
  { alias: 'DU', sid: /^S-1-5-21-\d+-\d+-\d+-513$/i, name: 'Domain Users' },
  { alias: 'DG', sid: /^S-1-5-21-\d+-\d+-\d+-514$/i, name: 'Domain Guests' },
];

/** Rights in SDDL that include reading the file's contents (FILE_READ_DATA, or a generic read or all). */
const READ_RIGHTS: ReadonlySet<string> = new Set(['GA', 'GR', 'FA', 'FR', 'CC', 'KA', 'KR']);
/** FILE_READ_DATA, GENERIC_ALL, GENERIC_READ. */
const READ_MASK = 0x1 | 0x10000000 | 0x80000000;

export class AclUnreadable extends Error {}

/** How the mode check names who can read, beyond the owner (Linux and macOS). */
export const POSIX_GROUP = 'its group';
export const POSIX_OTHERS = 'every account on this computer';

/** One access control entry of an SDDL DACL: `(type;flags;rights;object;inherited object;sid)`. */
interface Ace {
  type: string;
  flags: string;
  rights: string;
  sid: string;
}

function grantsRead(rights: string): boolean {
  if (/^0x[0-9a-f]+$/i.test(rights)) return (Number.parseInt(rights.slice(2), 16) & READ_MASK) !== 0;
  if (!/^([A-Z]{2})+$/.test(rights)) throw new AclUnreadable(`rights "${rights}"`);
  for (let i = 0; i < rights.length; i += 2) if (READ_RIGHTS.has(rights.slice(i, i + 2))) return true;
  return false;
}

/** The top-level parenthesised entries of a DACL, stopping at a SACL ("S:") if one follows. */
function aces(dacl: string): Ace[] {
  const found: Ace[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < dacl.length; i += 1) {
    const char = dacl[i];
    if (char === '(') {
      if (depth === 0) start = i + 1;
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
      if (depth < 0) throw new AclUnreadable('unbalanced parentheses');
      if (depth === 0) {
        const parts = dacl.slice(start, i).split(';');
        if (parts.length < 6) throw new AclUnreadable('short entry');
        found.push({ type: parts[0] ?? '', flags: parts[1] ?? '', rights: parts[2] ?? '', sid: parts[5] ?? '' });
      }
    } else if (depth === 0 && dacl.startsWith('S:', i)) {
      break;
    }
  }
  if (depth !== 0) throw new AclUnreadable('unbalanced parentheses');
  return found;
}

/** The text of an `icacls /save` file: UTF-16LE (how icacls writes it), with or without a byte order mark. */
export function decodeSavedAcl(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes);
  const utf16 = (buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer.length > 1 && buffer[1] === 0);
  return (utf16 ? buffer.toString('utf16le') : buffer.toString('utf8')).replace(/^\uFEFF/, '');
}

/**
 * The ordinary-user groups an `icacls /save` DACL lets read the file, by name, in order and
 * without repeats: [] when none. Allow entries only (a deny entry is not taken as a cure: an
 * account may reach the file through another group; IT removes the allow instead), and not
 * those that only pass to children (IO). Throws AclUnreadable for what it cannot read.
 */
export function ordinaryReadersFromSavedAcl(text: string): string[] {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith('D:'));
  if (line === undefined) throw new AclUnreadable('no DACL');
  // No DACL at all: Windows lets everyone do everything.
  if (/^D:[A-Z]*NO_ACCESS_CONTROL/.test(line)) return ['Everyone'];
  const readers: string[] = [];
  for (const ace of aces(line.slice(2))) {
    if (!['A', 'OA', 'XA'].includes(ace.type)) continue;
    if ((ace.flags.match(/../g) ?? []).some((flag) => flag === 'IO')) continue;
    const group = ORDINARY.find((g) => g.alias === ace.sid.toUpperCase() || g.sid.test(ace.sid));
    if (!group || readers.includes(group.name)) continue;
    if (grantsRead(ace.rights)) readers.push(group.name);
  }
  return readers;
}

/** The system's own icacls, never whatever an icacls.exe earlier on the PATH would be. */
export function icaclsPath(env: NodeJS.ProcessEnv = process.env): string {
  return systemToolPath('icacls.exe', env);
}

/**
 * The ordinary-user groups (Windows) or classes (group, others) that can read `filePath`:
 * [] when only its owner, Administrators, SYSTEM and groups IT chose can. Throws
 * AclUnreadable when it cannot tell; ENOENT and the like pass through.
 */
export async function ordinaryReaders(
  filePath: string,
  options: { platform?: NodeJS.Platform; run?: SystemToolRunner; env?: NodeJS.ProcessEnv; tmpDir?: string } = {},
): Promise<string[]> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') {
    const { mode } = await stat(filePath);
    const readers: string[] = [];
    if (mode & 0o040) readers.push(POSIX_GROUP);
    if (mode & 0o004) readers.push(POSIX_OTHERS);
    return readers;
  }
  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'ers-acl-'));
  try {
    const saved = path.join(dir, 'acl.txt');
    let answer: { exitCode: number; stdout: string };
    try {
      answer = await (options.run ?? runSystemTool)(icaclsPath(options.env), [filePath, '/save', saved, '/q']);
    } catch (cause) {
      throw new AclUnreadable('icacls could not run', { cause });
    }
    if (answer.exitCode !== 0) throw new AclUnreadable(`icacls exited ${answer.exitCode}`);
    return ordinaryReadersFromSavedAcl(decodeSavedAcl(await readFile(saved)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
