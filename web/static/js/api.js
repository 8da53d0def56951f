// The API client: JSON requests with the bearer token kept in sessionStorage, one refresh on
// 401, and the server's error envelope turned into APIError.

const store = window.sessionStorage;

// APIError is a non-2xx answer. code, message and detail come from the error envelope;
// detail lists {field, reason} for validation errors.
export class APIError extends Error {
  constructor(status, body) {
    const e = (body && Array.isArray(body.errors) && body.errors[0]) || {};
    super(e.message || `the server answered ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.detail = Array.isArray(e.detail) ? e.detail : [];
  }

  // unavailable is true when the endpoint does not exist on this server (yet).
  get unavailable() {
    return this.status === 404;
  }
}

let onExpired = () => {};

// setExpiredHandler sets what happens when the session ends and refreshing cannot save it.
export function setExpiredHandler(fn) {
  onExpired = fn;
}

export function signedIn() {
  return store.getItem('access_token') !== null;
}

export function username() {
  return store.getItem('username') || '';
}

function saveTokens(body) {
  store.setItem('access_token', body.access_token);
  store.setItem('refresh_token', body.refresh_token);
}

function clearTokens() {
  for (const k of ['access_token', 'refresh_token', 'username']) store.removeItem(k);
}

// signIn exchanges credentials for tokens; it throws APIError when they are refused.
export async function signIn(name, password, domain) {
  const body = { username: name, password };
  if (domain) body.domain = domain;
  const res = await fetchSend('POST', '/api/auth/sign_in', { body: JSON.stringify(body) }, '');
  if (res.status !== 200) throw new APIError(res.status, res.json());
  saveTokens(res.json());
  store.setItem('username', name);
}

// signOut revokes the session on the server (best effort) and forgets the tokens.
export async function signOut() {
  try {
    await request('POST', '/api/auth/sign_out');
  } catch {
    // The tokens go either way; a failed revoke only leaves them to expire.
  }
  clearTokens();
}

let refreshing = null;

// refresh trades the refresh token for a new pair. Concurrent callers share one exchange:
// a refresh token works once, and using it twice would revoke the whole session.
function refresh() {
  const token = store.getItem('refresh_token');
  if (!token) return Promise.resolve(false);
  if (!refreshing) {
    const body = JSON.stringify({ refresh_token: token });
    refreshing = fetchSend('POST', '/api/auth/refresh_token', { body }, '')
      .then((res) => {
        if (res.status !== 200) return false;
        saveTokens(res.json());
        return true;
      })
      .catch(() => false)
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

// authorized runs send with the access token; on 401 it refreshes once and retries. When
// that fails too the session is over: tokens are dropped, the expired handler runs and
// SessionEnded is thrown.
async function authorized(send) {
  const before = store.getItem('access_token');
  let res = await send(before || '');
  if (res.status === 401) {
    // Another request may have refreshed while this one was in flight.
    const ok = store.getItem('access_token') !== before || await refresh();
    if (ok) res = await send(store.getItem('access_token') || '');
  }
  if (res.status === 401) {
    clearTokens();
    onExpired();
    throw new SessionEnded();
  }
  return res;
}

// SessionEnded is thrown instead of an answer once the session is over and the sign-in page
// shows, so that no page goes on to draw over it.
export class SessionEnded extends Error {
  constructor() {
    super('the session has ended');
  }
}

// response is the transport-neutral answer both fetch and XMLHttpRequest produce.
function response(status, text, header) {
  return {
    status,
    header,
    json() {
      if (!text) return null;
      try {
        return JSON.parse(text);
      } catch {
        return null;
      }
    },
  };
}

async function fetchSend(method, path, { body, headers = {} }, token) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  if (token) h.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers: h, body, credentials: 'omit' });
  const text = await res.text();
  return response(res.status, text, (name) => res.headers.get(name));
}

// request sends a JSON request and resolves to the decoded answer (null for 204). Any
// non-2xx answer rejects with APIError.
export async function request(method, path, body) {
  const init = body === undefined ? {} : { body: JSON.stringify(body) };
  const res = await authorized((token) => fetchSend(method, path, init, token));
  if (res.status < 200 || res.status > 299) throw new APIError(res.status, res.json());
  return res.json();
}

// send is the raw form of request for protocols that need the status and headers (uploads).
// onProgress, when given, receives the bytes of the body sent so far; the request then goes
// through XMLHttpRequest, the only browser API that reports upload progress.
export function send(method, path, { body, headers = {}, onProgress } = {}) {
  if (!onProgress) return authorized((token) => fetchSend(method, path, { body, headers }, token));
  return authorized((token) => xhrSend(method, path, { body, headers, onProgress }, token));
}

function xhrSend(method, path, { body, headers, onProgress }, token) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () => {
      resolve(response(xhr.status, xhr.responseText, (n) => xhr.getResponseHeader(n)));
    });
    xhr.addEventListener('error', () => reject(new Error('the network request failed')));
    xhr.addEventListener('abort', () => reject(new Error('the upload was cancelled')));
    xhr.send(body);
  });
}

// query builds a query string from the members of params that are not empty.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== '' && v !== null && v !== undefined) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
