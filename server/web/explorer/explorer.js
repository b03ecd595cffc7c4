// The swapi explorer (DESIGN.md "Explorer"). Everything comes from this server: the routes
// from /openapi.json, the token endpoint and scopes from the discovery document. The token
// lives in this script's memory only (never localStorage, a cookie or a URL), and the DOM is
// built with textContent, never from HTML strings, so nothing an answer says can run as code.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,          // the encoded JWT, or null
    claims: null,         // its decoded payload, when it decodes
    tokenEndpoint: '/oauth/token',
    routes: [],           // {method, path, summary, parameters, hasBody, isPublic, resource}
    timer: null,          // the expiry countdown
  };

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  async function readAnswer(response) {
    const text = await response.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { text, json };
  }

  // A sentence from a JSON error body of either flavor, the token endpoint's included.
  function errorSentence(json, text) {
    if (json && typeof json === 'object') {
      if (json.error_description) return json.error_description;
      if (json.error && typeof json.error === 'object' && json.error.message) return json.error.message;
      if (typeof json.error === 'string') return json.error;
      if (json.detail) return json.detail;
    }
    return text || '(no body)';
  }

  function withoutFinalStop(text) { return String(text).replace(/\.+$/, ''); }

  // ---------------------------------------------------------------- the API description

  const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

  function routesOf(document_) {
    const routes = [];
    for (const [path, item] of Object.entries(document_.paths || {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const match = /^\/api\/([^/{]+)/.exec(path);
        routes.push({
          method: method.toUpperCase(),
          path,
          summary: operation.summary || '',
          parameters: [...(item.parameters || []), ...(operation.parameters || [])],
          hasBody: Boolean(operation.requestBody),
          isPublic: Array.isArray(operation.security) && operation.security.length === 0,
          resource: match ? match[1] : 'other',
        });
      }
    }
    return routes;
  }

  function routeLabel(route) { return `${route.method} ${route.path}`; }

  function renderRoutes() {
    const groups = new Map();
    state.routes.forEach((route, index) => {
      if (!groups.has(route.resource)) groups.set(route.resource, []);
      groups.get(route.resource).push(index);
    });
    if (groups.has('other')) {  // the resources first; the API root, /healthz and /openapi.json last
      const other = groups.get('other');
      groups.delete('other');
      groups.set('other', other);
    }
    const container = $('routes');
    container.replaceChildren();
    const select = $('route');
    select.replaceChildren();
    for (const [resource, indexes] of groups) {
      const list = element('ul', { class: 'routes' });
      const optgroup = element('optgroup', { label: resource });
      for (const index of indexes) {
        const route = state.routes[index];
        const button = element('button', { type: 'button', 'data-route': String(index) },
          element('span', { class: 'method', text: route.method }), ' ', route.path,
          route.summary ? ` — ${route.summary}` : '',
          route.isPublic ? element('span', { class: 'public', text: ' (public)' }) : '');
        button.addEventListener('click', () => {
          chooseRoute(index);
          $('route').focus();
        });
        list.append(element('li', {}, button));
        optgroup.append(element('option', { value: String(index), text: routeLabel(route) }));
      }
      const count = indexes.length === 1 ? '1 route' : `${indexes.length} routes`;
      container.append(element('details', { class: 'resource' },
        element('summary', { text: `${resource} (${count})` }), list));
      select.append(optgroup);
    }
  }

  function parameterField(parameter, index) {
    const id = `param-${index}`;
    const where = parameter.in === 'path' ? 'in the path, required' : `in the query${parameter.required ? ', required' : ''}`;
    const input = element('input', { id, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off',
      'data-name': parameter.name, 'data-in': parameter.in });
    if (parameter.in === 'path' && parameter.name === 'id') input.value = '1';
    const field = element('div', { class: 'field' },
      element('label', { for: id, text: `${parameter.name} (${where})` }), input);
    if (parameter.description) {
      const hint = element('p', { class: 'hint', id: `${id}-hint`, text: parameter.description });
      input.setAttribute('aria-describedby', hint.id);
      field.append(hint);
    }
    return field;
  }

  function chooseRoute(index) {
    const route = state.routes[index];
    if (!route) return;
    $('route').value = String(index);
    $('route-summary').textContent = route.summary + (route.isPublic ? ' Public: no token needed.' : '');
    const parameters = route.parameters.filter((p) => p.in === 'path' || p.in === 'query');
    $('params').replaceChildren(...parameters.map(parameterField));
    $('body-field').hidden = !route.hasBody;
  }

  async function loadApi() {
    let answer;
    try {
      const response = await fetch('/openapi.json', { cache: 'no-store' });
      answer = await readAnswer(response);
      if (!response.ok || !answer.json) throw new Error(`it answered ${response.status}`);
    } catch (error) {
      $('api-info').textContent = `Could not read /openapi.json: ${error.message}.`;
      return;
    }
    const api = answer.json;
    const server = (api.servers && api.servers[0] && api.servers[0].url) || location.origin;
    $('api-info').replaceChildren(`${api.info ? api.info.title : 'swapi'} at ${server}. Routes from `,
      element('a', { href: '/openapi.json', text: '/openapi.json' }), '.');
    state.routes = routesOf(api);
    renderRoutes();
    const preferred = state.routes.findIndex((r) => r.method === 'GET' && /^\/api\/films\/\{id\}\/?$/.test(r.path));
    chooseRoute(preferred >= 0 ? preferred : 0);
  }

  // ---------------------------------------------------------------- the token

  async function loadIssuer() {
    try {
      const response = await fetch('/.well-known/openid-configuration', { cache: 'no-store' });
      const answer = await readAnswer(response);
      if (!response.ok || !answer.json) {
        $('issuer-note').textContent = `This server hands out no tokens: ${errorSentence(answer.json, answer.text)}. Paste a token instead.`;
        $('get-token').disabled = true;
        return;
      }
      // The endpoint on this page's own origin (the page may only connect to it).
      if (answer.json.token_endpoint) state.tokenEndpoint = new URL(answer.json.token_endpoint, location.href).pathname;
      const list = $('scope-list');
      list.replaceChildren(...(answer.json.scopes_supported || []).map((scope, index) =>
        element('label', { class: 'inline' },
          element('input', { type: 'checkbox', id: `scope-${index}`, name: 'scope', value: scope }), scope)));
    } catch (error) {
      $('issuer-note').textContent = `Could not read the discovery document: ${error.message}.`;
    }
  }

  function decodePart(part) {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8').decode(bytes));
  }

  function duration(seconds) {
    const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
    const parts = [];
    let rest = seconds;
    for (const [name, size] of units) {
      const count = Math.floor(rest / size);
      rest -= count * size;
      if (count > 0 || (name === 's' && parts.length === 0)) parts.push(`${count} ${name}`);
    }
    return parts.join(' ');
  }

  function showExpiry() {
    const exp = state.claims && state.claims.exp;
    const line = $('token-expiry');
    if (typeof exp !== 'number') {
      line.textContent = state.claims ? 'No exp claim: swapi serve refuses such a token unless started with --no-require-exp.' : '';
      return;
    }
    const left = Math.round(exp - Date.now() / 1000);
    const at = new Date(exp * 1000).toISOString().replace('.000', '');
    line.textContent = left > 0 ? `Expires in ${duration(left)} (exp ${exp}, ${at}).`
                                : `EXPIRED ${duration(-left)} ago (exp ${exp}, ${at}): get a new one.`;
  }

  function setToken(token, origin) {
    state.token = token;
    state.claims = null;
    $('token-text').value = token;
    let header = '';
    let claims = '';
    try {
      const parts = token.split('.');
      if (parts.length !== 3) throw new Error(`a JWT has three parts separated by dots; this has ${parts.length}`);
      header = JSON.stringify(decodePart(parts[0]), null, 2);
      state.claims = decodePart(parts[1]);
      claims = JSON.stringify(state.claims, null, 2);
    } catch (error) {
      header = `Cannot decode this token: ${error.message}. It is still sent as it is.`;
    }
    $('token-header').textContent = header;
    $('token-claims').textContent = claims;
    $('token-view').hidden = false;
    $('copy-status').textContent = '';
    $('token-status').textContent = origin;
    clearInterval(state.timer);
    showExpiry();
    state.timer = setInterval(showExpiry, 1000);
  }

  function forgetToken() {
    state.token = null;
    state.claims = null;
    clearInterval(state.timer);
    $('token-text').value = '';
    $('token-view').hidden = true;
    $('token-status').textContent = 'Token forgotten.';
  }

  async function requestToken(event) {
    event.preventDefault();
    const clientId = $('client-id').value.trim();
    const scopes = [...document.querySelectorAll('#scope-list input:checked')].map((box) => box.value);
    // In the POST body, never in a URL: URLs end up in logs and history.
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId,
                                       client_secret: $('client-secret').value });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    $('token-status').textContent = 'Asking for a token…';
    try {
      const response = await fetch(state.tokenEndpoint, { method: 'POST', body: form, cache: 'no-store', credentials: 'omit' });
      const answer = await readAnswer(response);
      if (response.ok && answer.json && answer.json.access_token) {
        const granted = answer.json.scope ? ` with scope: ${answer.json.scope}` : '';
        setToken(answer.json.access_token, `Got a token for ${clientId}${granted}.`);
      } else {
        $('token-status').textContent = `No token: ${state.tokenEndpoint} answered ${response.status}: ${withoutFinalStop(errorSentence(answer.json, answer.text))}.`;
      }
    } catch (error) {
      $('token-status').textContent = `No token: ${error.message}.`;
    }
  }

  function usePastedToken(event) {
    event.preventDefault();
    const token = $('pasted-token').value.replace(/\s+/g, '');
    if (!token) {
      $('token-status').textContent = 'Paste a token first.';
      return;
    }
    $('pasted-token').value = '';
    setToken(token, 'Using the pasted token.');
  }

  async function copyToken() {
    if (!state.token) return;
    try {
      await navigator.clipboard.writeText(state.token);
      $('copy-status').textContent = 'Copied.';
    } catch {
      $('token-text').select();
      $('copy-status').textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  }

  // ---------------------------------------------------------------- try it

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

  async function send(event) {
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

  // ---------------------------------------------------------------- wiring

  function start() {
    $('token-form').addEventListener('submit', requestToken);
    $('paste-form').addEventListener('submit', usePastedToken);
    $('try-form').addEventListener('submit', send);
    $('copy-token').addEventListener('click', copyToken);
    $('forget-token').addEventListener('click', forgetToken);
    $('route').addEventListener('change', () => chooseRoute(Number($('route').value)));
    $('show-secret').addEventListener('change', (event) => {
      $('client-secret').type = event.target.checked ? 'text' : 'password';
    });
    if ($('client-id').value && $('client-secret').value) {
      $('issuer-note').textContent += ' The default client is filled in because this page was opened on this machine.';
    }
    loadIssuer();
    loadApi();
  }

  start();
})();
