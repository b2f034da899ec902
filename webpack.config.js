/**
 * Builds the task pane into dist/. `--env ADDIN_URL=https://addin.contoso.com` (or the ADDIN_URL environment
 * variable) also writes a production manifest whose every URL points at that host; without it the
 * development manifest (localhost) is copied.
 */
const path = require("node:path");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const { productionManifest } = require("./build-tools/manifest");
const { UnifiedManifestPlugin } = require("./build-tools/unified-manifest");

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
        scriptLoading: "defer",
      }),
      // The Office dialog API's sign-in page, where nested app authentication is not supported.
      new HtmlWebpackPlugin({
        filename: "signin-dialog.html",
        template: "./src/taskpane/signin-dialog.html",
        chunks: ["signin-dialog"],
        scriptLoading: "defer",
      }),
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
