// Vite build of the dyads dashboard. The output goes into the Python package, where
// `dyads serve` serves it at / (the folder is gitignored: it holds bundled third-party code).
import { defineConfig } from "vite";

// `npm run dev` proxies /api to a local `dyads serve --port 8765`.
const API = "http://127.0.0.1:8765";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../src/dyads/server/static",
    emptyOutDir: true,
    // no data: URIs: every asset is a file served by the server itself (strict CSP)
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: { proxy: { "/api": API } },
  preview: { proxy: { "/api": API } },
});
