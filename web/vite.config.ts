/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API serves the built UI from the package (src/pfa_vanguard/web_dist) at "/".
// Relative to this folder (Vite resolves outDir against the project root).
const outDir = "../src/pfa_vanguard/web_dist";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev` against a running `pfa serve` / `pfa demo` on port 8000.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
