// Builds the chat page into dist/: the page's own files from src/, and the one library it
// uses (markdown-it's self-contained browser build) vendored from node_modules, so the page
// never fetches anything from a CDN. Run by `npm run build` (make chat-page) after `npm ci`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const dist = join(here, "dist");
const require = createRequire(import.meta.url);

const markdownItRoot = dirname(require.resolve("markdown-it/package.json"));
const markdownIt = join(markdownItRoot, "dist", "browser", "markdown-it.esm.min.mjs");
if (!existsSync(markdownIt)) {
  throw new Error(`markdown-it's browser build is missing at ${markdownIt}: run npm ci`);
}
const version = JSON.parse(readFileSync(join(markdownItRoot, "package.json"), "utf8")).version;

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "vendor"), { recursive: true });
cpSync(src, dist, { recursive: true });
// .js, not .mjs: every static server knows .js is JavaScript, and module scripts need that.
// The source map is left out, so its comment goes too (the browser would ask for it).
const code = readFileSync(markdownIt, "utf8").replace(/\n?\/\/# sourceMappingURL=.*\s*$/, "\n");
writeFileSync(join(dist, "vendor", "markdown-it.js"), `/*! markdown-it ${version} | MIT */\n${code}`);
cpSync(join(markdownItRoot, "LICENSE"), join(dist, "vendor", "markdown-it.LICENSE.txt"));
console.log(`chat page built into ${dist} (markdown-it ${version})`);
