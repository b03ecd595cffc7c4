// The API description: the routes from /openapi.json (either flavor), grouped by resource,
// and the chosen route's parameter fields.
import { $, element, readAnswer, state } from './explorer_common.js';

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

export function chooseRoute(index) {
  const route = state.routes[index];
  if (!route) return;
  $('route').value = String(index);
  $('route-summary').textContent = route.summary + (route.isPublic ? ' Public: no token needed.' : '');
  const parameters = route.parameters.filter((p) => p.in === 'path' || p.in === 'query');
  $('params').replaceChildren(...parameters.map(parameterField));
  $('body-field').hidden = !route.hasBody;
}

export async function loadApi() {
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
