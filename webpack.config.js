/**
 * Builds the task pane into dist/. `--env ADDIN_URL=https://addin.contoso.com` (or the ADDIN_URL environment
 * variable) also writes a production manifest whose every URL points at that host; without it the
 * development manifest (localhost) is copied.
 */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const webpack = require("webpack");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const { productionManifest } = require("./build-tools/manifest");
const { UnifiedManifestPlugin } = require("./build-tools/unified-manifest");

const LEGACY_WEBVIEW_SOURCE = path.resolve(__dirname, "src/taskpane/legacy-webview.js");

/**
 * Emits src/taskpane/legacy-webview.js as is (ES3, not bundled, not minified: webpack's runtime and the
 * minifier would make it ES2015+), named by content hash like every script (production's real content hash
 * may rename it again; the page's reference follows), and adds it to the end of
 * taskpane.html's body as a classic script. Internet Explorer ignores the pane's type="module" bundle and
 * EdgeHTML cannot parse it; this script runs in both and shows the "update Outlook" message instead.
 */
class LegacyWebviewScriptPlugin {
  apply(compiler) {
    const name = "LegacyWebviewScriptPlugin";
    compiler.hooks.thisCompilation.tap(name, (compilation) => {
      let fileName;
      compilation.hooks.processAssets.tap({ name, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        const source = fs.readFileSync(LEGACY_WEBVIEW_SOURCE);
        const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
        fileName = `legacy-webview.${hash}.js`;
        compilation.fileDependencies.add(LEGACY_WEBVIEW_SOURCE);
        compilation.emitAsset(fileName, new webpack.sources.RawSource(source), {
          minimized: true,
          immutable: true,
          contenthash: hash,
          sourceFilename: "src/taskpane/legacy-webview.js",
        });
      });
      HtmlWebpackPlugin.getCompilationHooks(compilation).alterAssetTagGroups.tap(name, (data) => {
        if (data.outputName !== "taskpane.html" || !fileName) return data;
        data.bodyTags.push(
          HtmlWebpackPlugin.createHtmlTagObject("script", { src: `${data.publicPath}${fileName}` }, undefined, { plugin: name }),
        );
        return data;
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
          loader: "ts-loader",
          // Type checking is `npm run typecheck`; ES modules here let webpack tree-shake Fluent UI.
          options: { transpileOnly: true, compilerOptions: { module: "esnext", sourceMap: true } },
        },
      ],
    },
    // Fluent UI v9 supports evergreen browsers only: no polyfills are shipped.
    target: ["web", "es2020"],
    performance: { hints: false },
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
      new LegacyWebviewScriptPlugin(),
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
