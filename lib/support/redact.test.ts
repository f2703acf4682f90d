import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact';

describe('redactUrl', () => {
  it('keeps a Lightning record path and its workspace, redacts other query values', () => {
    expect(
      redactUrl('https://acme.lightning.force.com/lightning/r/Account/001000000000001AAA/view?ws=%2Flightning%2Fr%2FCase%2F500%2Fview&c__email=kari%40example.com'),
    ).toBe('https://acme.lightning.force.com/lightning/r/Account/001000000000001AAA/view?ws=%2Flightning%2Fr%2FCase%2F500%2Fview&c__email=[redacted]');
  });

  it('keeps a list view name', () => {
    expect(redactUrl('https://acme.lightning.force.com/lightning/o/Lead/list?filterName=Recent&q=Smith')).toBe(
      'https://acme.lightning.force.com/lightning/o/Lead/list?filterName=Recent&q=[redacted]',
    );
  });

  it('keeps the Dynamics navigation keys, whatever their case', () => {
    const url =
      'https://acme.crm4.dynamics.com/main.aspx?appid=1b2c&pagetype=entityrecord&etn=account&id=9f3e&forceUCI=1&extraqs=name%3DKari&navbar=off&cmdbar=false&viewid=abc&viewtype=1039&appname=Sales';
    expect(redactUrl(url)).toBe(
      'https://acme.crm4.dynamics.com/main.aspx?appid=1b2c&pagetype=entityrecord&etn=account&id=9f3e&forceUCI=1&extraqs=[redacted]&navbar=off&cmdbar=false&viewid=abc&viewtype=1039&appname=Sales',
    );
  });

  it('drops fragments, except the legacy one.app record route', () => {
    expect(redactUrl('https://acme.my.salesforce.com/one/one.app#/sObject/001000000000001AAA/view')).toBe(
      'https://acme.my.salesforce.com/one/one.app#/sObject/001000000000001AAA/view',
    );
    // one.app also encodes whole page states (with search terms) as base64 fragments.
    expect(redactUrl('https://acme.my.salesforce.com/one/one.app#eyJjb21wb25lbnREZWYiOiJmb3JjZTpzZWFyY2gifQ==')).toBe(
      'https://acme.my.salesforce.com/one/one.app',
    );
    expect(redactUrl('https://acme.lightning.force.com/lightning/page/home#token=abc')).toBe('https://acme.lightning.force.com/lightning/page/home');
  });

  it('drops credentials in the address and survives what is not a URL', () => {
    expect(redactUrl('https://kari:secret@acme.crm.dynamics.com/main.aspx')).toBe('https://acme.crm.dynamics.com/main.aspx');
    expect(redactUrl('not a url')).toBe('[redacted]');
  });
});
