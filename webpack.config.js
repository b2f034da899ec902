/**
 * Builds the task pane into dist/. `--env ADDIN_URL=https://addin.contoso.com` (or the ADDIN_URL environment
 * variable) also writes a production manifest whose every URL points at that host; without it the
 * development manifest (localhost) is copied.
 */
const fs = require("node:fs");
const path = require("node:path");
const webpack = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const MiniCssExtractPlugin = require("mini-css-extract-plugin");
const { GriffelCSSExtractionPlugin } = require("@griffel/webpack-extraction-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const { productionManifest } = require("./build-tools/manifest");
const { UnifiedManifestPlugin } = require("./build-tools/unified-manifest");

/**
 * Writes a Brotli and a gzip copy beside every script, style, page and manifest over 1 KB, compressed once
 * at build time at the highest level, which the server sends as they are (@fastify/static's
 * `preCompressed`) instead of compressing the pane's scripts again on every open.
 */
class PrecompressPlugin {
  apply(compiler) {
    const name = "PrecompressPlugin";
    const zlib = require("node:zlib");
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      compilation.hooks.processAssets.tap({ name, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT }, (assets) => {
        for (const [file, source] of Object.entries(assets)) {
          if (!/\.(js|css|html|xml|json|svg)$/.test(file)) continue;
          const buffer = source.buffer();
          if (buffer.length < 1024) continue;
          const br = zlib.brotliCompressSync(buffer, {
            params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buffer.length },
          });
          compilation.emitAsset(`${file}.br`, new webpack.sources.RawSource(br), { compressed: true });
          compilation.emitAsset(`${file}.gz`, new webpack.sources.RawSource(zlib.gzipSync(buffer, { level: 9 })), { compressed: true });
        }
      });
    });
  }
}

const LEGACY_WEBVIEW_SOURCE = path.resolve(__dirname, "src/taskpane/legacy-webview.js");

/**
 * Writes a classic script into taskpane.html: `where` says before which text of the page. In the page, not beside
 * it: a script the first screen waits for costs no request (a connection and a TLS handshake of its own, on the
 * machines the benchmark measures). html-webpack-plugin's minifier then shortens it with the page (terser, ES5
 * output: the tests parse the built page's copies as ES3). The server's Content-Security-Policy allows exactly the
 * inline scripts of the pages it serves, by their SHA-256 (inlineScriptSources in src/server/plugins/staticFiles.ts).
 */
function inlineScript(compilation, name, where, source) {
  HtmlWebpackPlugin.getCompilationHooks(compilation).beforeEmit.tap(name, (data) => {
    if (data.outputName !== "taskpane.html") return data;
    const at = data.html.indexOf(where);
    if (at < 0) throw new Error(`${name}: taskpane.html has no ${where}`);
    const script = source();
    if (/<\/script/i.test(script)) throw new Error(`${name}: the script contains </script`);
    data.html = `${data.html.slice(0, at)}<script>${script}</script>\n    ${data.html.slice(at)}`;
    return data;
  });
}

/**
 * Writes src/taskpane/legacy-webview.js (ES3, not bundled: webpack's runtime would make it ES2015+) at the end of
 * taskpane.html's body, after the elements it changes. Internet Explorer ignores the pane's type="module" bundle
 * and EdgeHTML cannot parse it; this script runs in both and shows the "update Outlook" message instead.
 */
class LegacyWebviewScriptPlugin {
  apply(compiler) {
    const name = "LegacyWebviewScriptPlugin";
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      compilation.fileDependencies.add(LEGACY_WEBVIEW_SOURCE);
      inlineScript(compilation, name, "</body>", () => fs.readFileSync(LEGACY_WEBVIEW_SOURCE, "utf8").trim());
    });
  }
}

/**
 * Writes into taskpane.html, before office.js, a tiny classic script (ES3, like legacy-webview.js) that asks the
 * browser to preload the chunks the first render waits for — the strings of the browser's language (usually
 * Outlook's display language; languageOf in src/taskpane/i18n/language.ts) and, when the system is dark or
 * forces its colours, the dark and high-contrast themes (src/taskpane/theme.ts) — as the page is parsed, while
 * office.js and the pane's bundle download, instead of once the bundle has been evaluated. webpack's own
 * loading of those chunks then finds them preloaded. The chunks' names are the build's content hashes: the
 * real content hash step rewrites them in the page with the scripts' own.
 */
class FirstChunksPreloadPlugin {
  apply(compiler) {
    const name = "FirstChunksPreloadPlugin";
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      inlineScript(compilation, name, '<script src="https://appsforoffice.microsoft.com/', () => {
        const publicPath = compilation.outputOptions.publicPath;
        const fileOf = (chunkName) => {
          const chunk = [...compilation.chunks].find((c) => c.name === chunkName);
          const file = chunk && [...chunk.files].find((f) => f.endsWith(".js"));
          if (!file) throw new Error(`${name}: no chunk named ${chunkName}`);
          return `${publicPath}${file}`;
        };
        const languages = [...compilation.chunks].map((c) => /^i18n-([a-z]+)$/.exec(c.name ?? "")?.[1]).filter(Boolean).sort();
        if (!languages.includes("en")) throw new Error(`${name}: no i18n-en chunk`);
        const strings = Object.fromEntries(languages.map((language) => [language, fileOf(`i18n-${language}`)]));
        // (ES3, no let/const or arrow functions: every webview runs it, old ones included.)
        return [
          "/* Preloads the chunks the pane's first render waits for: see FirstChunksPreloadPlugin in webpack.config.js. */",
          "(function () {",
          "  var doc = document;",
          "  function preload(href) {",
          '    var link = doc.createElement("link");',
          '    link.rel = "preload";',
          '    link.as = "script";',
          "    link.href = href;",
          "    (doc.head || doc.documentElement).appendChild(link);",
          "  }",
          `  var strings = ${JSON.stringify(strings)};`,
          '  var language = String(navigator.language || "").toLowerCase().split(/[-_]/)[0];',
          "  preload(Object.prototype.hasOwnProperty.call(strings, language) ? strings[language] : strings.en);",
          "  try {",
          '    if (window.matchMedia && (window.matchMedia("(prefers-color-scheme: dark)").matches || window.matchMedia("(forced-colors: active)").matches)) {',
          `      preload(${JSON.stringify(fileOf("themes"))});`,
          "    }",
          "  } catch (e) {}",
          "})();",
        ].join("\n");
      });
    });
  }
}

module.exports = (env = {}, argv = {}) => {
  const production = argv.mode !== "development";
  const addinUrl = env.ADDIN_URL || process.env.ADDIN_URL || "";
  const webApplicationId = env.WEB_APPLICATION_ID || process.env.WEB_APPLICATION_ID || undefined;
  return {
    mode: production ? "production" : "development",
    devtool: production ? "source-map" : "eval-cheap-module-source-map",
    entry: { taskpane: "./src/taskpane/index.tsx", "signin-dialog": "./src/taskpane/signin-dialog.ts" },
    output: {
      path: path.resolve(__dirname, "dist"),
      filename: production ? "[name].[contenthash:16].js" : "[name].js",
      chunkFilename: production ? "[name].[contenthash:16].js" : "[name].js",
      publicPath: "/",
      clean: true,
    },
    resolve: { extensions: [".tsx", ".ts", ".js"] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          // Loaders run last to first: ts-loader makes JavaScript, then Griffel's loader turns our makeStyles /
          // makeResetStyles into their precomputed classes and CSS (__styles / __resetStyles), so the first
          // render does not resolve style objects at run time, and the extraction loader takes their CSS out of
          // the script (below). (Jest runs the source as is.)
          use: [
            { loader: GriffelCSSExtractionPlugin.loader },
            { loader: "@griffel/webpack-loader" },
            {
              loader: "ts-loader",
              // Type checking is `npm run typecheck`; ES modules here let webpack tree-shake Fluent UI.
              options: { transpileOnly: true, compilerOptions: { module: "esnext", sourceMap: true } },
            },
          ],
        },
        // Fluent UI's components ship with their styles precomputed (__styles): their CSS rules leave the scripts
        // for one style sheet, which the browser parses as it loads, instead of each rule being inserted into
        // the page by Griffel at the first render that needs it (~4 ms less of the main thread's CPU before the
        // matrix shows; the scripts are 60 KB smaller, the sheet 75 KB: docs/PERFORMANCE.md). All the pane's
        // rules, lazy views' included, are in that sheet: Griffel's extraction does not split it by chunk.
        { test: /\.js$/, include: /[\\/]node_modules[\\/]@fluentui[\\/]/, use: [{ loader: GriffelCSSExtractionPlugin.loader }] },
        { test: /\.css$/, use: [MiniCssExtractPlugin.loader, "css-loader"] },
        // The string tables only declare constants: a re-export nobody uses (sentences.ts → sentences.fr.ts,
        // kept for the tests) must not pull French into the first chunk.
        { test: /[\\/]src[\\/]taskpane[\\/]i18n[\\/]/, sideEffects: false },
        // The pane uses only react-i18next's context (src/taskpane/i18n/react.ts); its modules only declare,
        // so the rest of the package (its hook, Trans, i18next glue) is left out.
        { test: /[\\/]node_modules[\\/]react-i18next[\\/]/, sideEffects: false },
      ],
    },
    // Fluent UI v9 supports evergreen browsers only: no polyfills are shipped.
    target: ["web", "es2020"],
    performance: { hints: false },
    optimization: {
      splitChunks: {
        chunks: "async",
        cacheGroups: {
          // React's DOM renderer (most of the first load's bytes) in an initial chunk of its own: the browser
          // downloads and compiles the two scripts side by side (V8 compiles each on a thread of its own as
          // it streams in) instead of one after the other.
          react: { test: /[\\/]node_modules[\\/](react-dom|scheduler)[\\/]/, name: "react", chunks: "initial", enforce: true, priority: 20 },
        },
      },
    },
    plugins: [
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./src/taskpane/taskpane.html",
        chunks: ["taskpane"],
        // Internet Explorer skips module scripts: legacy-webview.js (below) shows it a message instead.
        scriptLoading: "module",
      }),
      // The Office dialog API's sign-in page, where nested app authentication is not supported.
      new HtmlWebpackPlugin({
        filename: "signin-dialog.html",
        template: "./src/taskpane/signin-dialog.html",
        chunks: ["signin-dialog"],
        scriptLoading: "defer",
      }),
      // Griffel orders its rules itself in the sheet: mini-css-extract's order warnings do not apply.
      new MiniCssExtractPlugin({ filename: production ? "[name].[contenthash:16].css" : "[name].css", ignoreOrder: true }),
      new GriffelCSSExtractionPlugin(),
      new LegacyWebviewScriptPlugin(),
      new FirstChunksPreloadPlugin(),
      ...(production ? [new PrecompressPlugin()] : []),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*.png", to: "assets/[name][ext]" },
          { from: "src/taskpane/support.html", to: "support.html" },
          {
            from: "manifest.xml",
            to: "manifest.xml",
            transform: addinUrl
              ? (content) => productionManifest(content.toString(), addinUrl, { webApplicationId })
              : undefined,
          },
        ],
      }),
      // The unified JSON manifest beside the XML one, for the clients that take it (docs/DEPLOYMENT.md).
      ...(addinUrl ? [new UnifiedManifestPlugin()] : []),
    ],
  };
};
