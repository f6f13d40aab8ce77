// Bootstrap Italia's font loader reads its path from window.__PUBLIC_PATH__, which must be set
// before its bundle runs; the path comes from this tag's data-fonts-path ({% static %}).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fontsPath;
