import { fillPlaceholders } from '@openrathaus/core';

/** One fault in a process definition or an adoption: which file, where in it, what is wrong. */
export interface DefinitionFault {
  file: string;
  /** Path inside the document, e.g. `form.pages[1].items[0].requiredIf.==[0].var`. */
  path: string;
  key: DefinitionFaultKey;
  params?: Record<string, string | number>;
}

const messages = {
  yaml: { en: 'is not valid YAML: {detail}', de: 'ist kein gültiges YAML: {detail}' },
  not_object: { en: 'must be a mapping of fields', de: 'muss eine Zuordnung von Feldern sein' },
  too_large: { en: 'is too large: {detail}', de: 'ist zu groß: {detail}' },
  unknown_field: { en: 'is not a known field', de: 'ist kein bekanntes Feld' },
  handoff_no_address: {
    en: 'service "{service}" hands applications over by e-mail, but neither its office nor the tenant has an e-mail address',
    de: 'Leistung "{service}" übergibt Anträge per E-Mail, aber weder ihr Amt noch der Mandant hat eine E-Mail-Adresse',
  },
  handoff_unknown_target: {
    en: 'service "{service}" hands applications over to "{target}", a delivery target this tenant does not have',
    de: 'Leistung "{service}" übergibt Anträge an "{target}", ein Übergabeziel, das dieser Mandant nicht hat',
  },
  required: { en: 'is required', de: 'ist erforderlich' },
  string: { en: 'must be a text', de: 'muss ein Text sein' },
  number: { en: 'must be a number', de: 'muss eine Zahl sein' },
  integer: { en: 'must be a whole number of at least {min}', de: 'muss eine ganze Zahl ab {min} sein' },
  boolean: { en: 'must be true or false', de: 'muss true oder false sein' },
  list: { en: 'must be a list', de: 'muss eine Liste sein' },
  list_empty: { en: 'must not be empty', de: 'darf nicht leer sein' },
  localized: {
    en: 'must be a text per language with at least "de"',
    de: 'muss ein Text je Sprache mit mindestens "de" sein',
  },
  text_script: {
    en: 'has a text for "{locale}" that is not written in its script (left in another language?)',
    de: 'hat einen Text für "{locale}", der nicht in dessen Schrift geschrieben ist (in einer anderen Sprache stehen geblieben?)',
  },
  one_of: { en: 'must be one of: {allowed}', de: 'muss einer dieser Werte sein: {allowed}' },
  too_long: { en: 'is longer than {max} characters', de: 'ist länger als {max} Zeichen' },
  slug: {
    en: 'must be lower-case letters and digits joined by hyphens',
    de: 'muss aus Kleinbuchstaben und Ziffern bestehen, durch Bindestriche verbunden',
  },
  identifier: {
    en: 'must begin with a letter and hold only letters, digits and _',
    de: 'muss mit einem Buchstaben beginnen und darf nur Buchstaben, Ziffern und _ enthalten',
  },
  semver: { en: 'must be a version like 1.2.0', de: 'muss eine Version wie 1.2.0 sein' },
  leika: {
    en: 'must be a LeiKa key: 14 digits beginning with 99',
    de: 'muss ein LeiKa-Schlüssel sein: 14 Ziffern, beginnend mit 99',
  },
  duration: {
    en: 'must be an ISO 8601 duration like P1Y, P6M or P14D',
    de: 'muss eine ISO-8601-Dauer wie P1Y, P6M oder P14D sein',
  },
  regex: { en: 'is not a valid regular expression', de: 'ist kein gültiger regulärer Ausdruck' },
  key_reserved: {
    en: 'is the key of a link service of Land or Bund; choose another one',
    de: 'ist der Schlüssel eines Verweises auf ein Angebot von Land oder Bund; bitte einen anderen wählen',
  },
  key_folder: { en: 'must equal the folder name "{folder}"', de: 'muss dem Ordnernamen "{folder}" entsprechen' },
  version_file: { en: 'must equal the file name "{file}"', de: 'muss dem Dateinamen "{file}" entsprechen' },
  duplicate_id: { en: 'repeats the id "{id}"', de: 'wiederholt die Kennung "{id}"' },
  unknown_lage: {
    en: 'names no known Lebenslage or Unternehmenslage "{value}"',
    de: 'nennt keine bekannte Lebens- oder Unternehmenslage "{value}"',
  },
  options_missing: {
    en: 'a {type} field needs options or a codeList',
    de: 'ein Feld der Art {type} braucht options oder eine codeList',
  },
  options_not_allowed: {
    en: 'is only for select, radio and checkboxes',
    de: 'gilt nur für select, radio und checkboxes',
  },
  unknown_code_list: { en: 'names no code list "{value}"', de: 'nennt keine Codeliste "{value}"' },
  info_text: { en: 'an info field needs text', de: 'ein Infofeld braucht text' },
  rule_operator: {
    en: 'uses the operator "{detail}", which rules may not use',
    de: 'verwendet den Operator "{detail}", den Regeln nicht verwenden dürfen',
  },
  rule_variable: {
    en: 'reads "{detail}", which is neither an answer nor a parameter here',
    de: 'liest "{detail}", das hier weder eine Antwort noch ein Parameter ist',
  },
  rule_shape: {
    en: 'must name exactly one operator, not "{detail}"',
    de: 'muss genau einen Operator nennen, nicht "{detail}"',
  },
  rule_complexity: {
    en: 'is too complex ({detail}); rules are kept simple so that they can never stall the portal',
    de: 'ist zu verschachtelt ({detail}); Regeln bleiben einfach, damit sie das Portal nie aufhalten',
  },
  template: { en: 'is not a valid template: {detail}', de: 'ist keine gültige Vorlage: {detail}' },
  applicant_field: {
    en: 'names no field "{value}" of the form outside repeated groups',
    de: 'nennt kein Feld "{value}" des Formulars außerhalb wiederholter Gruppen',
  },
  applicant_type: {
    en: 'names the field "{value}" of type {type}; it must be one of: {allowed}',
    de: 'nennt das Feld "{value}" vom Typ {type}; erlaubt sind: {allowed}',
  },
  unknown_template: { en: 'names no template "{value}"', de: 'nennt keine Vorlage "{value}"' },
  step_needs: { en: 'a {kind} step needs {field}', de: 'ein Schritt der Art {kind} braucht {field}' },
  step_field: { en: 'is not used by a {kind} step', de: 'wird von einem Schritt der Art {kind} nicht verwendet' },
  first_step: { en: 'the first step must be a form step', de: 'der erste Schritt muss ein Formularschritt sein' },
  payment_without_fee: {
    en: 'a payment step needs at least one fee',
    de: 'ein Zahlungsschritt braucht mindestens eine Gebühr',
  },
  office_param: {
    en: 'must name a parameter of type office, not "{value}"',
    de: 'muss einen Parameter der Art office nennen, nicht "{value}"',
  },
  money: {
    en: 'must be an amount in euros with at most two decimals, e.g. 30.70',
    de: 'muss ein Betrag in Euro mit höchstens zwei Nachkommastellen sein, z. B. 30.70',
  },
  money_range: {
    en: 'must lie between {min} and {max} euros',
    de: 'muss zwischen {min} und {max} Euro liegen',
  },
  text_value: { en: 'must be a text or a text per language', de: 'muss ein Text oder ein Text je Sprache sein' },
  list_value: { en: 'must be a list of texts', de: 'muss eine Liste von Texten sein' },
  office_unknown: {
    en: 'names no office "{value}" of this tenant (offices: {allowed})',
    de: 'nennt kein Amt "{value}" dieses Mandanten (Ämter: {allowed})',
  },
  office_no_service: {
    en: 'office "{value}" books no appointments for "{service}" (offices[].appointments.services in tenant.yaml)',
    de: 'Amt "{value}" vergibt keine Termine für "{service}" (offices[].appointments.services in tenant.yaml)',
  },
  required_with_default: {
    en: 'a parameter with a default is never required',
    de: 'ein Parameter mit Vorgabewert ist nie erforderlich',
  },
  published_changed: {
    en: 'version {version} is already published with other content; published versions never change, publish a new version',
    de: 'Version {version} ist schon mit anderem Inhalt veröffentlicht; veröffentlichte Versionen ändern sich nie, bitte eine neue Version veröffentlichen',
  },
  definition_missing: {
    en: 'names the process definition "{value}", which does not exist',
    de: 'nennt die Prozessdefinition "{value}", die es nicht gibt',
  },
  definition_private: {
    en: 'names the private process definition "{value}" of another tenant',
    de: 'nennt die private Prozessdefinition "{value}" eines anderen Mandanten',
  },
  range: { en: 'must be a version range like ^1.2', de: 'muss ein Versionsbereich wie ^1.2 sein' },
  range_unmatched: {
    en: 'matches no published version of "{value}" (published: {versions})',
    de: 'passt zu keiner veröffentlichten Version von "{value}" (veröffentlicht: {versions})',
  },
  param_unknown: {
    en: 'is not a parameter of "{value}" (it has: {allowed})',
    de: 'ist kein Parameter von "{value}" (es gibt: {allowed})',
  },
  param_missing: {
    en: 'must be set: "{value}" declares it required',
    de: 'muss gesetzt sein: "{value}" verlangt ihn',
  },
  adoption_behind: {
    en: 'stays on {value}@{version}: the newest matching version {newest} needs other parameter values (below)',
    de: 'bleibt bei {value}@{version}: die neueste passende Version {newest} braucht andere Parameterwerte (siehe unten)',
  },
  incompatible: {
    en: 'is not compatible with {previous}, so its adopters could not follow it ({detailEn}); publish it as a new major version',
    de: 'ist nicht kompatibel mit {previous}, die Übernehmenden könnten nicht folgen ({detailDe}); bitte als neue Hauptversion veröffentlichen',
  },
  service_twice: {
    en: 'offers the service "{value}" a second time',
    de: 'bietet den Dienst "{value}" ein zweites Mal an',
  },
} as const;

export type DefinitionFaultKey = keyof typeof messages;

/** The fault's message in one language. */
export function definitionFaultMessage(fault: DefinitionFault, locale: 'de' | 'en'): string {
  return fillPlaceholders(messages[fault.key][locale], fault.params);
}

/** `file: path: English / Deutsch`, as the command line and the log print it. */
export function formatDefinitionFault(fault: DefinitionFault): string {
  const where = fault.path ? `${fault.file}: ${fault.path}` : fault.file;
  return `${where}: ${definitionFaultMessage(fault, 'en')} / ${definitionFaultMessage(fault, 'de')}`;
}
