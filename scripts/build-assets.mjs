// Builds static/dist/app.css: the NL Design System (Utrecht) component CSS, our theme tokens
// and our layout additions, concatenated. No bundler and no dependencies: run `npm run build`.
// The output is git-ignored; the set-up step builds it. Nothing is fetched at run time.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const utrechtDir = dirname(require.resolve("@utrecht/component-library-css/package.json"));

const sources = [
  join(utrechtDir, "dist", "index.css"),
  join(root, "static", "css", "theme.css"),
  join(root, "static", "css", "app.css"),
];
const target = join(root, "static", "dist", "app.css");

const parts = [];
for (const file of sources) {
  // A @charset rule is only valid at the very start of a file, so drop it from the parts.
  const css = (await readFile(file, "utf8")).replace(/^@charset "[^"]*";\s*$/gm, "");
  parts.push(`/* ---- ${relative(root, file)} ---- */\n${css.trim()}\n`);
}
await mkdir(dirname(target), { recursive: true });
await writeFile(target, `@charset "UTF-8";\n${parts.join("\n")}`);
console.log(`wrote ${relative(root, target)} (${Math.round((await readFile(target)).length / 1024)} KiB)`);
