import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

// Served from app://sinetti (Electron) or the loopback browser host: relative asset paths work
// under both.
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // Everything as files from 'self': no inline scripts or data: modules for the CSP to allow.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // One desktop bundle loaded from disk or loopback; its size is not a network cost.
    chunkSizeWarningLimit: 2500,
  },
});
