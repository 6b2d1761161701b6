import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type PreviewServer, type ViteDevServer } from 'vite';

// Cross-origin isolation (SharedArrayBuffer) is what lets tfjs-wasm run threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Vite 8's minifier renames the closure variable `_scriptDir` inside the Emscripten factory that
 * tfjs-backend-wasm stringifies into its pthread Blob worker; the stringified copy then throws
 * "e is not defined" and the threaded backend never initialises (production builds only).
 * Deleting that one statement is harmless: the script directory comes from setWasmPaths anyway.
 */
const tfjsWasmThreadsFix = (): Plugin => ({
  name: 'tfjs-wasm-threads-fix',
  transform(code, id) {
    if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return null;
    const needle = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
    if (!code.includes(needle)) this.error('tfjs-wasm-threads-fix: pattern not found');
    return { code: code.replace(needle, ''), map: null };
  },
});

const MODELS_DIR = resolve(import.meta.dirname, 'models');
const MIME: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Serves the top-level models/ folder at /models/ in dev and preview, and copies it into the build. */
const serveModels = (): Plugin => {
  const middleware = (server: ViteDevServer | PreviewServer) => {
    server.middlewares.use('/models', (req, res, next) => {
      const path = resolve(MODELS_DIR, `.${decodeURIComponent((req.url ?? '/').split('?')[0])}`);
      if (!path.startsWith(MODELS_DIR) || !statSync(path, { throwIfNoEntry: false })?.isFile()) return next();
      res.setHeader('Content-Type', MIME[extname(path)] ?? 'application/octet-stream');
      for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
      res.end(readFileSync(path));
    });
  };
  return {
    name: 'serve-models',
    configureServer: middleware,
    configurePreviewServer: middleware,
    generateBundle() {
      for (const file of listFiles(MODELS_DIR)) {
        this.emitFile({
          type: 'asset',
          fileName: `models/${relative(MODELS_DIR, file)}`,
          source: readFileSync(file),
        });
      }
    },
  };
};

export default defineConfig({
  base: './',
  plugins: [react(), tfjsWasmThreadsFix(), serveModels()],
  worker: { format: 'es', plugins: () => [tfjsWasmThreadsFix()] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
});
