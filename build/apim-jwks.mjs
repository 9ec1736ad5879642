// Prints the JWKS to register with the NHS API platform for the app's signing keys: the
// public half of every `<kid>.pem` in a key folder (or of the PEM files named), each with
// its kid, RS512 and use "sig". Private parts never leave: only n and e are printed.
// Used in the rotation procedure (README, Security: "The APIM signing key").
//
//   node build/apim-jwks.mjs C:\ProgramData\ers-triage\keys > jwks.json
import { createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The key files a folder or list of paths stands for, sorted by kid. */
export function keyFiles(paths) {
  const files = [];
  for (const given of paths) {
    if (statSync(given).isDirectory()) {
      for (const name of readdirSync(given)) if (name.toLowerCase().endsWith('.pem')) files.push(path.join(given, name));
    } else {
      files.push(given);
    }
  }
  return files.sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
}

/** The public JWKS for these PEM files (private or public keys), kid from each file's name. */
export function publicJwks(files) {
  return {
    keys: files.map((file) => {
      const { kty, n, e } = createPublicKey(readFileSync(file, 'utf8')).export({ format: 'jwk' });
      if (kty !== 'RSA') throw new Error(`${file} is not an RSA key`);
      return { kty, n, e, kid: path.basename(file).replace(/\.pem$/i, ''), alg: 'RS512', use: 'sig' };
    }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    process.stderr.write('Usage: node build/apim-jwks.mjs <key folder or .pem files>\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(publicJwks(keyFiles(paths)), null, 2)}\n`);
}
