import { describe, expect, it } from 'vitest';
import {
  isSalesforceId,
  salesforceIdChecksum,
  salesforceObjectForId,
  toSalesforceId18,
} from './salesforce-id';

describe('salesforceIdChecksum', () => {
  // Worked examples: gammone.com (a0D…), theblogreaders.com (0019…); 0015…Gf1AB is the pair
  // sfdecoded.github.io gets wrong (it shows AAE), the algorithm gives AAZ.
  it.each([
    ['a0D30000001n7Pi', 'EAI'],
    ['0019000000B98de', 'AAB'],
    ['0015000000Gf1AB', 'AAZ'],
    ['000000000000000', 'AAA'],
    ['AAAAAAAAAAAAAAA', '555'],
  ])('%s → %s', (id15, checksum) => {
    expect(salesforceIdChecksum(id15)).toBe(checksum);
  });
});

describe('toSalesforceId18', () => {
  it.each([
    ['a0D30000001n7Pi', 'a0D30000001n7PiEAI'],
    ['0019000000B98de', '0019000000B98deAAB'],
    ['0015000000Gf1AB', '0015000000Gf1ABAAZ'],
    ['0015000000Gf1ABAAZ', '0015000000Gf1ABAAZ'],
    // The suffix is case-insensitive; the normal form is upper case.
    ['a0D30000001n7Pieai', 'a0D30000001n7PiEAI'],
  ])('%s → %s', (token, id18) => {
    expect(toSalesforceId18(token)).toBe(id18);
  });

  it.each([
    ['18 characters with a wrong checksum', '0015000000Gf1ABAAE'],
    ['checksum of a different case pattern', 'a0d30000001n7PiEAI'],
    ['15 letters without a digit (an API name)', 'OpportunityLine'],
    ['16 characters', '0015000000Gf1ABA'],
    ['a non-alphanumeric character', '0015000000Gf1A-'],
    ['checksum character outside A–Z0–5', '0015000000Gf1AB9AZ'],
    ['empty', ''],
  ])('rejects %s', (_label, token) => {
    expect(toSalesforceId18(token)).toBeNull();
    expect(isSalesforceId(token)).toBe(false);
  });
});

describe('salesforceObjectForId', () => {
  it.each([
    ['0015000000Gf1ABAAZ', 'Account'],
    ['003', 'Contact'],
    ['00Q5e00000LeAd1', 'Lead'],
    ['00O5e00000RpT01EAF', 'Report'],
    ['01Z', 'Dashboard'],
    ['500', 'Case'],
    ['0Q0', 'Quote'],
    ['00e', 'Profile'],
    ['00E', 'UserRole'],
  ])('%s → %s', (id, object) => {
    expect(salesforceObjectForId(id)).toBe(object);
  });

  it('knows no custom object prefixes', () => {
    expect(salesforceObjectForId('a0D30000001n7Pi')).toBeNull();
  });
});
