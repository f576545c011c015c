// The /_sim control API, as the inbox uses it. Same origin, so an admin-token cookie rides along.

export class ApiError extends Error {
  constructor(status, body) {
    const detail = body && typeof body === 'object' && body.error ? body.error : undefined;
    super(detail?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = detail?.code;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`/_sim${path}`, init);
  if (res.status === 204) return null;
  const text = await res.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const query = (params) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const enc = encodeURIComponent;
