import { defineConfig } from "vite";

// The one line faultline needs with Vite 5 to 7: without it the dev server's dependency
// pre-bundler moves faultline's JavaScript into .vite/deps/ but not the .wasm next to it.
export default defineConfig({ optimizeDeps: { exclude: ["faultline"] } });
