// The token: the scopes from the discovery document, client credentials to the token
// endpoint (in the POST body, never a URL), a pasted token, decoded with its expiry counting down.
import { $, element, errorSentence, readAnswer, state, withoutFinalStop } from './explorer_common.js';

export async function loadIssuer() {
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

export function forgetToken() {
  state.token = null;
  state.claims = null;
  clearInterval(state.timer);
  $('token-text').value = '';
  $('token-view').hidden = true;
  $('token-status').textContent = 'Token forgotten.';
}

export async function requestToken(event) {
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

export function usePastedToken(event) {
  event.preventDefault();
  const token = $('pasted-token').value.replace(/\s+/g, '');
  if (!token) {
    $('token-status').textContent = 'Paste a token first.';
    return;
  }
  $('pasted-token').value = '';
  setToken(token, 'Using the pasted token.');
}

export async function copyToken() {
  if (!state.token) return;
  try {
    await navigator.clipboard.writeText(state.token);
    $('copy-status').textContent = 'Copied.';
  } catch {
    $('token-text').select();
    $('copy-status').textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
  }
}
