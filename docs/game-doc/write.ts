import { readFileSync, writeFileSync } from 'node:fs';
import { rewriteSections } from './markdown.js';
import { gameDocSections } from './sections.js';

// `npm run docs:game`: rewrites the generated sections of docs/GAME.md from the code.
// `npm run docs:game -- --check`: exits 1 if they are out of date, changing nothing.
const path = new URL('../GAME.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = rewriteSections(doc, gameDocSections());
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/GAME.md is out of date: run npm run docs:game');
    process.exit(1);
  }
} else if (next !== doc) {
  writeFileSync(path, next);
  console.log('docs/GAME.md rewritten');
} else {
  console.log('docs/GAME.md is up to date');
}
