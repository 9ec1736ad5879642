/**
 * "Open with another application" against hostile names and types: names from a
 * Content-Disposition header or a FHIR title that try to climb out of the directory,
 * hide an extension or name a Windows device; programs and scripts by name, by content
 * type and by their first bytes. Real files in a temp base directory; the opener is a
 * recording function, so nothing is ever opened or run.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/app-error';
import {
  EXECUTABLE_EXTENSIONS,
  MACRO_CAPABLE_EXTENSIONS,
  MARK_OF_THE_WEB,
  createExternalOpener,
  safeFileName,
  type ExternalOpener,
  type OpenerFs,
} from '../../../electron/files/open-externally';
import { writeFigures } from './security-figures';

const POSIX = process.platform !== 'win32';
const PDF = new TextEncoder().encode('%PDF-1.7\n% synthetic referral letter\n%%EOF\n');
let base = '';
let opened: string[] = [];
let opener: ExternalOpener;
let badInputsTried = 0;

beforeEach(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'ers-open-'));
  opened = [];
  opener = createExternalOpener({ baseDir: base, openPath: async (p) => void opened.push(p) });
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});
afterAll(() => {
  writeFigures('open-externally', { badInputsTried });
  console.log(`open-externally: ${badInputsTried} hostile names and types tried`);
});

/** Safe as a single component on Windows, macOS and Linux alike. */
function assertSafeName(name: string): void {
  expect(name).not.toMatch(/[\\/:*?"<>|\p{Cc}\p{Cf}]/u);
  expect(name).not.toMatch(/^\.|[. ]$/);
  expect(name).not.toContain('..');
  expect(name.length).toBeLessThanOrEqual(120);
  expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
  expect(name.split('.')[0]).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('names from Content-Disposition or a FHIR title', () => {
  const hostile: [string, string, RegExp][] = [
    ['../../etc/passwd', 'application/pdf', /^passwd\.pdf$/],
    ['..\\..\\win.ini', 'application/pdf', /^win\.ini\.pdf$/],
    ['C:\\x.pdf', 'application/pdf', /^x\.pdf$/],
    ['/abs/path/letter.pdf', 'application/pdf', /^letter\.pdf$/],
    ['%2e%2e%2f%2e%2e%2fletter.pdf', 'application/pdf', /^letter\.pdf$/],
    ['%252e%252e%252fletter.pdf', 'application/pdf', /letter\.pdf$/],
    ['letter\u0000.pdf', 'application/pdf', /^letter\.pdf$/],
    ['CON.pdf', 'application/pdf', /^_CON\.pdf$/],
    ['lpt1.tar.pdf', 'application/pdf', /^_lpt1\.tar\.pdf$/],
    ['aux', 'image/png', /^_aux\.png$/],
    ['a.pdf.', 'application/pdf', /^a\.pdf$/],
    ['a.pdf   ', 'application/pdf', /^a\.pdf$/],
    ['x'.repeat(300), 'application/pdf', /^x+\.pdf$/],
    ['\u00e9'.repeat(150) + '.pdf', 'application/pdf', /^\u00e9+\.pdf$/],
    ['report\u202Efdp.png', 'image/png', /^reportfdp\.png$/],
    ['Referral: "Jones" <urgent>|?*.pdf', 'application/pdf', /^Referral_ _Jones_ _urgent____\.pdf$/],
    ['..', 'application/pdf', /^attachment\.pdf$/],
    ['', 'image/tiff', /^attachment\.tif$/],
    ['.hidden.pdf', 'application/pdf', /^hidden\.pdf$/],
    ['scan.jpg', 'application/pdf', /^scan\.pdf$/],
    ['Results v1.2', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', /^Results v1\.2\.docx$/],
    ['letter.exe.pdf', 'application/pdf', /^letter_exe\.pdf$/],
    ['clinic photo.JPEG', 'image/jpeg', /^clinic photo\.jpeg$/],
    ['scan.dcm', 'application/octet-stream', /^scan\.dcm$/],
    ['line\nbreak\r.pdf', 'application/pdf', /^linebreak\.pdf$/],
  ];

  for (const [given, type, expected] of hostile) {
    it(`writes ${JSON.stringify(given.length > 40 ? `${given.slice(0, 40)}…` : given)} (${type}) inside the private directory with a safe name`, async () => {
      badInputsTried += 1;
      const result = await opener.open({ bytes: PDF, fileName: given, contentType: type });
      expect(result.fileName).toMatch(expected);
      assertSafeName(result.fileName);
      const privateDir = opener.privateDir();
      expect(path.dirname(path.dirname(result.path))).toBe(privateDir);
      expect(path.relative(base, result.path).startsWith('..')).toBe(false);
      expect(path.basename(result.path)).toBe(result.fileName);
      expect(readFileSync(result.path)).toEqual(Buffer.from(PDF));
      expect(opened).toEqual([result.path]);
    });
  }

  it('gives every file its own folder, so the same name twice never overwrites', async () => {
    const first = await opener.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' });
    const second = await opener.open({ bytes: new Uint8Array([37, 80, 68, 70]), fileName: 'letter.pdf', contentType: 'application/pdf' });
    expect(first.path).not.toBe(second.path);
    expect(readFileSync(first.path)).toEqual(Buffer.from(PDF));
  });
});

describe('programs and scripts are refused', () => {
  const byName = [...EXECUTABLE_EXTENSIONS];
  it(`by name, for all ${byName.length} program and script extensions, whatever the content type says`, async () => {
    for (const ext of byName) {
      for (const [name, type] of [
        [`letter.${ext}`, 'application/pdf'],
        [`letter.${ext.toUpperCase()}`, 'application/octet-stream'],
        [`letter.pdf.${ext}`, 'application/pdf'],
        [`letter.${ext}.`, 'image/png'],
        [`letter.${ext}  `, ''],
        [`letter\u202Efdp.${ext}`, 'application/pdf'],
        [`..\\..\\Startup\\evil.${ext}`, 'application/pdf'],
      ] as const) {
        badInputsTried += 1;
        const error = await refusal(opener.open({ bytes: PDF, fileName: name, contentType: type }));
        expect(error.code, `${name} (${type})`).toBe('ATTACHMENT_EXECUTABLE');
      }
    }
    expect(opened).toEqual([]);
  });

  it('by content type, whatever the name says', async () => {
    const types = [
      'application/x-msdownload',
      'application/x-msdos-program',
      'application/vnd.microsoft.portable-executable',
      'application/x-msi',
      'application/x-ms-shortcut',
      'application/javascript',
      'text/javascript; charset=utf-8',
      'text/vbscript',
      'application/hta',
      'application/x-sh',
      'application/x-bat',
      'application/java-archive',
      'application/x-apple-diskimage',
      'text/html',
      'image/svg+xml',
      'application/x-powershell',
      'APPLICATION/X-MSDOWNLOAD',
    ];
    for (const type of types) {
      badInputsTried += 1;
      const error = await refusal(opener.open({ bytes: PDF, fileName: 'letter.pdf', contentType: type }));
      expect(error.code, type).toBe('ATTACHMENT_EXECUTABLE');
    }
    expect(opened).toEqual([]);
  });

  it('by the first bytes, whatever the name and the content type say', async () => {
    const programs: [string, number[]][] = [
      ['Windows program (MZ)', [0x4d, 0x5a, 0x90, 0x00]],
      ['ELF', [0x7f, 0x45, 0x4c, 0x46, 0x02]],
      ['Mach-O', [0xcf, 0xfa, 0xed, 0xfe, 0x07]],
      ['script', [...new TextEncoder().encode('#!/bin/sh\nrm -rf ~\n')]],
      ['shortcut', [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00]],
    ];
    for (const [what, bytes] of programs) {
      badInputsTried += 1;
      const error = await refusal(opener.open({ bytes: new Uint8Array(bytes), fileName: 'letter.pdf', contentType: 'application/pdf' }));
      expect(error.code, what).toBe('ATTACHMENT_EXECUTABLE');
    }
    expect(opened).toEqual([]);
  });

  it('refuses types it does not know as openable, with its own message', async () => {
    for (const [name, type] of [
      ['archive.zip', 'application/zip'],
      ['data.xml', 'application/xml'],
      ['thing.xyz', 'application/octet-stream'],
      ['noext', ''],
    ]) {
      badInputsTried += 1;
      const error = await refusal(opener.open({ bytes: PDF, fileName: name, contentType: type }));
      expect(error.code).toBe('ATTACHMENT_NOT_OPENABLE');
    }
  });

  it('says what happened and what to do, in one sentence each, naming nothing from the file', async () => {
    const executable = await refusal(opener.open({ bytes: PDF, fileName: 'Alice Synthetic.exe', contentType: 'application/pdf' }));
    const unknown = await refusal(opener.open({ bytes: PDF, fileName: 'Alice Synthetic.zip', contentType: 'application/zip' }));
    for (const error of [executable, unknown]) {
      expect(error.message).toMatch(/^[A-Z].+\. Ask .+\.$/);
      expect(error.message).not.toContain('Alice');
    }
  });

  it('keeps the decision pure: safeFileName refuses before anything is written', () => {
    expect(() => safeFileName('x.exe', 'application/pdf')).toThrow(AppError);
    expect(readdirSync(base)).toEqual([]);
    expect(safeFileName('Letter.PDF', 'application/pdf; charset=binary')).toEqual({ fileName: 'Letter.pdf', ext: 'pdf' });
  });
});

describe('the private directory and files', () => {
  it.runIf(POSIX)('is 0700, per file folders are 0700, files are 0600 and not executable', async () => {
    const result = await opener.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' });
    expect(statSync(opener.privateDir()).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(result.path)).mode & 0o777).toBe(0o700);
    expect(statSync(result.path).mode & 0o777).toBe(0o600);
    expect(path.basename(opener.privateDir())).toBe(`ers-triage-${process.getuid?.() ?? ''}`);
  });

  it.runIf(POSIX)('tightens its own directory if it was left open, and refuses one planted as a link', async () => {
    const own = path.join(base, `ers-triage-${process.getuid?.() ?? ''}`);
    mkdirSync(own, { mode: 0o777 });
    const loose = createExternalOpener({ baseDir: base, openPath: async () => '' });
    expect(loose.privateDir()).toBe(own);
    expect(statSync(own).mode & 0o777).toBe(0o700);

    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ers-planted-'));
    const base2 = mkdtempSync(path.join(os.tmpdir(), 'ers-open2-'));
    try {
      symlinkSync(elsewhere, path.join(base2, `ers-triage-${process.getuid?.() ?? ''}`));
      const wary = createExternalOpener({ baseDir: base2, openPath: async () => '' });
      const result = await wary.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' });
      expect(result.path.startsWith(elsewhere)).toBe(false);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(path.basename(wary.privateDir())).toMatch(/^ers-triage-\w{6}$/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
      rmSync(base2, { recursive: true, force: true });
    }
  });

  it('reports a desktop with no application for the type as a clear error', async () => {
    const none = createExternalOpener({ baseDir: base, openPath: async () => 'Failed to open path' });
    const error = await refusal(none.open({ bytes: PDF, fileName: 'scan.dcm', contentType: 'application/dicom' }));
    expect(error.code).toBe('ATTACHMENT_OPEN_FAILED');
  });

  it('reports a file it could not write as a clear error', async () => {
    const blockedBase = path.join(base, 'not-a-dir');
    writeFileSync(blockedBase, 'x');
    const blocked = createExternalOpener({ baseDir: blockedBase, openPath: async () => '' });
    const error = await refusal(blocked.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' }));
    expect(error.code).toBe('ATTACHMENT_WRITE_FAILED');
  });

  it('cleanup removes files older than the given age and keeps newer ones', async () => {
    const old = await opener.open({ bytes: PDF, fileName: 'old.pdf', contentType: 'application/pdf' });
    const fresh = await opener.open({ bytes: PDF, fileName: 'fresh.pdf', contentType: 'application/pdf' });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.dirname(old.path), twoDaysAgo, twoDaysAgo);
    // Something else in the directory is not ours to remove.
    writeFileSync(path.join(opener.privateDir(), 'not-ours.txt'), 'x');
    utimesSync(path.join(opener.privateDir(), 'not-ours.txt'), twoDaysAgo, twoDaysAgo);

    expect(await opener.cleanup(24 * 3600 * 1000)).toBe(1);
    expect(() => statSync(old.path)).toThrow();
    expect(readFileSync(fresh.path)).toEqual(Buffer.from(PDF));
    expect(readdirSync(opener.privateDir())).toContain('not-ours.txt');
  });

  it('cleanup without a directory yet does nothing and makes nothing', async () => {
    const idle = createExternalOpener({ baseDir: base, openPath: async () => '' });
    expect(await idle.cleanup(0)).toBe(0);
    expect(readdirSync(base)).toEqual([]);
  });
});

describe('Office files that can run macros are refused', () => {
  const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

  it(`by name, for all ${MACRO_CAPABLE_EXTENSIONS.size} macro-capable extensions, whatever the content type says`, async () => {
    expect([...MACRO_CAPABLE_EXTENSIONS]).toEqual(
      expect.arrayContaining(['doc', 'dot', 'xls', 'xlt', 'ppt', 'pot', 'docm', 'xlsm', 'pptm']),
    );
    for (const ext of MACRO_CAPABLE_EXTENSIONS) {
      for (const [name, type] of [
        [`letter.${ext}`, 'application/octet-stream'],
        [`letter.${ext.toUpperCase()}`, ''],
        [`letter.pdf.${ext}`, 'application/pdf'],
        [`letter.${ext}.`, DOCX],
        [`letter\u202Efdp.${ext}`, 'application/pdf'],
      ] as const) {
        badInputsTried += 1;
        const error = await refusal(opener.open({ bytes: PDF, fileName: name, contentType: type }));
        expect(error.code, `${name} (${type})`).toBe('ATTACHMENT_MACRO_CAPABLE');
      }
    }
    expect(opened).toEqual([]);
    expect(readdirSync(base)).toEqual([]);
  });

  it('by content type, whatever the name says', async () => {
    for (const type of [
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.ms-powerpoint',
      'application/vnd.ms-word.document.macroEnabled.12',
      'application/vnd.ms-excel.sheet.macroEnabled.12',
      'application/vnd.ms-excel.sheet.binary.macroEnabled.12',
      'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
      'application/vnd.ms-word.template.macroEnabled.12',
      'APPLICATION/MSWORD; charset=binary',
    ]) {
      badInputsTried += 1;
      const error = await refusal(opener.open({ bytes: PDF, fileName: 'letter.docx', contentType: type }));
      expect(error.code, type).toBe('ATTACHMENT_MACRO_CAPABLE');
    }
    expect(opened).toEqual([]);
  });

  it('by the first bytes: an older binary Office file, or a macro-enabled one renamed .docx', async () => {
    const ole2 = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const docmAsDocx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode('....word/vbaProject.bin....')]);
    for (const bytes of [ole2, docmAsDocx]) {
      badInputsTried += 1;
      const error = await refusal(opener.open({ bytes, fileName: 'letter.docx', contentType: DOCX }));
      expect(error.code).toBe('ATTACHMENT_MACRO_CAPABLE');
    }
    // An ordinary .docx (a zip without a macro part) still opens.
    const docx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode('....word/document.xml....')]);
    expect((await opener.open({ bytes: docx, fileName: 'letter.docx', contentType: DOCX })).fileName).toBe('letter.docx');
  });

  it('says what happened and what to do in one sentence, naming nothing from the file', async () => {
    const error = await refusal(opener.open({ bytes: PDF, fileName: 'Alice Synthetic results.doc', contentType: 'application/msword' }));
    expect(error.message).toMatch(
      /^This attachment is an Office file in a format that can run macros, so the app will not open it on your computer; ask the sender for it as .+\.$/,
    );
    expect(error.message.match(/\./g)?.length).toBe(3); // the end, and ".docx" and ".xlsx"
    expect(error.message).not.toContain('Alice');
    expect(() => safeFileName('x.xlsm', 'application/octet-stream')).toThrow(error.message);
  });
});

describe('Mark-of-the-Web on Windows', () => {
  /** Real writes, recorded in order, with the opening of the file recorded among them. */
  function recordingFs(steps: string[], fail?: (filePath: string) => boolean): OpenerFs {
    return {
      async writeFile(filePath, data, options) {
        if (fail?.(filePath)) throw Object.assign(new Error('EINVAL: invalid argument'), { code: 'EINVAL' });
        await writeFile(filePath, data, options);
        steps.push(`write ${path.basename(filePath)}`);
      },
    };
  }

  it('writes <file>:Zone.Identifier with ZoneId=3 before the file is opened', async () => {
    const steps: string[] = [];
    const windows = createExternalOpener({
      baseDir: base,
      platform: 'win32',
      fs: recordingFs(steps),
      openPath: async (p) => void steps.push(`open ${path.basename(p)}`),
    });
    const result = await windows.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' });
    expect(steps).toEqual(['write letter.pdf', 'write letter.pdf:Zone.Identifier', 'open letter.pdf']);
    // On NTFS this reads the alternate data stream; elsewhere the seam wrote a file of that name.
    expect(readFileSync(`${result.path}:Zone.Identifier`, 'latin1')).toBe('[ZoneTransfer]\r\nZoneId=3\r\n');
    expect(MARK_OF_THE_WEB).toBe('[ZoneTransfer]\r\nZoneId=3\r\n');
    expect(readFileSync(result.path)).toEqual(Buffer.from(PDF));
  });

  it.runIf(POSIX)('writes no mark on other systems', async () => {
    const steps: string[] = [];
    const linux = createExternalOpener({
      baseDir: base,
      platform: 'linux',
      fs: recordingFs(steps),
      openPath: async (p) => void steps.push(`open ${path.basename(p)}`),
    });
    const result = await linux.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' });
    expect(steps).toEqual(['write letter.pdf', 'open letter.pdf']);
    expect(readdirSync(path.dirname(result.path))).toEqual(['letter.pdf']);
  });

  it('opens nothing, and leaves nothing, when the mark cannot be written', async () => {
    const steps: string[] = [];
    const noStreams = createExternalOpener({
      baseDir: base,
      platform: 'win32',
      fs: recordingFs(steps, (filePath) => filePath.endsWith(':Zone.Identifier')),
      openPath: async (p) => void steps.push(`open ${path.basename(p)}`),
    });
    const error = await refusal(noStreams.open({ bytes: PDF, fileName: 'letter.pdf', contentType: 'application/pdf' }));
    expect(error.code).toBe('ATTACHMENT_NOT_MARKED');
    expect(error.message).toMatch(/^The app could not mark this attachment .+, so it did not open it; ask your IT service desk .+\.$/);
    expect(steps).toEqual(['write letter.pdf']);
    expect(readdirSync(noStreams.privateDir())).toEqual([]);
  });
});

describe('clear: the files go with the session', () => {
  it("removes every file written, whatever its age, and nothing that is not the opener's", async () => {
    const first = await opener.open({ bytes: PDF, fileName: 'first.pdf', contentType: 'application/pdf' });
    const second = await opener.open({ bytes: PDF, fileName: 'second.pdf', contentType: 'application/pdf' });
    writeFileSync(path.join(opener.privateDir(), 'not-ours.txt'), 'x');
    expect(await opener.cleanup(24 * 3600 * 1000)).toBe(0);
    expect(await opener.clear()).toBe(2);
    expect(existsSync(first.path)).toBe(false);
    expect(existsSync(second.path)).toBe(false);
    expect(readdirSync(opener.privateDir())).toEqual(['not-ours.txt']);
    expect(await opener.clear()).toBe(0);
  });
});
