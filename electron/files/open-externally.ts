/**
 * "Open with another application": writes an attachment to a private temporary file and
 * asks the desktop to open it. Everything about the file comes from outside (the name
 * from a Content-Disposition header or a FHIR title, the type from e-RS, the bytes from
 * the referrer), so:
 *  - the file lands in a directory only this user can read (0700), in a fresh subfolder
 *    per file, created 0600 and never over an existing file;
 *  - its name is rebuilt from the given one: no separators, no `..`, no control, format
 *    (right-to-left override) or reserved characters, no Windows device names, no trailing
 *    dots or spaces, limited length, and an extension the content type allows;
 *  - programs and scripts are refused whatever the name, the content type or the first
 *    bytes say, and only document, image, audio and video types are opened at all;
 *  - Office formats that can carry macros (the older binary .doc/.xls/.ppt family and the
 *    macro-enabled .docm/.xlsm/.pptm family) are refused the same way;
 *  - on Windows the file is marked as coming from the internet (Mark-of-the-Web: an NTFS
 *    `Zone.Identifier` stream with ZoneId=3) before it is opened, so Office opens it in
 *    Protected View and SmartScreen checks it; a file that cannot be marked is not opened;
 *  - the files are patient documents in plain form: `clear` removes them all, and the app
 *    calls it at start, on quit, at sign-out, at the idle lock and with the offline wipe.
 * It never runs anything itself: the injected `openPath` (Electron's shell.openPath) hands
 * the file to the application the user's desktop has for its type.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../app-error';
import type { Logger } from '../log/logger';
import { strippedName } from './name-characters';

/** The file writes the opener makes, so a test can see what was written where (default: node:fs). */
export interface OpenerFs {
  writeFile(filePath: string, data: string | Uint8Array, options: { mode: number; flag: string }): Promise<void>;
}

export interface ExternalOpenerOptions {
  /** Opens a file with the desktop's application for it; resolves to an error text, or ''/nothing on success (as shell.openPath does). */
  openPath: (filePath: string) => Promise<unknown>;
  /** Where the private directory is made. Default `os.tmpdir()`. */
  baseDir?: string;
  log?: Logger;
  now?: () => number;
  /** Decides whether the Mark-of-the-Web is written (win32 only). Default `process.platform`. */
  platform?: NodeJS.Platform;
  fs?: OpenerFs;
}

export interface AttachmentToOpen {
  bytes: Uint8Array;
  /** As e-RS or the referrer named it; untrusted. */
  fileName?: string | null;
  /** As e-RS gave it; untrusted. */
  contentType?: string | null;
}

export interface OpenedFile {
  path: string;
  fileName: string;
}

export interface ExternalOpener {
  open(file: AttachmentToOpen): Promise<OpenedFile>;
  /** Removes files written more than `maxAgeMs` ago; returns how many were removed. */
  cleanup(maxAgeMs: number): Promise<number>;
  /**
   * Removes every file this opener's directory holds, whatever its age; returns how many.
   * A file another application still holds open (Windows) stays until the next clear.
   */
  clear(): Promise<number>;
  /** The private directory (made on first use). */
  privateDir(): string;
}

// ---------------------------------------------------------------------------------------
// Types

/** Content types the app will hand to another application, with their extensions (first is the default). */
const OPENABLE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/pjpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/tiff': ['tif', 'tiff'],
  'image/bmp': ['bmp'],
  'image/x-ms-bmp': ['bmp'],
  'text/plain': ['txt', 'text'],
  'text/rtf': ['rtf'],
  'application/rtf': ['rtf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/dicom': ['dcm', 'dicom'],
  'audio/mpeg': ['mp3'],
  'audio/mp3': ['mp3'],
  'audio/wav': ['wav'],
  'audio/x-wav': ['wav'],
  'audio/wave': ['wav'],
  'audio/x-ms-wma': ['wma'],
  'audio/mp4': ['m4a'],
  'video/mp4': ['mp4', 'm4v'],
  'video/x-msvideo': ['avi'],
  'video/quicktime': ['mov'],
  'video/mpeg': ['mpg', 'mpeg'],
  'video/x-ms-wmv': ['wmv'],
};
const OPENABLE_EXTENSIONS = new Set(Object.values(OPENABLE_TYPES).flat());
/** Types that say nothing about the content: the name's extension decides, if it is openable. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/binary', 'application/unknown']);

/**
 * Programs, scripts, installers, shortcuts and active documents: what the desktop would
 * run rather than show. Refused by name anywhere in the name's extensions.
 */
export const EXECUTABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  'exe',
  'com',
  'bat',
  'cmd',
  'js',
  'jse',
  'mjs',
  'cjs',
  'vbs',
  'vbe',
  'vb',
  'vbscript',
  'wsf',
  'wsh',
  'wsc',
  'ws',
  'lnk',
  'hta',
  'msi',
  'msp',
  'mst',
  'msix',
  'msixbundle',
  'appx',
  'appxbundle',
  'ps1',
  'ps1xml',
  'ps2',
  'ps2xml',
  'psc1',
  'psc2',
  'psd1',
  'psm1',
  'scr',
  'pif',
  'cpl',
  'jar',
  'jnlp',
  'reg',
  'dll',
  'ocx',
  'drv',
  'sys',
  'url',
  'website',
  'appref-ms',
  'application',
  'gadget',
  'inf',
  'ins',
  'isp',
  'msc',
  'scf',
  'shb',
  'shs',
  'xbap',
  'xll',
  'chm',
  'hlp',
  'settingcontent-ms',
  'library-ms',
  'search-ms',
  'searchconnector-ms',
  'diagcab',
  'sh',
  'bash',
  'zsh',
  'csh',
  'ksh',
  'command',
  'tool',
  'run',
  'bin',
  'app',
  'dmg',
  'pkg',
  'mpkg',
  'deb',
  'rpm',
  'appimage',
  'py',
  'pyc',
  'pyw',
  'pl',
  'rb',
  'php',
  'lua',
  'iso',
  'img',
  'vhd',
  'vhdx',
  'html',
  'htm',
  'xhtml',
  'xht',
  'mht',
  'mhtml',
  'svg',
  'svgz',
]);

/**
 * Office formats that can carry macros (VBA or XLM) the desktop's Office would offer to run:
 * the older binary formats and their templates, add-ins and shows, and the macro-enabled
 * Open XML formats. Refused by their last extension, whatever the content type says.
 */
export const MACRO_CAPABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  'doc',
  'dot',
  'wbk',
  'docm',
  'dotm',
  'xls',
  'xlt',
  'xla',
  'xlw',
  'xlm',
  'xlsb',
  'xlsm',
  'xltm',
  'xlam',
  'ppt',
  'pot',
  'pps',
  'ppa',
  'pptm',
  'potm',
  'ppsm',
  'ppam',
  'sldm',
]);

/** The content types of those formats (the macro-enabled ones match MACRO_TYPE_PATTERN). */
const MACRO_CAPABLE_TYPES = new Set([
  'application/msword',
  'application/doc',
  'application/vnd.msword',
  'application/x-msword',
  'application/vnd.ms-word',
  'application/vnd.ms-excel',
  'application/msexcel',
  'application/x-msexcel',
  'application/x-excel',
  'application/excel',
  'application/vnd.ms-powerpoint',
  'application/mspowerpoint',
  'application/x-mspowerpoint',
  'application/powerpoint',
  'application/vnd.ms-word.template.macroenabled.12',
  'application/vnd.ms-excel.sheet.binary.macroenabled.12',
]);
const MACRO_TYPE_PATTERN = /macroenabled|^application\/vnd\.ms-(?:word|excel|powerpoint)\b/;

const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-ms-installer',
  'application/x-msi',
  'application/x-ms-shortcut',
  'application/vnd.microsoft.portable-executable',
  'application/x-dosexec',
  'application/x-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sh',
  'application/x-csh',
  'application/javascript',
  'application/ecmascript',
  'application/x-javascript',
  'text/javascript',
  'text/ecmascript',
  'text/jscript',
  'text/vbscript',
  'text/vbs',
  'application/hta',
  'application/x-bat',
  'application/bat',
  'application/java-archive',
  'application/x-java-archive',
  'application/x-java-jnlp-file',
  'application/x-apple-diskimage',
  'application/x-ms-application',
  'application/x-ms-xbap',
  'application/x-silverlight-app',
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/x-python',
  'text/x-python',
  'application/x-perl',
  'application/x-php',
  'application/x-iso9660-image',
  'message/rfc822',
  'multipart/related',
]);
const EXECUTABLE_TYPE_PATTERN =
  /script|executable|msdownload|msdos|installer|x-msi\b|shortcut|java-archive|shellscript|x-sh\b|powershell|portable-executable|diskimage/;

function normaliseContentType(contentType: string | null | undefined): string {
  return (
    String(contentType ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? ''
  );
}

function isExecutableType(type: string): boolean {
  return EXECUTABLE_TYPES.has(type) || EXECUTABLE_TYPE_PATTERN.test(type);
}

function isMacroCapableType(type: string): boolean {
  return MACRO_CAPABLE_TYPES.has(type) || MACRO_TYPE_PATTERN.test(type);
}

/**
 * Office files announce themselves too: the older binary formats are OLE2 compound files,
 * and a macro-enabled Open XML file renamed .docx still holds its vbaProject part.
 */
function looksMacroCapable(bytes: Uint8Array): boolean {
  const ole2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (ole2.every((byte, index) => bytes[index] === byte)) return true;
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  return zip && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('vbaProject', 0, 'latin1');
}

/** Programs announce themselves in their first bytes, whatever they are called. */
function looksExecutable(bytes: Uint8Array): boolean {
  const starts = (...magic: number[]) => magic.every((byte, index) => bytes[index] === byte);
  return (
    starts(0x4d, 0x5a) || // MZ: Windows programs, libraries, screen savers, control panel items
    starts(0x7f, 0x45, 0x4c, 0x46) || // ELF
    starts(0xfe, 0xed, 0xfa, 0xce) ||
    starts(0xfe, 0xed, 0xfa, 0xcf) ||
    starts(0xce, 0xfa, 0xed, 0xfe) ||
    starts(0xcf, 0xfa, 0xed, 0xfe) || // Mach-O
    starts(0xca, 0xfe, 0xba, 0xbe) || // Mach-O universal, Java class
    starts(0x23, 0x21) || // #! script
    starts(0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00) // Windows shortcut
  );
}

function executableRefused(): AppError {
  return new AppError(
    'ATTACHMENT_EXECUTABLE',
    'This attachment is a program or a script, so the app will not open it on your computer. Ask the sender for the document as a PDF or an image instead.',
  );
}

function macroCapableRefused(): AppError {
  return new AppError(
    'ATTACHMENT_MACRO_CAPABLE',
    'This attachment is an Office file in a format that can run macros, so the app will not open it on your computer; ask the sender for it as a PDF, or as a .docx or .xlsx file.',
  );
}

function notMarked(): AppError {
  return new AppError(
    'ATTACHMENT_NOT_MARKED',
    'The app could not mark this attachment as coming from outside your organisation, so it did not open it; ask your IT service desk to check that your temporary folder is on an NTFS drive.',
  );
}

function notOpenable(): AppError {
  return new AppError(
    'ATTACHMENT_NOT_OPENABLE',
    'The app cannot open this kind of file with another application. Ask the sender for the document as a PDF, a Word document or an image.',
  );
}

// ---------------------------------------------------------------------------------------
// Names

const MAX_NAME_CHARS = 120;
const MAX_NAME_BYTES = 200;
const FALLBACK_STEM = 'attachment';
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i;

function decodeOnce(text: string): string {
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The given name, made safe as a single path component; the extension is still the given one. */
function cleanName(raw: string): string {
  let name = decodeOnce(raw.slice(0, 4096)).normalize('NFC');
  // Only the last component of anything that looks like a path is a name.
  name =
    name
      .split(/[\\/]/)
      .filter((part) => part.length > 0)
      .pop() ?? '';
  name = strippedName(name)
    // Beyond the bidirectional and control characters no name keeps (name-characters.ts):
    // other format characters (zero-width), private use and lone surrogates.
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/gu, '')
    // Reserved on Windows, or special to shells and URL handlers.
    .replace(/[<>:"|?*%^`$!&;{}[\]=#~]/g, '_')
    .replace(/\s+/g, ' ');
  // Windows drops trailing dots and spaces (so "x.exe." is "x.exe"); leading dots hide files.
  return name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
}

function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

function fitLength(stem: string, ext: string): string {
  const chars = Array.from(stem);
  const budget = MAX_NAME_CHARS - ext.length - 1;
  if (chars.length > budget) chars.length = Math.max(0, budget);
  while (chars.length > 0 && Buffer.byteLength(`${chars.join('')}.${ext}`, 'utf8') > MAX_NAME_BYTES) chars.pop();
  return chars.join('').replace(/[\s.]+$/, '');
}

export interface SafeFileName {
  fileName: string;
  ext: string;
}

/**
 * The name the file is written under, or an AppError when the file must not be opened.
 * Pure: exported so the decision can be tested and shown before anything is written.
 */
export function safeFileName(given: string | null | undefined, contentType: string | null | undefined, bytes?: Uint8Array): SafeFileName {
  const type = normaliseContentType(contentType);
  if (isExecutableType(type)) throw executableRefused();

  const raw = String(given ?? '');
  // Judged on the name as the desktop would read it, before anything is cut away.
  const asDesktopReadsIt = strippedName(raw)
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[\s.]+$/, '');
  const lastExt = splitExtension(asDesktopReadsIt.split(/[\\/]/).pop() ?? '').ext;
  if (EXECUTABLE_EXTENSIONS.has(lastExt)) throw executableRefused();
  if (isMacroCapableType(type) || MACRO_CAPABLE_EXTENSIONS.has(lastExt)) throw macroCapableRefused();

  const cleaned = cleanName(raw);
  const split = splitExtension(cleaned);
  const ext = split.ext;
  let stem = split.stem;
  if (EXECUTABLE_EXTENSIONS.has(ext)) throw executableRefused();
  if (MACRO_CAPABLE_EXTENSIONS.has(ext)) throw macroCapableRefused();
  if (bytes && looksExecutable(bytes)) throw executableRefused();
  if (bytes && looksMacroCapable(bytes)) throw macroCapableRefused();

  // An inner extension naming a program ("letter.exe.pdf") is kept as text, not as a dot.
  stem = stem.replace(/\.([^.]+)(?=\.|$)/g, (match, inner: string) =>
    EXECUTABLE_EXTENSIONS.has(inner.toLowerCase()) ? `_${inner}` : match,
  );

  const allowed = OPENABLE_TYPES[type];
  let finalExt: string;
  if (allowed) {
    if (ext && allowed.includes(ext)) finalExt = ext;
    else {
      // A known extension that disagrees with the type is replaced; anything else
      // ("Results v1.2") was part of the name.
      if (ext && !OPENABLE_EXTENSIONS.has(ext)) stem = `${stem}.${ext}`;
      finalExt = allowed[0] ?? 'bin';
    }
  } else if (GENERIC_TYPES.has(type) && OPENABLE_EXTENSIONS.has(ext)) {
    finalExt = ext;
  } else {
    throw notOpenable();
  }

  let safeStem = fitLength(stem, finalExt);
  if (safeStem.length === 0) safeStem = FALLBACK_STEM;
  if (WINDOWS_DEVICE.test(safeStem.split('.')[0]?.trim() ?? '')) safeStem = `_${safeStem}`;
  return { fileName: `${safeStem}.${finalExt}`, ext: finalExt };
}

// ---------------------------------------------------------------------------------------
// Files

function userTag(): string {
  if (typeof process.getuid === 'function') return String(process.getuid());
  let name = 'user';
  try {
    name = os.userInfo().username;
  } catch {
    // No account name: the temp directory is per user on Windows anyway.
  }
  return createHash('sha256').update(name).digest('hex').slice(0, 12);
}

/** True when the directory is ours alone: a real directory, owned by us, closed to others. */
function isPrivateDir(dir: string): boolean {
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.isSymbolicLink()) return false;
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  if (stat.uid !== process.getuid()) return false;
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return true;
}

/** What Windows writes for a file downloaded from the internet (URLZONE_INTERNET). */
export const MARK_OF_THE_WEB = '[ZoneTransfer]\r\nZoneId=3\r\n';

const nodeOpenerFs: OpenerFs = {
  writeFile: (filePath, data, writeOptions) => fs.promises.writeFile(filePath, data, writeOptions),
};

export function createExternalOpener(options: ExternalOpenerOptions): ExternalOpener {
  const base = path.resolve(options.baseDir ?? os.tmpdir());
  const now = options.now ?? Date.now;
  const platform = options.platform ?? process.platform;
  const files = options.fs ?? nodeOpenerFs;
  let root: string | null = null;

  const privateDir = (): string => {
    if (root) return root;
    const wanted = path.join(base, `ers-triage-${userTag()}`);
    // The OS temp folder is always there; a folder given instead may not be yet.
    if (options.baseDir !== undefined) fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    try {
      fs.mkdirSync(wanted, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isPrivateDir(wanted)) {
      root = wanted;
    } else {
      // Someone else made that name first (a shared /tmp): use a fresh unguessable one.
      options.log?.warn('files.open_externally.shared_dir_refused', {});
      root = fs.mkdtempSync(path.join(base, 'ers-triage-'));
    }
    return root;
  };

  return {
    privateDir,

    async open(file) {
      const { fileName, ext } = safeFileName(file.fileName, file.contentType, file.bytes);
      let target: string;
      try {
        const folder = fs.mkdtempSync(path.join(privateDir(), 'f-'));
        if (process.platform !== 'win32') fs.chmodSync(folder, 0o700);
        target = path.join(folder, fileName);
        // 'wx': never through a file or link that is already there.
        await files.writeFile(target, file.bytes, { mode: 0o600, flag: 'wx' });
        if (process.platform !== 'win32') await fs.promises.chmod(target, 0o600);
      } catch (error) {
        options.log?.error('files.open_externally.write_failed', { error });
        throw new AppError(
          'ATTACHMENT_WRITE_FAILED',
          'The app could not save the attachment to open it. Check your computer has free disk space, then try again.',
          { cause: error },
        );
      }
      if (platform === 'win32') {
        try {
          // The alternate data stream Windows itself writes for a download.
          await files.writeFile(`${target}:Zone.Identifier`, MARK_OF_THE_WEB, { mode: 0o600, flag: 'w' });
        } catch (error) {
          // Unmarked, Office would open it as trusted: the file goes, and nothing is opened.
          options.log?.error('files.open_externally.mark_failed', { error });
          await fs.promises.rm(path.dirname(target), { recursive: true, force: true }).catch(() => undefined);
          throw notMarked();
        }
      }
      let failure: unknown;
      try {
        failure = await options.openPath(target);
      } catch (error) {
        failure = error instanceof Error ? error.message : 'failed';
      }
      if (typeof failure === 'string' && failure.length > 0) {
        options.log?.warn('files.open_externally.no_application', { ext, error: failure });
        throw new AppError(
          'ATTACHMENT_OPEN_FAILED',
          'Your computer has no application that can open this kind of file. Ask your IT service desk to install one, or view the attachment on another computer.',
        );
      }
      options.log?.info('files.opened_externally', { ext, sizeBytes: file.bytes.byteLength });
      return { path: target, fileName };
    },

    cleanup(maxAgeMs) {
      return removeOlderThan(now() - maxAgeMs);
    },

    clear() {
      return removeOlderThan(Infinity);
    },
  };

  /** Removes the per-file folders last changed at or before `cutoff` (epoch ms). */
  async function removeOlderThan(cutoff: number): Promise<number> {
    if (!root && !fs.existsSync(path.join(base, `ers-triage-${userTag()}`))) return 0;
    const dir = privateDir();
    let removed = 0;
    for (const name of await fs.promises.readdir(dir)) {
      if (!name.startsWith('f-')) continue;
      const entry = path.join(dir, name);
      try {
        const stat = await fs.promises.lstat(entry);
        if (stat.mtimeMs > cutoff) continue;
        // A link is removed as a link; rm never follows it.
        await fs.promises.rm(entry, { recursive: stat.isDirectory() && !stat.isSymbolicLink(), force: true });
        removed += 1;
      } catch (error) {
        options.log?.warn('files.open_externally.cleanup_failed', { error });
      }
    }
    return removed;
  }
}
