/** What the contract suite cannot read from a provider's spec: how to authenticate, send and page. */
export interface Credentials {
  apiKey?: string;
  token?: string;
  username?: string;
}

/** Where a credential goes on a request. */
export interface AuthParts {
  headers: Record<string, string>;
  query: Record<string, string>;
}

export type Pagination =
  | { style: 'page'; path: string; pageParam: string; limitParam: string; total(body: unknown): number | undefined }
  | { style: 'offset'; path: string; offsetParam: string; limitParam: string; total(body: unknown): number | undefined }
  | { style: 'cursor'; path: string; cursorParam: string; limitParam: string; next(body: unknown): string | null };

export interface ContractProfile {
  provider: string;
  /** Credentials to use when none are given (the simulator accepts any well-formed one). */
  defaultCredentials: Credentials;
  auth(credentials: Credentials): AuthParts;
  /** A well-formed-looking but wrong credential (documented to answer 401). */
  wrongAuth: AuthParts;
  /** The minimal valid send to one allowed recipient. */
  send: { path: string; body(recipient: string): Record<string, unknown> };
  /** The id of the sent message in the send's response body. */
  sentId(body: unknown): string | undefined;
  /** The get-one path template for a sent message (e.g. /messages/{messageId}). */
  messageTemplate: string;
  pagination?: Pagination;
  /** The provider documents Idempotency-Key replay on the send. */
  idempotency?: { header: string; replayedHeader: string };
}

export function field(body: unknown, ...path: string[]): unknown {
  let at: unknown = body;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
