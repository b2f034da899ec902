/*
 * Old Outlook webviews: Internet Explorer ("Trident", Outlook 2016 / 2019 on Windows) and the old Microsoft
 * Edge ("EdgeHTML", user agent "Edge/18..."; the current Edge says "Edg/"). The pane (Fluent UI v9, ES2020)
 * cannot run there: Internet Explorer ignores its type="module" script and EdgeHTML cannot parse it, which
 * would leave a blank pane. This classic script runs first, in every webview, and in those shows
 * taskpane.html's "update Outlook" message instead, in French or English.
 *
 * Deliberately ES3 (no let/const, arrow functions, forEach, textContent...): it must parse and run in
 * Internet Explorer, whatever its document mode. test/e2e/legacyWebview.test.ts parses it with acorn.
 * Written into taskpane.html by the build (webpack.config.js); the Content-Security-Policy allows it by its hash.
 */
(function () {
  var doc = document;
  var nav = window.navigator || {};
  var ua = String(nav.userAgent || "");
  var supportsModules = "noModule" in doc.createElement("script");
  if (!/Trident\/|MSIE |Edge\/\d/.test(ua) && supportsModules) return;

  var html = doc.documentElement;
  html.setAttribute("data-legacy-webview", "true");
  var app = doc.getElementById("root");
  if (app) {
    app.setAttribute("hidden", "hidden");
    app.style.display = "none";
  }
  var message = doc.getElementById("unsupported-webview");
  if (!message) return;

  var language = String(nav.language || nav.userLanguage || nav.browserLanguage || nav.systemLanguage || "en").toLowerCase();
  var french = language.substring(0, 2) === "fr";
  var blocks = message.getElementsByTagName("div");
  for (var i = 0; i < blocks.length; i++) {
    var lang = blocks[i].getAttribute("lang");
    if (!lang) continue;
    if ((lang === "fr") === french) blocks[i].removeAttribute("hidden");
    else blocks[i].setAttribute("hidden", "hidden");
  }
  html.setAttribute("lang", french ? "fr" : "en");
  message.removeAttribute("hidden");
  message.style.display = "block";
})();
