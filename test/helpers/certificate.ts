// A key pair and a self-signed X.509 certificate made in the test, with node:crypto only: no
// certificate generator is installed, and a certificate is just a little DER around a signature.
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export interface TestCertificate {
  /** The private key, PKCS#8 PEM. */
  privateKeyPem: string;
  privateKey: KeyObject;
  /** The self-signed certificate, PEM (64-character lines). */
  certificatePem: string;
}

// DER: tag, length (short or long form), content.
function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const nullValue = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function positiveInteger(bytes: Buffer): Buffer {
  return der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

// UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

const commonName = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));

/** An RSA-2048 key and a certificate for it, signed by itself (sha256WithRSAEncryption). */
export function selfSignedCertificate(
  options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {},
): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = options.notBefore ?? new Date(Date.now() - 24 * 3600_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000);
  const name = commonName(options.commonName ?? 'Test identity provider');
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), nullValue());
  const serial = randomBytes(12);
  serial[0] = serial[0]! & 0x7f;
  const tbs = seq(
    der(0xa0, positiveInteger(Buffer.from([2]))), // [0] EXPLICIT version v3
    positiveInteger(serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = seq(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  // Parsing it back proves the DER is well formed and the signature is the key's own.
  const parsed = new X509Certificate(certificatePem);
  if (!parsed.verify(publicKey)) throw new Error('selfSignedCertificate: the certificate does not verify');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { privateKeyPem, privateKey: createPrivateKey(privateKeyPem), certificatePem };
}
