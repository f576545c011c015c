// Renders one provider's OpenAPI document with Redoc (served by msgsim from node_modules, not a CDN).
// System fonts only: nothing is fetched from the network.
const root = document.getElementById('redoc');
const SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

if (!window.Redoc) {
  root.textContent = 'Redoc could not be loaded from /_sim/assets/redoc.standalone.js.';
} else {
  window.Redoc.init(
    root.dataset.specUrl,
    {
      expandResponses: '200,201,202',
      scrollYOffset: 'nav.doc-nav',
      hideHostname: false,
      jsonSampleExpandLevel: 3,
      theme: {
        colors: { primary: { main: '#3554d1' } },
        typography: { fontFamily: SANS, fontSize: '15px', headings: { fontFamily: SANS, fontWeight: '600' }, code: { fontFamily: MONO } },
        sidebar: { width: '280px' },
      },
    },
    root,
    (error) => {
      if (error) root.textContent = `Could not render ${root.dataset.specUrl}: ${error.message ?? error}`;
      else document.body.dataset.ready = 'true';
    },
  );
}
