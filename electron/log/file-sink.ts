/**
 * A rotating log file: JSON lines appended with synchronous writes, so whatever was logged
 * before a crash is in the file (the operating system holds it even if the process dies);
 * `flush()` also asks the disk to keep it. Rotation by size keeps at most `maxFiles` files
 * of at most `maxBytes` each. The directory is private to the user (0700) and every file
 * is 0600, because even redacted logs say who worked on what and when.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FileSinkOptions {
  dir: string;
  /** Largest size of one file, in bytes. Default 5 MiB. */
  maxBytes?: number;
  /** How many files to keep, the one being written included. Default 5. */
  maxFiles?: number;
  /** File names are `<baseName>.log`, then `<baseName>.1.log` (newest) and so on. */
  baseName?: string;
}

export interface FileSink {
  readonly dir: string;
  /** The file lines are going to now. */
  readonly currentFile: string;
  write(line: string): void;
  /** Forces written lines to disk (fsync). */
  flush(): void;
  close(): void;
  /** Lines that could not be written (disk full, permissions), since the sink opened. */
  readonly dropped: number;
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_FILES = 5;
/** Smallest useful file: room for a line saying a line was too long. */
const MIN_BYTES = 512;

export function createFileSink(options: FileSinkOptions): FileSink {
  const dir = path.resolve(options.dir);
  const maxBytes = Math.max(MIN_BYTES, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES));
  const maxFiles = Math.max(1, Math.floor(options.maxFiles ?? DEFAULT_MAX_FILES));
  const baseName = (options.baseName ?? 'e-rs-triage').replace(/[^\w.-]/g, '_');
  const current = path.join(dir, `${baseName}.log`);
  const rotated = (index: number) => path.join(dir, `${baseName}.${index}.log`);

  let fd: number | null = null;
  let size = 0;
  let dropped = 0;
  let reportedDropped = 0;

  const makeDir = () => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory as it was; logs are private whatever made it.
    if (process.platform !== 'win32') fs.chmodSync(dir, 0o700);
  };

  const open = () => {
    makeDir();
    fd = fs.openSync(current, 'a', 0o600);
    if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600);
    size = fs.fstatSync(fd).size;
  };

  const closeFd = () => {
    if (fd === null) return;
    try {
      fs.closeSync(fd);
    } catch {
      // Already gone: nothing to keep.
    }
    fd = null;
  };

  /** Files left over from a run with a larger maxFiles would otherwise stay for ever. */
  const removeExtraFiles = () => {
    const pattern = new RegExp(`^${baseName.replace(/[.]/g, '\\.')}\\.(\\d+)\\.log$`);
    for (const name of fs.readdirSync(dir)) {
      const index = pattern.exec(name)?.[1];
      if (index !== undefined && Number(index) >= maxFiles) fs.rmSync(path.join(dir, name), { force: true });
    }
  };

  const rotate = () => {
    closeFd();
    if (maxFiles === 1) {
      fs.rmSync(current, { force: true });
    } else {
      fs.rmSync(rotated(maxFiles - 1), { force: true });
      for (let index = maxFiles - 2; index >= 1; index--) {
        if (fs.existsSync(rotated(index))) fs.renameSync(rotated(index), rotated(index + 1));
      }
      fs.renameSync(current, rotated(1));
    }
    open();
  };

  const append = (text: string) => {
    if (fd === null) open();
    const bytes = Buffer.from(text, 'utf8');
    if (size > 0 && size + bytes.length > maxBytes) rotate();
    if (fd === null) throw new Error('log file not open');
    fs.writeSync(fd, bytes);
    size += bytes.length;
  };

  try {
    open();
    removeExtraFiles();
  } catch {
    // Opened again on the next write; until then lines are counted as dropped.
    closeFd();
  }

  return {
    dir,
    get currentFile() {
      return current;
    },
    get dropped() {
      return dropped;
    },
    write(line: string) {
      let text = `${line.replace(/[\r\n]+/g, ' ')}\n`;
      if (Buffer.byteLength(text, 'utf8') > maxBytes) {
        text = `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', event: 'log.line_too_long', bytes: Buffer.byteLength(text, 'utf8') })}\n`;
      }
      try {
        if (dropped > reportedDropped) {
          append(
            `${JSON.stringify({ time: new Date().toISOString(), level: 'warn', event: 'log.lines_dropped', count: dropped - reportedDropped })}\n`,
          );
          reportedDropped = dropped;
        }
        append(text);
      } catch {
        dropped += 1;
        closeFd();
      }
    },
    flush() {
      if (fd === null) return;
      try {
        fs.fsyncSync(fd);
      } catch {
        // Some file systems refuse fsync; the lines are written all the same.
      }
    },
    close() {
      this.flush();
      closeFd();
    },
  };
}
