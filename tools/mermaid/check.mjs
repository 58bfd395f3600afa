// Parses every ```mermaid block of the given Markdown files with the real Mermaid
// parser (the same code that renders diagrams on GitHub and in editors).
// Usage: node check.mjs FILE.md...   Exit 0 only if every block of every file parses
// and every file has at least one block.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { JSDOM } from "jsdom";

// Mermaid sanitises labels with DOMPurify, which needs a DOM; Node has none.
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ["Element", "HTMLElement", "Node", "DocumentFragment", "DOMParser", "NodeFilter"]) {
  if (globalThis[key] === undefined) globalThis[key] = dom.window[key];
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

function blocks(markdown) {
  const out = [];
  const re = /^```mermaid[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm;
  let m;
  while ((m = re.exec(markdown)) !== null) {
    const line = markdown.slice(0, m.index).split("\n").length;
    out.push({ line, text: m[1] });
  }
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check.mjs FILE.md...");
  process.exit(2);
}
let failed = 0;
let parsed = 0;
for (const file of files) {
  let found;
  try {
    found = blocks(readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`FAIL ${file}: ${e.message}`);
    failed++;
    continue;
  }
  if (found.length === 0) {
    console.error(`FAIL ${file}: no mermaid block`);
    failed++;
    continue;
  }
  for (const b of found) {
    try {
      const result = await mermaid.parse(b.text);
      if (!result || result.diagramType !== "flowchart-v2") {
        throw new Error(`unexpected diagram type ${result && result.diagramType}`);
      }
      parsed++;
    } catch (e) {
      console.error(`FAIL ${file}:${b.line}: ${e && e.message ? e.message : e}`);
      failed++;
    }
  }
}
const { version } = createRequire(import.meta.url)("mermaid/package.json");
console.log(`mermaid parser ${version}`);
console.log(`mermaid: ${parsed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
