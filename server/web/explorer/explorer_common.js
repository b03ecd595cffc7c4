// The explorer's shared parts: the page's state (the token lives here, in memory only:
// never localStorage, a cookie or a URL), DOM building with textContent only (the CSP's
// Trusted Types make anything else throw), and reading an answer's JSON reason.
export const $ = (id) => document.getElementById(id);

export const state = {
  token: null,          // the encoded JWT, or null
  claims: null,         // its decoded payload, when it decodes
  tokenEndpoint: '/oauth/token',
  routes: [],           // {method, path, summary, parameters, hasBody, isPublic, resource}
  timer: null,          // the expiry countdown
};

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export async function readAnswer(response) {
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { text, json };
}

// A sentence from a JSON error body of either flavor, the token endpoint's included.
export function errorSentence(json, text) {
  if (json && typeof json === 'object') {
    if (json.error_description) return json.error_description;
    if (json.error && typeof json.error === 'object' && json.error.message) return json.error.message;
    if (typeof json.error === 'string') return json.error;
    if (json.detail) return json.detail;
  }
  return text || '(no body)';
}

export function withoutFinalStop(text) { return String(text).replace(/\.+$/, ''); }
