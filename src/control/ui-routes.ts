/**
 * The dev inbox (/_sim/ui, static files from ui/) and the API reference pages (/_sim/docs/<provider>,
 * Redoc's standalone bundle served at /_sim/assets: copied into dist/assets by the build, or, running
 * from source, from the redoc devDependency). Nothing is loaded from the network: the pages carry a
 * Content-Security-Policy that allows this origin only.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Response, Router } from 'express';
import { PACKAGE_ROOT } from '../paths.js';
import type { ControlContext } from './context.js';
import { notFound } from './errors.js';

const UI_DIR = path.join(PACKAGE_ROOT, 'ui');
const REDOC_BUNDLE = redocBundle();

function redocBundle(): string | undefined {
  const built = path.join(PACKAGE_ROOT, 'dist', 'assets', 'redoc.standalone.js');
  if (existsSync(built)) return built;
  try {
    return createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    return undefined;
  }
}

/** Same origin only; inline styles for Redoc's styled-components, blob: workers for its search. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

function page(res: Response, html: string): void {
  res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' }).type('html').send(html);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function registerUiRoutes(router: Router, { providers }: ControlContext): void {
  const sendIndex = (_req: unknown, res: Response) => {
    res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' }).sendFile(path.join(UI_DIR, 'index.html'));
  };
  router.get('/ui', sendIndex);
  // The UI is one flat directory: a route per file name (not express.static under a mount) keeps every
  // control route in the router's one table (route-list.ts). sendFile's root refuses paths out of it.
  router.get('/ui/:file', (req, res, next) => {
    res
      .set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' })
      .sendFile(req.params.file, { root: UI_DIR, dotfiles: 'deny' }, (error?: Error & { status?: number }) => {
        if (!error || res.headersSent) return;
        // Missing, a directory, a dotfile or outside the root: the control API's JSON 404 either way.
        next(error.status && error.status < 500 ? undefined : error);
      });
  });

  router.get('/assets/redoc.standalone.js', (_req, res) => {
    if (!REDOC_BUNDLE) throw notFound('The API reference bundle is missing: run npm run build');
    res.set('Cache-Control', 'public, max-age=86400').type('js').sendFile(REDOC_BUNDLE);
  });

  router.get('/docs', (_req, res) => {
    const items = [...providers.values()]
      .map(
        ({ provider, apiPrefix }) =>
          `<li><a href="/_sim/docs/${encodeURIComponent(provider.name)}">${escapeHtml(provider.title ?? provider.name)}</a> <code>${escapeHtml(apiPrefix)}</code> · <a href="/_sim/openapi/${encodeURIComponent(provider.name)}.yaml">spec (YAML)</a></li>`,
      )
      .join('\n      ');
    page(
      res,
      `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API reference · msgsim</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/_sim/ui/styles.css">
</head>
<body class="doc-index">
  <main>
    <h1>API reference</h1>
    <p>The OpenAPI documents msgsim serves, one per mounted provider. Back to the <a href="/_sim/ui">dev inbox</a>.</p>
    <ul>
      ${items}
    </ul>
  </main>
</body>
</html>
`,
    );
  });

  router.get('/docs/:provider', (req, res) => {
    const mounted = providers.get(req.params.provider);
    if (!mounted) throw notFound(`No provider ${req.params.provider}`);
    const name = encodeURIComponent(mounted.provider.name);
    const title = escapeHtml(mounted.provider.title ?? mounted.provider.name);
    page(
      res,
      `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} API reference · msgsim</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/_sim/ui/styles.css">
</head>
<body class="doc-page">
  <nav class="doc-nav" aria-label="msgsim"><a href="/_sim/ui">← Dev inbox</a> <a href="/_sim/docs">All providers</a> <a href="/_sim/openapi/${name}.yaml">${title} spec (YAML)</a></nav>
  <div id="redoc" data-spec-url="/_sim/openapi/${name}.yaml"></div>
  <script src="/_sim/assets/redoc.standalone.js"></script>
  <script src="/_sim/ui/docs.js"></script>
</body>
</html>
`,
    );
  });
}
