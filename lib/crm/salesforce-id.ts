/**
 * Salesforce record ids: the 15→18 character checksum, validation of id-looking URL tokens and
 * the standard key prefixes that tell which object an id belongs to.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{15}[a-zA-Z0-5]{3}$/;

/**
 * The three checksum characters of a 15-character id: each 5-character chunk becomes a 5-bit
 * number with bit i set when character i is an upper-case A–Z, used as an index into A–Z0–5.
 * https://codebycody.com/salesforces-algorithm-for-converting-ids-from-15-to-18-characters
 */
export function salesforceIdChecksum(id15: string): string {
  let checksum = '';
  for (let chunkStart = 0; chunkStart < 15; chunkStart += 5) {
    let bits = 0;
    for (let offset = 0; offset < 5; offset++) {
      const char = id15.charAt(chunkStart + offset);
      if (char >= 'A' && char <= 'Z') bits |= 1 << offset;
    }
    checksum += CHECKSUM_ALPHABET.charAt(bits);
  }
  return checksum;
}

/**
 * The 18-character form of a Salesforce id, or null when the token is not one. A 15-character
 * token must contain a digit, because object API names can be 15 letters long
 * (`OpportunityLine`); an 18-character token must carry a matching checksum (compared
 * case-insensitively: the suffix is what makes 18-character ids case-insensitive).
 */
export function toSalesforceId18(token: string): string | null {
  if (ID_15.test(token)) {
    return /[0-9]/.test(token) ? token + salesforceIdChecksum(token) : null;
  }
  if (ID_18.test(token)) {
    const id15 = token.slice(0, 15);
    const checksum = salesforceIdChecksum(id15);
    return token.slice(15).toUpperCase() === checksum ? id15 + checksum : null;
  }
  return null;
}

export function isSalesforceId(token: string): boolean {
  return toSalesforceId18(token) !== null;
}

/**
 * Standard key prefixes, identical in every org; custom objects get org-specific prefixes and
 * are not listed. Sources: https://sfb.clientapproval.org/salesforce-object-key-prefix-list ,
 * https://regardie.dev/post-1582 , https://freelikeapuppy.tech/post/id-key-prefixes .
 * Where the lists name a concept rather than an object, the value is the object's API name
 * (00N CustomField and 00h Layout as the Tooling API calls them, 00G Group for groups and queues).
 */
export const SALESFORCE_KEY_PREFIXES: Readonly<Record<string, string>> = {
  '001': 'Account',
  '002': 'Note',
  '003': 'Contact',
  '005': 'User',
  '006': 'Opportunity',
  '007': 'Activity',
  '00B': 'ListView',
  '00D': 'Organization',
  '00E': 'UserRole',
  '00G': 'Group',
  '00N': 'CustomField',
  '00O': 'Report',
  '00P': 'Attachment',
  '00Q': 'Lead',
  '00T': 'Task',
  '00U': 'Event',
  '00X': 'EmailTemplate',
  '00e': 'Profile',
  '00h': 'Layout',
  '00k': 'OpportunityLineItem',
  '00l': 'Folder',
  '00v': 'CampaignMember',
  '012': 'RecordType',
  '015': 'Document',
  '01Z': 'Dashboard',
  '01a': 'DashboardComponent',
  '01p': 'ApexClass',
  '01q': 'ApexTrigger',
  '01s': 'Pricebook2',
  '01t': 'Product2',
  '01u': 'PricebookEntry',
  '02i': 'Asset',
  '0Q0': 'Quote',
  '0QL': 'QuoteLineItem',
  '500': 'Case',
  '501': 'Solution',
  '701': 'Campaign',
  '800': 'Contract',
  '801': 'Order',
  '802': 'OrderItem',
  '806': 'Approval',
};

/** The standard object an id or key prefix belongs to; null for custom or unknown prefixes. */
export function salesforceObjectForId(idOrKeyPrefix: string): string | null {
  return SALESFORCE_KEY_PREFIXES[idOrKeyPrefix.slice(0, 3)] ?? null;
}
