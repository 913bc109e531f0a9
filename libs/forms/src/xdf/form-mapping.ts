import type { CodeList, FormDefinition, FormItem, FormPage, GroupDefinition } from '../form.model';
import { mapField, ruleNotes } from './field-mapping';
import { IdRegistry } from './id-registry';
import { CodeListCatalog, type MappingContext } from './mapping-context';
import type { Findings } from './xdf-fault';
import { messages } from './xdf-messages';
import type { XdfChild, XdfGroup, XdfSchema } from './xdf-model';
import { elementNotes, noteSubject, ruleNote } from './xdf-notes';

/** The form and the documentation that goes with it. */
export interface MappedSchema {
  form: FormDefinition;
  notes: string[];
}

/**
 * Maps a read schema to the form model: one page per top-level group (holding that group), one
 * page per run of top-level fields, in `struktur` order.
 */
export function mapSchema(
  schema: XdfSchema,
  codeLists: Readonly<Record<string, CodeList>>,
  findings: Findings,
): MappedSchema {
  const context: MappingContext = {
    findings,
    ids: new IdRegistry(),
    codeLists: new CodeListCatalog(codeLists),
    notes: schemaNotes(schema),
  };
  if (schema.selection) {
    findings.warn(schema.path, messages.choiceGroup());
    context.notes.push('Auswahlgruppe: genau eines der Unterelemente wird befüllt');
  }
  if (schema.children.length === 0) findings.warn(schema.path, messages.noFields());
  const form: FormDefinition = { pages: mapPages(schema, context) };
  if (Object.keys(context.codeLists.used).length > 0) form.codeLists = context.codeLists.used;
  return { form, notes: context.notes };
}

/** Documentation of the schema itself, then its rules. */
function schemaNotes(schema: XdfSchema): string[] {
  const subject = noteSubject(schema);
  return [
    ...elementNotes({ ...schema, description: undefined }).map((note) => `${subject}: ${note}`),
    ...(schema.help ? [`${subject}: Hilfetext: ${schema.help}`] : []),
    ...(schema.versionNote ? [`${subject}: Versionshinweis: ${schema.versionNote}`] : []),
    ...(schema.documentProfile ? [`${subject}: Dokumentsteckbrief: ${schema.documentProfile}`] : []),
    ...schema.rules.map((rule) => `${subject}: ${ruleNote(rule)}`),
  ];
}

function mapPages(schema: XdfSchema, context: MappingContext): FormPage[] {
  const pages: FormPage[] = [];
  let looseFields: FormItem[] | undefined;
  for (const child of schema.children) {
    const { element } = child;
    if (element.kind === 'group') {
      looseFields = undefined;
      const group = mapGroup({ ...child, element }, schema.selection, context);
      pages.push({ id: context.ids.take(`page${pages.length + 1}`), title: group.title, items: [group] });
    } else {
      if (!looseFields) {
        looseFields = [];
        const title = { de: schema.label ?? schema.name };
        pages.push({ id: context.ids.take(`page${pages.length + 1}`), title, items: looseFields });
      }
      looseFields.push(mapField({ ...child, element }, schema.selection, context));
    }
  }
  return pages;
}

function mapItems(children: XdfChild[], inSelection: boolean, context: MappingContext): FormItem[] {
  return children.map(({ element, ...child }) =>
    element.kind === 'group'
      ? mapGroup({ ...child, element }, inSelection, context)
      : mapField({ ...child, element }, inSelection, context),
  );
}

/**
 * A group keeps its title (bezeichnungEingabe), help as description and cardinality. An optional
 * group (0:1, or a member of a selection group) with required content becomes a repeatable group
 * of at most one entry: that is how the form model says "these are required only if the group is
 * filled in".
 */
function mapGroup(
  child: XdfChild & { element: XdfGroup },
  inSelection: boolean,
  context: MappingContext,
): GroupDefinition {
  const group = child.element;
  const id = context.ids.take(group.id);
  const notes = [...elementNotes(group), ...ruleNotes(group, id, context)];
  if (group.selection) {
    context.findings.warn(group.path, messages.choiceGroup());
    notes.push('Auswahlgruppe: genau eines der Unterelemente wird befüllt');
  }
  const items = mapItems(group.children, group.selection, context);
  if (items.length === 0) context.findings.warn(group.path, messages.emptyGroup());
  const definition: GroupDefinition = { id, type: 'group', title: { de: group.label ?? group.name }, items };
  if (group.help) definition.description = { de: group.help };
  if (child.max !== 1) {
    definition.repeat = { min: child.min, ...(child.max !== undefined ? { max: child.max } : {}) };
  } else if ((child.min === 0 || inSelection) && items.some(needsAnswer)) {
    definition.repeat = { min: 0, max: 1 };
    notes.push(
      `Optionale Feldgruppe (${child.cardinality}) mit Pflichtangaben: als Gruppe mit höchstens einem Eintrag übernommen`,
    );
  }
  definition.source = { id: group.id, ...(group.version ? { version: group.version } : {}) };
  if (notes.length > 0) definition.notes = notes;
  return definition;
}

/** Whether an item demands an answer whenever it is shown. */
function needsAnswer(item: FormItem): boolean {
  if (item.type !== 'group') return item.required === true;
  return item.repeat ? item.repeat.min > 0 : item.items.some(needsAnswer);
}
