import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/** Writes .br and .gz beside each text file, which the server sends to browsers that accept them. */
function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'crm:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg)$/.test(fileName)) continue
        const path = join(outDir, fileName)
        const content = readFileSync(path)
        if (content.length < 1024) continue
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }))
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        )
      }
    },
  }
}

// `npm run dev:web` serves the console with hot reload and sends /api to a server on port 5000.
export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything under assets/ has a content hash in its name: the server caches it for a year.
    assetsDir: 'assets',
    // The dashboard's chunk carries ECharts (about 500 kB, 170 kB gzipped) and loads only there.
    chunkSizeWarningLimit: 600,
    // Two pages: the console, and the public form with its own small bundle.
    rollupOptions: {
      input: {
        console: join(import.meta.dirname, 'index.html'),
        form: join(import.meta.dirname, 'form.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:5000' },
  },
})
