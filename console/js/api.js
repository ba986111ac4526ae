// Calls the Rampart API with the bearer token kept in sessionStorage, so the token lives
// only as long as the browser tab.
const TOKEN_KEY = 'rampart.token';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// An API response with an error status, carrying the API's Code and Message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

// Sends a request and returns the parsed JSON body (or the text for other types).
// Throws ApiError for an error status and TypeError when the server cannot be reached.
export async function request(method, path, body) {
  const headers = { Authorization: `Bearer ${getToken()}` };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const isJson = (response.headers.get('Content-Type') || '').startsWith('application/json');
  let parsed = text;
  if (isJson && text) {
    parsed = JSON.parse(text);
  }
  if (!response.ok) {
    const code = isJson && parsed ? parsed.Code : '';
    const message = isJson && parsed ? parsed.Message : text;
    throw new ApiError(response.status, code || '', message || `HTTP ${response.status}`);
  }
  return parsed;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

// Returns the message the page shows for a failed call.
export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      return `Sign-in failed: the server rejected the token (401 ${error.code}: ${error.message}). ` +
        'Sign out and sign in with a valid token from `rampart token create`.';
    }
    if (error.status === 403) {
      return `Access denied: ${error.message} (403). ` +
        'Ask for a token with that scope, or use one with the admin scope.';
    }
    return `The request failed with ${error.status} ${error.code}: ${error.message}`;
  }
  if (error instanceof TypeError) {
    return `The Rampart server cannot be reached: ${error.message}`;
  }
  return `Unexpected error: ${error && error.message ? error.message : error}`;
}
