import { Document } from 'yaml';
import { ProcessDefinition, normalizeSearchText } from '@openrathaus/catalog';
import { XdfImport, isGroup, walkItems } from '@openrathaus/forms';

/** `Anschrift Inland` as `anschrift-inland`. */
const slug = (text: string): string =>
  normalizeSearchText(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'neuer-dienst';

/**
 * A draft definition around an imported form: everything the format requires is there, with
 * values the author must still check (LeiKa key, Lebenslagen, steps, fees), marked in comments.
 */
export function draftFromXdf(imported: XdfImport, key?: string): ProcessDefinition {
  return {
    key: key ?? slug(imported.title),
    version: '0.1.0',
    visibility: 'private',
    leika: '99000000000000',
    title: { de: imported.title },
    summary: { de: imported.description ?? imported.title },
    lebenslagen: ['querschnitt-buerger'],
    trustLevel: 'basic',
    retention: 'P2Y',
    parameters: {},
    form: imported.form,
    steps: [
      { id: 'formular', kind: 'form' },
      { id: 'pruefung', kind: 'review' },
    ],
    fees: [],
  };
}

/** The draft as YAML, with the import's notes and the author's to-dos as comments. */
export function draftYaml(draft: ProcessDefinition, imported: XdfImport, source: string): string {
  const doc = new Document(draft, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` Draft imported from ${source} (XDatenfelder ${imported.standard}, ${imported.id}${imported.version ? ` ${imported.version}` : ''}).`,
    ' To do before publishing: the LeiKa key, the Lebenslagen, title and summary in every language,',
    ' parameters, steps and fees; then rename this file to its version, e.g. 1.0.0.yaml.',
    ...(imported.notes.length ? [' Notes of the source (rules are kept as documentation, never run):'] : []),
    ...imported.notes.flatMap((n) => n.split('\n').map((line) => `   ${line}`)),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

export function countFields(draft: ProcessDefinition): number {
  let count = 0;
  for (const page of draft.form.pages) for (const { item } of walkItems(page.items)) if (!isGroup(item)) count++;
  return count;
}
