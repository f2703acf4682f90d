import { describe, expect, it } from 'vitest';
import { InboxListQuerySchema } from '../../../lib/api/inbox';
import { DEFAULT_FILTERS, detailHash, listHash, listQuery, parseHash, type ListFilters } from './route';
import { REQUEST_ID } from './testing';

const EVERY_FILTER: ListFilters = {
  status: 'waiting_for_user',
  queue: 'champions',
  team: 'Sales & Service Nord',
  crm: 'dynamics',
  pageType: 'record_edit',
  age: 'older_than_7d',
  assignee: 'none',
  q: 'log a call #2',
};

describe('inbox routes', () => {
  it('opens on the list of open requests', () => {
    for (const hash of ['', '#', '#/', '#/requests']) expect(parseHash(hash)).toEqual({ view: 'list', filters: DEFAULT_FILTERS });
    expect(listHash(DEFAULT_FILTERS)).toBe('#/requests');
  });

  it('round-trips every filter through the hash, so a filtered view can be bookmarked', () => {
    const hash = listHash(EVERY_FILTER);
    expect(hash).toBe('#/requests?status=waiting_for_user&queue=champions&team=Sales+%26+Service+Nord&crm=dynamics&pageType=record_edit&age=older_than_7d&assignee=none&q=log+a+call+%232');
    expect(parseHash(hash)).toEqual({ view: 'list', filters: EVERY_FILTER });
  });

  it('drops hash values the contract does not know, keeping the rest', () => {
    const route = parseHash('#/requests?status=deleted&queue=champions&crm=hubspot&assignee=%3Cscript%3E&age=1d&q=%20%20');
    expect(route).toEqual({ view: 'list', filters: { ...DEFAULT_FILTERS, queue: 'champions', age: '1d' } });
  });

  it('asks the server for exactly what the filters say', () => {
    expect(listQuery(DEFAULT_FILTERS, null)).toEqual({ open: 'true', limit: 50 });
    expect(listQuery({ ...DEFAULT_FILTERS, status: 'any' }, null)).toEqual({ limit: 50 });
    const query = listQuery(EVERY_FILTER, 'cursor-2');
    expect(query).toEqual({
      status: 'waiting_for_user',
      queue: 'champions',
      team: 'Sales & Service Nord',
      crm: 'dynamics',
      pageType: 'record_edit',
      age: 'older_than_7d',
      assignee: 'none',
      q: 'log a call #2',
      cursor: 'cursor-2',
      limit: 50,
    });
    expect(InboxListQuerySchema.safeParse(query).success).toBe(true);
  });

  it('opens one request by its id and nothing else', () => {
    expect(parseHash(detailHash(REQUEST_ID))).toEqual({ view: 'detail', id: REQUEST_ID });
    expect(parseHash('#/requests/not-a-uuid')).toEqual({ view: 'not_found' });
    expect(parseHash('#/requests/%E0%A4%A')).toEqual({ view: 'not_found' });
    expect(parseHash('#/admin')).toEqual({ view: 'not_found' });
  });
});
