import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type ExportTarget = { ok: true } | { ok: false; reason: 'symlink' | 'not_a_file' };

/**
 * May an export be written to `path`? Not through a symbolic link (it could
 * point anywhere the operator can write), nor onto a directory or device.
 * A missing file or a regular one (replaced whole) is fine.
 */
export function checkExportTarget(path: string): ExportTarget {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true };
    throw error;
  }
  if (stats.isSymbolicLink()) return { ok: false, reason: 'symlink' };
  return stats.isFile() ? { ok: true } : { ok: false, reason: 'not_a_file' };
}

/**
 * Writes `text` to `path` as a new file with mode 0600: a fresh temporary
 * file in the same folder (created exclusively, so it never opens an existing
 * file or link), synced, then renamed over `path`. An existing file is
 * replaced, never rewritten in place, so it cannot keep a wider mode; rename
 * replaces a link put there meanwhile instead of following it.
 */
export function writeExportFile(path: string, text: string): ExportTarget {
  const target = checkExportTarget(path);
  if (!target.ok) return target;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or gone
    }
    throw error;
  }
  return { ok: true };
}
