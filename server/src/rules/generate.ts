import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedDocs, withGeneratedSettings } from './generated-docs';
import { allRules } from './index';

/**
 * Writes the docs pages, the docs index and the settings schema from the rules' metadata, and removes
 * pages of rules that no longer exist. Run through `npm run gen` (scripts/gen-docs.mjs).
 */
export function writeGenerated(root: string): string[] {
  const written: string[] = [];
  const docs = generatedDocs(allRules);
  const docsDir = path.join(root, 'docs', 'rules');
  fs.mkdirSync(docsDir, { recursive: true });
  for (const existing of fs.readdirSync(docsDir)) {
    if (existing.endsWith('.md') && !docs.has(`docs/rules/${existing}`)) {
      fs.rmSync(path.join(docsDir, existing));
      written.push(`removed docs/rules/${existing}`);
    }
  }
  for (const [relative, content] of docs) {
    const target = path.join(root, relative);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === content) continue;
    fs.writeFileSync(target, content);
    written.push(relative);
  }
  const manifestPath = path.join(root, 'package.json');
  const before = fs.readFileSync(manifestPath, 'utf8');
  const after = `${JSON.stringify(withGeneratedSettings(JSON.parse(before), allRules), null, 2)}\n`;
  if (after !== before) {
    fs.writeFileSync(manifestPath, after);
    written.push('package.json');
  }
  return written;
}
