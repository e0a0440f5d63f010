// Prepended to Trunk's boot module by scripts/externalize-boot-script.py.
// index.html shows the diagram (the pre-rendered, inert first frame) before the app has
// loaded. A click made on it in that time is kept, the last one, so that the app can replay
// it on its own diagram, drawn on the same pixels (src/pages/diagram/canvas.rs): a node
// clicked while the page loads opens its details once the app is ready, instead of being
// lost.
addEventListener('click', (event) => {
  if (document.getElementById('first-frame')) {
    window.explorerEarlyClick = { x: event.clientX, y: event.clientY };
  }
}, { capture: true });
