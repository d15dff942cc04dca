/** A Markdown table; `|` inside a cell is escaped unless it is already. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const begin = (name: string) => `<!-- generated: ${name} (npm run docs:game) -->`;
const end = (name: string) => `<!-- end of generated: ${name} -->`;

/**
 * Replaces the content between each section's markers with its generated text. A marker pair
 * missing from the document is an error, as is a marker naming no section.
 *
 * @example
 * rewriteSections(doc, { levels: '| level | … |' })
 */
export function rewriteSections(doc: string, sections: Readonly<Record<string, string>>): string {
  const named = new Set([...doc.matchAll(/<!-- generated: ([a-z-]+) /g)].map((match) => match[1]!));
  for (const name of named) if (!(name in sections)) throw new Error(`docs/GAME.md marks a section "${name}" that nothing generates`);
  let out = doc;
  for (const [name, text] of Object.entries(sections)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`docs/GAME.md lacks the markers of the generated section "${name}"`);
    out = `${out.slice(0, from + begin(name).length)}\n${text}\n${out.slice(to)}`;
  }
  return out;
}
