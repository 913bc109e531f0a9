import { fillPlaceholders } from '@openrathaus/core';

/** One fault in a tenant's configuration: which file, which field, what is wrong. */
export interface TenantFault {
  file: string;
  field: string;
  key: TenantFaultKey;
  params?: Record<string, string | number>;
  /** A ready message from another lib's checks (the catalog's), used instead of the key's. */
  message?: { en: string; de: string };
}

const messages = {
  yaml: { en: 'is not valid YAML: {detail}', de: 'ist kein gültiges YAML: {detail}' },
  missing_file: { en: 'tenant.yaml is missing', de: 'tenant.yaml fehlt' },
  unreadable_file: { en: 'cannot be read ({code})', de: 'kann nicht gelesen werden ({code})' },
  not_object: { en: 'must be a mapping of fields', de: 'muss eine Zuordnung von Feldern sein' },
  unknown_field: { en: 'is not a known field', de: 'ist kein bekanntes Feld' },
  required: { en: 'is required', de: 'ist erforderlich' },
  too_long: { en: 'is too long', de: 'ist zu lang' },
  slug: {
    en: 'must be lower-case letters and digits joined by hyphens',
    de: 'muss aus Kleinbuchstaben und Ziffern bestehen, durch Bindestriche verbunden',
  },
  slug_taken: { en: 'is already used by another tenant', de: 'wird schon von einem anderen Mandanten verwendet' },
  slug_folder: { en: 'must equal the folder name "{folder}"', de: 'muss dem Ordnernamen "{folder}" entsprechen' },
  one_of: { en: 'must be one of: {allowed}', de: 'muss einer dieser Werte sein: {allowed}' },
  ags: {
    en: 'must be an 8-digit Amtlicher Gemeindeschlüssel starting with a Land code 01–16',
    de: 'muss ein 8-stelliger Amtlicher Gemeindeschlüssel mit Landesschlüssel 01–16 sein',
  },
  ags_district: {
    en: "must begin with the district's key {prefix}",
    de: 'muss mit dem Kreisschlüssel {prefix} beginnen',
  },
  ags_district_own: { en: 'of a district must end in 000', de: 'eines Kreises muss auf 000 enden' },
  ags_taken: { en: 'is already used by tenant "{other}"', de: 'wird schon von Mandant "{other}" verwendet' },
  colour: { en: 'must be a colour like #004b93', de: 'muss eine Farbe wie #004b93 sein' },
  contrast: {
    en: 'has a contrast of {ratio}:1 against white text; at least 4.5:1 is needed',
    de: 'hat einen Kontrast von {ratio}:1 zu weißer Schrift; mindestens 4,5:1 sind nötig',
  },
  asset: {
    en: 'must name a picture in assets/ (svg, png, jpg, webp)',
    de: 'muss ein Bild in assets/ nennen (svg, png, jpg, webp)',
  },
  asset_missing: { en: 'names a file that does not exist', de: 'nennt eine Datei, die es nicht gibt' },
  domain: { en: 'must be a host name like service.example.de', de: 'muss ein Hostname wie service.beispiel.de sein' },
  domain_taken: {
    en: 'is claimed by tenant "{other}" too',
    de: 'wird auch von Mandant "{other}" beansprucht',
  },
  postal_code: { en: 'must be five digits', de: 'muss aus fünf Ziffern bestehen' },
  number_prefix: { en: 'must be one to four capital letters', de: 'muss aus ein bis vier Großbuchstaben bestehen' },
  list: { en: 'must be a list', de: 'muss eine Liste sein' },
  unique: { en: 'must not repeat a value', de: 'darf keinen Wert wiederholen' },
  phone: { en: 'must be a phone number', de: 'muss eine Telefonnummer sein' },
  email: { en: 'must be an e-mail address', de: 'muss eine E-Mail-Adresse sein' },
  url: { en: 'must be an http(s) URL', de: 'muss eine http(s)-URL sein' },
  unknown_region: { en: 'names no region tenant "{value}"', de: 'nennt keinen Regions-Mandanten "{value}"' },
  unknown_district: { en: 'names no district tenant "{value}"', de: 'nennt keinen Kreis-Mandanten "{value}"' },
  not_for_kind: { en: 'is not allowed for a {kind}', de: 'ist bei Art {kind} nicht erlaubt' },
  definition_ref: {
    en: 'must name a process definition as owner/key, e.g. gelsenkirchen/bewohnerparkausweis',
    de: 'muss eine Prozessdefinition als Eigentümer/Schlüssel nennen, z. B. gelsenkirchen/bewohnerparkausweis',
  },
  semver_range: { en: 'must be a version range like ^1.2', de: 'muss ein Versionsbereich wie ^1.2 sein' },
  invalid: { en: 'is not valid', de: 'ist ungültig' },
  days: { en: 'must be a whole number of days from 1 to 365', de: 'muss eine ganze Zahl von Tagen von 1 bis 365 sein' },
  uuid: { en: 'must be a UUID', de: 'muss eine UUID sein' },
  date: { en: 'must be a date like 2026-12-31', de: 'muss ein Datum wie 2026-12-31 sein' },
  ca_file: {
    en: 'must name a certificate file in assets/ (.pem or .crt)',
    de: 'muss eine Zertifikatsdatei in assets/ nennen (.pem oder .crt)',
  },
  target_unknown: {
    en: 'names no delivery target "{value}" of this tenant',
    de: 'nennt kein Übergabeziel "{value}" dieses Mandanten',
  },
  https_only: { en: 'must be an https URL in production', de: 'muss im Betrieb eine https-URL sein' },
  internal_host: {
    en: 'names an internal host, which production refuses unless DELIVERY_ALLOW_HOSTS names it',
    de: 'nennt einen internen Host; im Betrieb nur erlaubt, wenn DELIVERY_ALLOW_HOSTS ihn nennt',
  },
  target_taken: {
    en: 'is used by another delivery target too',
    de: 'wird auch von einem anderen Übergabeziel verwendet',
  },
  minutes: {
    en: 'must be a whole number of minutes in range',
    de: 'muss eine ganze Zahl von Minuten im zulässigen Bereich sein',
  },
  minutes_step: { en: 'must be a multiple of {step} minutes', de: 'muss ein Vielfaches von {step} Minuten sein' },
  hours: { en: 'must be times like 08:00-12:30', de: 'muss Zeiten wie 08:00-12:30 nennen' },
  hours_order: {
    en: 'must name times that end after they begin, do not overlap and lie on the {step}-minute grid',
    de: 'muss Zeiten nennen, die nach ihrem Beginn enden, sich nicht überschneiden und im {step}-Minuten-Raster liegen',
  },
  counters: { en: 'must be a whole number from 1 to 50', de: 'muss eine ganze Zahl von 1 bis 50 sein' },
  notice_hours: {
    en: 'must be a whole number of hours from 0 to 168',
    de: 'muss eine ganze Zahl von Stunden von 0 bis 168 sein',
  },
  persons: { en: 'must be a whole number from 1 to 10', de: 'muss eine ganze Zahl von 1 bis 10 sein' },
  date_order: { en: 'must not lie before the first day', de: 'darf nicht vor dem ersten Tag liegen' },
} as const;

export type TenantFaultKey = keyof typeof messages;

export const isTenantFaultKey = (key: string): key is TenantFaultKey => key in messages;

/** The fault's message in one language. */
export function faultMessage(fault: TenantFault, locale: 'de' | 'en'): string {
  return fault.message?.[locale] ?? fillPlaceholders(messages[fault.key][locale], fault.params);
}

/** `file: field: English / Deutsch`, the form the command line and the log use. */
export function formatFault(fault: TenantFault): string {
  return `${fault.file}: ${fault.field}: ${faultMessage(fault, 'en')} / ${faultMessage(fault, 'de')}`;
}
