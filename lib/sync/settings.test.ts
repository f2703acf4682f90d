import { describe, expect, it } from 'vitest';
import {
  SYNC_SETTINGS_KEY,
  backendOriginPattern,
  normalizeBackendUrl,
  problemFrom,
  readSyncSettings,
  saveSyncSettings,
} from './settings';
import { memoryStorage } from './testing';

const noPolicy = async () => ({});

describe('normalizeBackendUrl', () => {
  it.each([
    ['https://ombord.example.com/', 'https://ombord.example.com'],
    ['  https://Ombord.Example.com:8443/base//  ', 'https://ombord.example.com:8443/base'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://127.0.0.1:8787/', 'http://127.0.0.1:8787'],
  ])('%s → %s', (input, url) => {
    expect(normalizeBackendUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ['ombord.example.com', 'invalid'],
    ['ftp://ombord.example.com', 'invalid'],
    ['https://ombord.example.com/?x=1', 'invalid'],
    ['https://user:pw@ombord.example.com', 'invalid'],
    ['http://ombord.example.com', 'insecure'],
  ])('refuses %s (%s)', (input, reason) => {
    expect(normalizeBackendUrl(input)).toEqual({ ok: false, reason });
  });

  it('asks for the host on every port', () => {
    expect(backendOriginPattern('http://localhost:8787')).toBe('http://localhost/*');
    expect(backendOriginPattern('https://ombord.example.com/base')).toBe('https://ombord.example.com/*');
  });
});

describe('readSyncSettings', () => {
  it('reads what the user saved when there is no policy', async () => {
    const storage = memoryStorage();
    await saveSyncSettings(storage, { backendUrl: 'https://ombord.example.com', email: 'kari@acme.no' });
    expect(await readSyncSettings(storage, noPolicy)).toEqual({
      backendUrl: 'https://ombord.example.com',
      email: 'kari@acme.no',
      enrollmentToken: null,
      locked: { backendUrl: false, enrollmentToken: false, email: false },
      policyIgnored: [],
    });
  });

  it('lets the managed policy win and lock the fields it sets', async () => {
    const storage = memoryStorage({ [SYNC_SETTINGS_KEY]: { backendUrl: 'https://mine.example.com', email: 'kari@acme.no' } });
    const policy = async () => ({ backendUrl: 'https://ombord.acme.no/', enrollmentToken: ' enrol-acme-0123456789 ' });
    expect(await readSyncSettings(storage, policy)).toEqual({
      backendUrl: 'https://ombord.acme.no',
      email: 'kari@acme.no',
      enrollmentToken: 'enrol-acme-0123456789',
      locked: { backendUrl: true, enrollmentToken: true, email: false },
      policyIgnored: [],
    });
    const withEmail = async () => ({ ...(await policy()), userEmail: 'ola@acme.no' });
    expect(await readSyncSettings(storage, withEmail)).toMatchObject({ email: 'ola@acme.no', locked: { email: true } });
  });

  it('ignores unusable policy values and names them; a browser without policy support reads as none', async () => {
    const storage = memoryStorage();
    const policy = async () => ({ backendUrl: 'http://ombord.acme.no', enrollmentToken: 42, userEmail: 'not an email' });
    expect(await readSyncSettings(storage, policy)).toMatchObject({
      backendUrl: null,
      locked: { backendUrl: false, enrollmentToken: false, email: false },
      policyIgnored: ['backendUrl', 'enrollmentToken', 'userEmail'],
    });
    const firefoxWithoutPolicy = async () => {
      throw new Error('Managed storage manifest not found');
    };
    expect(await readSyncSettings(storage, firefoxWithoutPolicy)).toMatchObject({ backendUrl: null, policyIgnored: [] });
  });

  it('survives a malformed stored value', async () => {
    const storage = memoryStorage({ [SYNC_SETTINGS_KEY]: 'garbage' });
    expect(await readSyncSettings(storage, noPolicy)).toMatchObject({ backendUrl: null, email: null });
  });
});

describe('problemFrom', () => {
  it('puts every failure in terms the options page can explain', () => {
    const now = 1000;
    expect(problemFrom({ kind: 'network', message: 'x' }, now)).toEqual({ kind: 'unreachable' });
    expect(problemFrom({ kind: 'timeout', timeoutMs: 5 }, now)).toEqual({ kind: 'unreachable' });
    expect(problemFrom({ kind: 'unavailable', status: 429, retryAfterMs: 500 }, now)).toEqual({ kind: 'busy', retryAt: 1500 });
    expect(problemFrom({ kind: 'server', status: 500 }, now)).toEqual({ kind: 'server_error', status: 500 });
    expect(problemFrom({ kind: 'auth', status: 401, error: null }, now)).toEqual({ kind: 'signed_out' });
    expect(problemFrom({ kind: 'refused', status: 404, error: null }, now)).toEqual({ kind: 'not_ombord', detail: 'HTTP 404' });
    expect(problemFrom({ kind: 'refused', status: 409, error: { code: 'conflict', message: 'Already enrolled.' } }, now)).toEqual({
      kind: 'refused',
      message: 'Already enrolled.',
    });
  });
});
