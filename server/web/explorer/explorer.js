// The swapi explorer (DESIGN.md "Explorer"): everything comes from this server, the routes
// from /openapi.json, the token endpoint and scopes from the discovery document. A module
// (strict, deferred); each job is in its own file, imported here and wired to the page.
import { $ } from './explorer_common.js';
import { chooseRoute, loadApi } from './explorer_routes.js';
import { copyToken, forgetToken, loadIssuer, requestToken, usePastedToken } from './explorer_token.js';
import { send } from './explorer_try.js';

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
