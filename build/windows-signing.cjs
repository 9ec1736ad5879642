// Windows code signing from CI secrets, for electron-builder's `win` options. Azure Trusted
// Signing when its secrets are set (the NHS-recommended route: no key file to leak), else a
// certificate file through signtool (electron-builder's CSC_LINK / CSC_KEY_PASSWORD), else
// none, said in one line, so a developer's build still works and nobody mistakes it for a
// signed one.
//
// Azure Trusted Signing reads its credentials from AZURE_TENANT_ID, AZURE_CLIENT_ID and
// AZURE_CLIENT_SECRET itself; these name the signing account:
//   ERS_SIGN_AZURE_ENDPOINT   e.g. https://weu.codesigning.azure.net/
//   ERS_SIGN_AZURE_ACCOUNT    the Trusted Signing account name
//   ERS_SIGN_AZURE_PROFILE    the certificate profile name
//   ERS_SIGN_PUBLISHER        the publisher name exactly as in the certificate (both routes)

const TIMESTAMP_SERVER = 'http://timestamp.acs.microsoft.com';

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ method: 'azure' | 'signtool' | 'none', options: Record<string, unknown>, line: string }}
 */
function windowsSigning(env) {
  const publisherName = env.ERS_SIGN_PUBLISHER || 'e-RS Triage developers';
  const azure = [
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'ERS_SIGN_AZURE_ENDPOINT',
    'ERS_SIGN_AZURE_ACCOUNT',
    'ERS_SIGN_AZURE_PROFILE',
  ];
  if (azure.every((name) => env[name])) {
    return {
      method: 'azure',
      options: {
        azureSignOptions: {
          publisherName,
          endpoint: env.ERS_SIGN_AZURE_ENDPOINT,
          codeSigningAccountName: env.ERS_SIGN_AZURE_ACCOUNT,
          certificateProfileName: env.ERS_SIGN_AZURE_PROFILE,
          fileDigest: 'SHA256',
          timestampRfc3161: TIMESTAMP_SERVER,
          timestampDigest: 'SHA256',
        },
      },
      line: `Windows signing: Azure Trusted Signing, account ${env.ERS_SIGN_AZURE_ACCOUNT}, profile ${env.ERS_SIGN_AZURE_PROFILE}.`,
    };
  }
  if (env.CSC_LINK || env.WIN_CSC_LINK) {
    return {
      method: 'signtool',
      options: {
        signtoolOptions: {
          publisherName,
          signingHashAlgorithms: ['sha256'],
          rfc3161TimeStampServer: TIMESTAMP_SERVER,
        },
      },
      line: 'Windows signing: signtool with the certificate in CSC_LINK.',
    };
  }
  const partial = azure.filter((name) => env[name]);
  return {
    method: 'none',
    options: {},
    line:
      partial.length > 0
        ? `Windows signing: SKIPPED, Azure Trusted Signing secrets incomplete (missing ${azure.filter((name) => !env[name]).join(', ')}); this build is unsigned.`
        : 'Windows signing: SKIPPED, no signing secrets (AZURE_* with ERS_SIGN_AZURE_*, or CSC_LINK); this build is unsigned and not for trusts.',
  };
}

module.exports = { windowsSigning };
