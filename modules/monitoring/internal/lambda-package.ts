/**
 * A Lambda deployment package built in-process: a flat zip of named files,
 * stored (not deflated), with a fixed timestamp and permissions, so the same
 * sources give the same bytes on every machine and Node version. Its SHA-256
 * is then exactly the `CodeSha256` Lambda reports, and a plan shows a code
 * change only when the code changed.
 *
 * Why not cdktf's `AssetType.ARCHIVE`: it zips in a child `node` process per
 * stack (about 0.4 s each, three stacks per synth) and stamps each entry with
 * the file's mtime, which differs between checkouts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface LambdaPackage {
  /** Absolute path of the zip, `<cache>/<sha256>/<name>.zip`. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: Terraform's `source_code_hash`, Lambda's `CodeSha256`. */
  readonly sourceCodeHash: string;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the earliest DOS date: no entry carries the build's clock. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Unix "made by", regular file rw-r--r--: Lambda needs files readable by its user. */
const MADE_BY_UNIX = (3 << 8) | 20;
const FILE_MODE = (0o100644 << 16) >>> 0;

/** The zip bytes of files stored under their base names, in the order given. */
export function zipFiles(files: readonly { readonly name: string; readonly data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra, comment, disk, internal attributes: 0
    central.writeUInt32LE(FILE_MODE, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const built = new Map<string, LambdaPackage>();

/**
 * Zips the files (absolute paths; stored at the zip's root under their base
 * names) into a content-addressed cache outside the repository, once per
 * process, and returns where it is and its hash.
 */
export function lambdaPackage(name: string, files: readonly string[]): LambdaPackage {
  const zip = zipFiles(files.map((file) => ({ name: basename(file), data: readFileSync(file) })));
  const sha256 = createHash('sha256').update(zip);
  const hex = sha256.copy().digest('hex');
  const key = `${name}/${hex}`;
  let result = built.get(key);
  if (!result) {
    const dir = join(tmpdir(), 'hexabid-lambda-packages', hex);
    const zipPath = join(dir, `${name}.zip`);
    if (!existsSync(zipPath)) {
      mkdirSync(dir, { recursive: true });
      // Written aside and renamed: a parallel synth never sees half a zip.
      const partial = `${zipPath}.${process.pid}.partial`;
      writeFileSync(partial, zip);
      renameSync(partial, zipPath);
    }
    result = { zipPath, sourceCodeHash: sha256.digest('base64') };
    built.set(key, result);
  }
  return result;
}
