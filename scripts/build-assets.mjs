// Builds static/dist/: the one stylesheet (the NL Design System's Utrecht component CSS, our theme
// tokens and our layout additions), the print stylesheet and the scripts, each minified and named
// after a hash of its content, plus manifest.json that maps a source name ("app.css",
// "js/request-form.js") to the built one. The app links the hashed names and serves them with a
// one-year cache lifetime, so a release changes the names instead of waiting for caches to expire.
//
// Of the Utrecht CSS only the components whose class names appear somewhere in the templates, the
// scripts or the Python code are kept: a component is a block such as `utrecht-alert`, kept whole
// with all its elements and modifiers (`utrecht-alert--{{ kind }}` keeps every modifier). Our own
// CSS is kept whole. Run `npm run build`; the output is git-ignored and the set-up step builds it.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { transform } from "lightningcss";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const utrechtCss = join(dirname(require.resolve("@utrecht/component-library-css/package.json")), "dist", "index.css");
const dist = join(root, "static", "dist");
// Where class names are written: the templates, the scripts, and Python that builds markup.
const markupDirs = ["templates", join("static", "js"), "ontwikkelbijeenkomsten"];
const markupFile = /\.(html|js|py)$/;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The Utrecht blocks named anywhere in the markup: "utrecht-alert" for `utrecht-alert--ok`. */
async function usedBlocks() {
  const blocks = new Set();
  for (const dir of markupDirs) {
    for await (const file of files(join(root, dir))) {
      if (!markupFile.test(file)) continue;
      for (const [, block] of (await readFile(file, "utf8")).matchAll(/\b(utrecht-[a-z0-9]+(?:-[a-z0-9]+)*)/g)) {
        blocks.add(block);
      }
    }
  }
  return blocks;
}

const blockOf = (className) => className.split(/__|--/)[0];

/** Drops each rule whose selectors all name a Utrecht block that no page uses. (A rule is kept or
 * dropped whole: lightningcss cannot hand back every rule it was given, so none is rewritten.) */
function dropUnusedComponents(used) {
  const isUsed = (selector) =>
    selector.every((part) => part.type !== "class" || !part.name.startsWith("utrecht-") || used.has(blockOf(part.name)));
  return { Rule: { style: (rule) => (rule.value.selectors.some(isUsed) ? undefined : []) } };
}

function minify(filename, code, visitor) {
  return transform({ filename, code: Buffer.from(code), minify: true, visitor }).code;
}

const hashed = (name, content) => {
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  return name.replace(/(\.[a-z]+)$/, `.${hash}$1`);
};

async function build() {
  await rm(dist, { recursive: true, force: true });
  const manifest = {};
  const emit = async (name, content) => {
    const target = hashed(name, content);
    await mkdir(dirname(join(dist, target)), { recursive: true });
    await writeFile(join(dist, target), content);
    manifest[name] = `dist/${target}`;
    const kib = (n) => (n / 1024).toFixed(1);
    console.log(`wrote static/${manifest[name]} (${kib(content.length)} KiB, ${kib(gzipSync(content).length)} KiB gzipped)`);
  };

  // A @charset rule is only valid at the very start of a file, so drop it from the parts.
  const read = async (file) => (await readFile(file, "utf8")).replace(/^@charset "[^"]*";\s*$/gm, "");
  const ours = [join(root, "static", "css", "theme.css"), join(root, "static", "css", "app.css")];
  const utrecht = minify("utrecht.css", await read(utrechtCss), dropUnusedComponents(await usedBlocks()));
  const app = minify("app.css", (await Promise.all(ours.map(read))).join("\n"));
  await emit("app.css", Buffer.concat([utrecht, Buffer.from("\n"), app]));
  await emit("css/print.css", minify("print.css", await read(join(root, "static", "css", "print.css"))));
  for (const file of await readdir(join(root, "static", "js"))) {
    if (file.endsWith(".js")) await emit(`js/${file}`, await readFile(join(root, "static", "js", file)));
  }
  await writeFile(join(dist, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${relative(root, join(dist, "manifest.json"))}`);
}

await build();
