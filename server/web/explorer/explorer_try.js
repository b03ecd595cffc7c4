// "Try it": the chosen route sent with or without the token; the status, the
// WWW-Authenticate reason in words and the body, pretty-printed.
import { $, readAnswer, state, withoutFinalStop } from './explorer_common.js';

// RFC 7235 §4.1 / RFC 6750 §3: `Bearer realm="swapi", error="...", error_description="..."`.
function challengeOf(header) {
  const scheme = (/^\s*([^\s,]+)/.exec(header) || [])[1] || '';
  const params = {};
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/g;
  for (const match of header.slice(scheme.length).matchAll(pattern)) {
    params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return { scheme, params };
}

function reasonInWords(status, header) {
  if (!header) return status === 401 ? 'Why: refused, and the server did not say why (no WWW-Authenticate header).' : '';
  const { scheme, params } = challengeOf(header);
  const detail = params.error_description ? withoutFinalStop(params.error_description) : '';
  switch (params.error) {
    case undefined:
      return `Why: no token was sent. This route needs a ${scheme} token: get one in step 1 and tick “Send the token”.`;
    case 'invalid_token':
      return `Why: the token was refused: ${detail || 'invalid token'}.`;
    case 'insufficient_scope':
      return `Why: the token is valid but lacks the scope this route needs: ${params.scope || '(not named)'}.` +
             (detail ? ` The server says: ${detail}.` : '');
    case 'invalid_request':
      return `Why: the request was refused as malformed: ${detail || params.error}.`;
    default:
      return `Why: ${params.error}${detail ? `: ${detail}` : ''}.`;
  }
}

function requestUrl(route) {
  let missing = null;
  const inputs = [...document.querySelectorAll('#params input')];
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name) => {
    const input = inputs.find((i) => i.dataset.in === 'path' && i.dataset.name === name);
    const value = input ? input.value.trim() : '';
    if (!value && !missing) missing = name;
    return encodeURIComponent(value);
  });
  if (missing) throw new Error(`fill in ${missing}`);
  const query = new URLSearchParams();
  for (const input of inputs) {
    if (input.dataset.in === 'query' && input.value !== '') query.append(input.dataset.name, input.value);
  }
  const extra = $('query').value.trim().replace(/^\?/, '');
  for (const [name, value] of new URLSearchParams(extra)) query.append(name, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export async function send(event) {
  event.preventDefault();
  const route = state.routes[Number($('route').value)];
  if (!route) return;
  const status = $('response-status');
  const reason = $('response-reason');
  const body = $('response-body');
  $('response').hidden = false;
  status.className = '';
  reason.textContent = '';
  body.textContent = '';
  let url;
  try {
    url = requestUrl(route);
  } catch (error) {
    status.textContent = `Not sent: ${error.message}.`;
    return;
  }
  const headers = {};
  let note = '';
  if ($('with-token').checked) {
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    else note = ' (there is no token yet, so none was sent)';
  }
  const init = { method: route.method, headers, cache: 'no-store', credentials: 'omit' };
  if (route.hasBody) {
    headers['Content-Type'] = 'application/json';
    init.body = $('body').value;
  }
  status.textContent = `Sending ${route.method} ${url}…`;
  try {
    const response = await fetch(url, init);
    const answer = await readAnswer(response);
    const phrase = response.statusText ? ` ${response.statusText}` : '';
    status.textContent = `${route.method} ${url} answered ${response.status}${phrase}${note}.`;
    status.className = response.ok ? 'ok' : 'refused';
    reason.textContent = reasonInWords(response.status, response.headers.get('WWW-Authenticate'));
    body.textContent = answer.json !== undefined ? JSON.stringify(answer.json, null, 2) : (answer.text || '(no body)');
  } catch (error) {
    status.textContent = `${route.method} ${url} failed: ${error.message}.`;
    status.className = 'refused';
  }
}
