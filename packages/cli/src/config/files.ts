/**
 * Reading and writing notation's JSON config files the way notation-go does
 * (`config/base.go`): a symlink or directory in place of the file is refused,
 * writes create the directory 0700 and the file 0600, JSON indented by four
 * spaces with a trailing newline.
 */
import { chmod, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from '../errors.js';

/** Reads and parses a JSON config file; undefined when it does not exist. */
export async function readJsonConfig(path: string): Promise<unknown> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (info.isDirectory() || info.isSymbolicLink())
    throw new CliError('ERR_CONFIG', `"${path}" is not a regular file (symlinks are not supported)`);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError('ERR_CONFIG', `malformed ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes `value` as notation does (0700 directory, 0600 file, 4-space indent). */
export async function writeJsonConfig(path: string, value: unknown): Promise<void> {
  await writePrivateFile(path, `${JSON.stringify(value, null, 4)}\n`);
}

/** notation's osutil.WriteFile: parents 0700, the file 0600. */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** notation's WriteFileWithPermission without overwrite: parents 0700, refuse an existing file. */
export async function writeExclusiveFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, data, { mode, flag: 'wx' });
}
