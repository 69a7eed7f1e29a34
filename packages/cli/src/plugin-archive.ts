/**
 * Plugin packages for `notary plugin install` (PLG-3): a `.zip`, a `.tar.gz`
 * or a single executable, told apart by their first bytes as notation does
 * (osutil.DetectFileType), each < 256 MiB, archives also < 256 MiB
 * unpacked. Archives are read here without dependencies: zip through its
 * central directory with node:zlib's inflateRaw, tar.gz with gunzip and a
 * small ustar reader (GNU long names and pax `path` records included).
 *
 * Entries are refused when their name could leave the plugin directory
 * (`..`, absolute, a drive letter), when they are links or devices, and
 * when the archive holds more than one executable regular file (PLG-3:
 * exactly one executable per archive).
 */
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { CliError } from './errors.js';

/** PLG-3: archives and binaries must be smaller than 256 MiB (notation's osutil.MaxFileBytes). */
export const MAX_PLUGIN_FILE_BYTES = 256 * 1024 * 1024;

/** A regular file of a package, flattened to its base name. */
export interface PackageFile {
  name: string;
  /** POSIX permission bits (0 when the archive does not record them). */
  mode: number;
  data: Uint8Array;
}

export type PackageKind = 'zip' | 'gzip' | 'binary';

function installError(message: string): CliError {
  return new CliError('ERR_PLUGIN_INSTALL', message);
}

const limitText = `${MAX_PLUGIN_FILE_BYTES / 1024 / 1024} MiB`;

/** What a package is, by its magic bytes (zip local header or empty-archive end record; gzip). */
export function detectPackageKind(head: Uint8Array): PackageKind {
  if (
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    (head[2] === 0x03 || head[2] === 0x05) &&
    (head[3] === 0x04 || head[3] === 0x06)
  )
    return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  return 'binary';
}

/**
 * The base name of an archive entry, or undefined for the root itself.
 * Refuses traversal (`..` anywhere, like notation), absolute names and
 * Windows drive or backslash forms.
 */
function safeEntryName(raw: string, archive: string): string | undefined {
  const name = raw.replace(/^(\.\/)+/, '');
  if (
    raw.includes('\0') ||
    name.split('/').includes('..') ||
    raw.includes('..') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\')
  ) {
    throw installError(`file name in ${archive} cannot contain '..' or be absolute, but found ${JSON.stringify(raw)}`);
  }
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '' || trimmed === '.') return undefined;
  return trimmed;
}

// ---------------------------------------------------------------- zip

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i += 1) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * The regular files at the root of a zip (notation reads only the root;
 * files in sub-directories are skipped). Directories are skipped; links,
 * devices, encrypted and ZIP64 entries are refused.
 */
export function readZip(bytes: Uint8Array): PackageFile[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (detail: string) => installError(`zip: not a valid zip file: ${detail}`);
  // The end of central directory record: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('end of central directory not found');
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff || directorySize === 0xffffffff)
    throw corrupt('ZIP64 archives are not supported');
  if (offset + directorySize > eocd) throw corrupt('central directory out of range');
  const files: PackageFile[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (let index = 0; index < count; index += 1) {
    if (offset + 46 > eocd || view.getUint32(offset, true) !== 0x02014b50) throw corrupt('bad central directory entry');
    const madeBy = view.getUint16(offset + 4, true) >> 8;
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    const compressedSize = view.getUint32(offset + 20, true);
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const externalAttributes = view.getUint32(offset + 38, true);
    const localOffset = view.getUint32(offset + 42, true);
    const rawName = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;

    const name = safeEntryName(rawName, 'zip');
    // Unix (3) and macOS (19) hosts keep st_mode in the high 16 bits; others record none.
    const unixMode = madeBy === 3 || madeBy === 19 ? externalAttributes >>> 16 : 0;
    const type = unixMode & S_IFMT;
    if (name === undefined || rawName.endsWith('/') || type === S_IFDIR) continue;
    if (type !== 0 && type !== S_IFREG)
      throw installError(
        `zip: ${JSON.stringify(rawName)} is not a regular file (links and special files are not allowed in a plugin archive)`,
      );
    // notation's installPluginFromFS walks the root only.
    if (name.includes('/')) continue;
    if (seen.has(name)) throw installError(`zip: more than one file is named ${JSON.stringify(name)}`);
    seen.add(name);
    if (flags & 0x1) throw installError(`zip: ${JSON.stringify(rawName)} is encrypted`);
    if (compressedSize === 0xffffffff || size === 0xffffffff) throw corrupt('ZIP64 entries are not supported');
    total += size;
    if (total >= MAX_PLUGIN_FILE_BYTES) throw installError(`total file size reached the ${limitText} size limit`);

    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== 0x04034b50)
      throw corrupt(`bad local header for ${JSON.stringify(rawName)}`);
    const dataStart =
      localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > bytes.length) throw corrupt(`${JSON.stringify(rawName)} is truncated`);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) }));
      } catch (error) {
        throw corrupt(`${JSON.stringify(rawName)} does not inflate to its recorded size: ${(error as Error).message}`);
      }
    } else throw corrupt(`${JSON.stringify(rawName)} uses unsupported compression method ${method}`);
    if (data.length !== size)
      throw corrupt(`${JSON.stringify(rawName)} is ${data.length} bytes, not the recorded ${size}`);
    if (crc32(data) !== crc) throw corrupt(`${JSON.stringify(rawName)} fails its CRC-32 check`);
    files.push({ name, mode: unixMode & 0o7777, data });
  }
  return files;
}

// ---------------------------------------------------------------- tar.gz

function parseOctal(field: Uint8Array, what: string): number {
  if (field[0]! & 0x80) throw installError(`tar: base-256 ${what} fields are not supported`);
  const text = new TextDecoder().decode(field).replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw installError(`tar: invalid ${what} field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** The `path` record of a pax extended header (`<len> path=<value>\n`…). */
function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  let at = 0;
  let found: string | undefined;
  while (at < text.length) {
    const space = text.indexOf(' ', at);
    if (space < 0) break;
    const length = Number(text.slice(at, space));
    if (!Number.isInteger(length) || length <= 0) throw installError('tar: malformed pax header');
    const record = text.slice(space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0 && record.slice(0, equals) === 'path') found = record.slice(equals + 1);
    at += length;
  }
  return found;
}

/**
 * The regular files of a tar.gz, flattened to their base names as notation
 * does (installPluginFromTarGz). Directories and pax/GNU meta entries are
 * consumed; links and devices are refused.
 */
export function readTarGz(bytes: Uint8Array): PackageFile[] {
  let tar: Uint8Array;
  try {
    tar = new Uint8Array(gunzipSync(bytes, { maxOutputLength: MAX_PLUGIN_FILE_BYTES + 1024 * 1024 }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw installError(`total file size reached the ${limitText} size limit`);
    throw installError(`gzip: invalid archive: ${(error as Error).message}`);
  }
  const files: PackageFile[] = [];
  const seen = new Set<string>();
  let total = 0;
  let offset = 0;
  let longName: string | undefined;
  let paxName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const stored = parseOctal(header.subarray(148, 156), 'checksum');
    let sum = 0;
    for (let i = 0; i < 512; i += 1) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== stored) throw installError('tar: invalid header checksum');
    const size = parseOctal(header.subarray(124, 136), 'size');
    const type = String.fromCharCode(header[156]!);
    const magic = cString(header.subarray(257, 263));
    const prefix = magic.startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
    const headerName = prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100));
    const dataStart = offset + 512;
    if (dataStart + size > tar.length) throw installError('tar: archive is truncated');
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = cString(data);
      continue;
    }
    if (type === 'x') {
      paxName = paxPath(data) ?? paxName;
      continue;
    }
    if (type === 'g' || type === 'K') continue;
    const rawName = paxName ?? longName ?? headerName;
    paxName = undefined;
    longName = undefined;
    const name = safeEntryName(rawName, 'tar.gz');
    if (type === '5' || name === undefined) continue;
    if (type !== '0' && type !== '\0' && type !== '7') {
      throw installError(
        `tar.gz: ${JSON.stringify(rawName)} is not a regular file (links and special files are not allowed in a plugin archive)`,
      );
    }
    total += size;
    if (total >= MAX_PLUGIN_FILE_BYTES) throw installError(`total file size reached the ${limitText} size limit`);
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (seen.has(base)) throw installError(`tar.gz: more than one file is named ${JSON.stringify(base)}`);
    seen.add(base);
    files.push({
      name: base,
      mode: parseOctal(header.subarray(100, 108), 'mode') & 0o7777,
      data: new Uint8Array(data),
    });
  }
  return files;
}
