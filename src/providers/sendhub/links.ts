/**
 * The URIs SendHub writes into its answers: every `resource_uri`, and `meta.next` / `meta.previous`.
 * The doc shows them as `/api/v1/messages/25/` (Tastypie's resource URI) beside request URLs under
 * `/v1/`, so the real service answers both; msgsim serves both too, and writes `/api/v1/…` behind the
 * prefix it serves SendHub under (`/sendhub` by default, nothing with `--provider sendhub`), so that a
 * client resolving a link against the host it called (Tastypie clients join it to the host) lands on it.
 */

/** The path of Tastypie's API in the doc's links. */
export const LINK_BASE_PATH = '/api/v1';

export type LinkedResource = 'messages' | 'contacts' | 'groups';

export interface Links {
  /** `/sendhub/api/v1/messages/`: a list, to which next/previous add their query string. */
  list(resource: LinkedResource): string;
  /** `/sendhub/api/v1/messages/25/`: one object's resource_uri. */
  detail(resource: LinkedResource, id: string): string;
}

/** Links for SendHub served under `prefix` ('/sendhub', or '' at the root). */
export function linksUnder(prefix: string): Links {
  const list = (resource: LinkedResource) => `${prefix}${LINK_BASE_PATH}/${resource}/`;
  return { list, detail: (resource, id) => `${list(resource)}${id}/` };
}
