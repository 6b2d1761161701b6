import { defineConfig } from '@playwright/test';

// E2E_PORT lets several checkouts on one machine test their own builds side by side (a server already on
// the port is reused, so two checkouts on the default port would test each other's build).
const PORT = Number(process.env.E2E_PORT ?? 4173);

// Tests run against the production build (vite preview): the dev server hides build-only bugs,
// such as the minifier breaking tfjs's threaded wasm backend.
export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  workers: 1, // two vCPUs: wasm threads and the browser compete for them
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update'],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
