import { describe, expect, it } from 'vitest';
import { proxySettingsFrom } from '../../../electron/platform/node-fetch';

describe('the browser host reads its proxy from the environment, as curl does', () => {
  it('uses none when none is named', () => {
    expect(proxySettingsFrom({})).toBeNull();
    expect(proxySettingsFrom({ NO_PROXY: 'localhost' })).toBeNull();
  });

  it('takes HTTPS_PROXY for https, HTTP_PROXY for http, and HTTP_PROXY for both when alone', () => {
    expect(proxySettingsFrom({ HTTPS_PROXY: 'http://p:8080', HTTP_PROXY: 'http://q:3128' })).toEqual({
      httpsProxy: 'http://p:8080',
      httpProxy: 'http://q:3128',
    });
    expect(proxySettingsFrom({ HTTP_PROXY: 'http://q:3128' })).toEqual({ httpsProxy: 'http://q:3128', httpProxy: 'http://q:3128' });
  });

  it('reads the lower-case names too, and keeps an explicit empty NO_PROXY', () => {
    expect(proxySettingsFrom({ https_proxy: 'http://p:8080', no_proxy: '.nhs.uk' })).toEqual({
      httpsProxy: 'http://p:8080',
      noProxy: '.nhs.uk',
    });
    expect(proxySettingsFrom({ HTTPS_PROXY: 'http://p:8080', NO_PROXY: '' })).toEqual({ httpsProxy: 'http://p:8080', noProxy: '' });
  });
});
