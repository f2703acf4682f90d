/**
 * Redacts a CRM page address before it leaves the browser in a support request: scheme, host and
 * path stay (they say where the user was), query values are replaced unless they are known to
 * name places rather than people or data, and the fragment goes unless it is Salesforce's legacy
 * `one.app#/sObject/…` route, which is a path in all but name.
 */

export const REDACTED = '[redacted]';

/**
 * Query keys whose values name a page, an object, a view or an app.
 * Salesforce: `filterName` (list view), `ws` (the console workspace's record path).
 * Dynamics: `pagetype`, `etn`, `id`, `viewid`, `viewtype`, `appid`, `appname`, `navbar`, `cmdbar`, `forceUCI`.
 */
const SAFE_QUERY_KEYS = new Set(
  ['filterName', 'ws', 'pagetype', 'etn', 'id', 'viewid', 'viewtype', 'appid', 'appname', 'navbar', 'cmdbar', 'forceUCI'].map(
    (key) => key.toLowerCase(),
  ),
);

/** `#/sObject/001…/view`: Salesforce's pre-`/lightning/` route, encoded in the fragment. */
const LEGACY_ONE_APP_ROUTE = /^#\/sObject\/[\w./-]*$/;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  const query = [...parsed.searchParams]
    .map(([key, value]) => {
      const kept = SAFE_QUERY_KEYS.has(key.toLowerCase()) ? encodeURIComponent(value) : REDACTED;
      return `${encodeURIComponent(key)}=${kept}`;
    })
    .join('&');
  const keepFragment = parsed.pathname.endsWith('/one.app') && LEGACY_ONE_APP_ROUTE.test(parsed.hash);
  // Credentials in the authority (`https://user:pass@host`) are dropped with everything else.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query ? `?${query}` : ''}${keepFragment ? parsed.hash : ''}`;
}
