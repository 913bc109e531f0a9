/** Complete answers of reference services, as a citizen gives them, for tests that need a real application. */

const address = { street: 'Rathausplatz', houseNumber: '3', postalCode: '45657', city: 'Recklinghausen' };

export function gewerbe(email: string) {
  return {
    art: 'anmeldung',
    betriebsart: 'hauptniederlassung',
    rechtsform: 'einzelunternehmen',
    registerart: 'keiner',
    betriebsstaette: address,
    email,
    personen: [
      {
        familienname: 'Mustermann',
        vornamen: 'Erika',
        geschlecht: 'w',
        geburtsdatum: '1980-05-17',
        geburtsort: 'Recklinghausen, Deutschland',
        staatsangehoerigkeit: 'deutsch',
        euBuerger: 'ja',
        wohnanschrift: address,
      },
    ],
    anlass: 'neugruendung',
    taetigkeit: 'Einzelhandel mit Büchern',
    beginn: '2026-07-01',
    umfang: 'haupterwerb',
    beschaeftigteVollzeit: 0,
    beschaeftigteTeilzeit: 0,
    erlaubnispflichtig: 'nein',
    handwerk: 'nein',
    versicherung: true,
  };
}

export function hundesteuer(email: string) {
  return {
    art: 'anmeldung',
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: { street: 'Markt', houseNumber: '1', postalCode: '52349', city: 'Düren' },
    email,
    hundName: 'Bello',
    rasse: 'Labrador',
    geschlecht: 'ruede',
    wurfdatum: '2024-03-01',
    haltungSeit: '2025-01-15',
    herkunft: 'tierheim',
    vorbesitzer: 'Tierheim Düren',
    weitereHunde: 0,
    gefaehrlich: 'nein',
    befreiung: 'keine',
    lastschrift: 'nein',
    versicherung: true,
  };
}

/** A day `days` from today, as `YYYY-MM-DD`: for fields that take no date in the past. */
const daysAhead = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const gelsenkirchen = { street: 'Ahstraße', houseNumber: '22', postalCode: '45879', city: 'Gelsenkirchen' };
const dueren = { street: 'Markt', houseNumber: '1', postalCode: '52349', city: 'Düren' };
const dortmund = { street: 'Friedensplatz', houseNumber: '1', postalCode: '44135', city: 'Dortmund' };
const duisburg = { street: 'Burgplatz', houseNumber: '19', postalCode: '47051', city: 'Duisburg' };

/** Gelsenkirchen: a permit for the citizen's own car in zone Altstadt; the registration certificate is a file. */
export function bewohnerparkausweis(email: string) {
  return {
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: gelsenkirchen,
    email,
    telefon: '0209 1234567',
    kennzeichen: 'GE-EM 1980',
    halter: 'eigen',
    zone: 'Altstadt',
    versicherung: true,
    datenschutz: true,
  };
}

/** Düren: a new residual waste bin for a house the applicant owns. */
export function abfallbehaelter(email: string) {
  return {
    art: 'bestellen',
    wunschtermin: daysAhead(30),
    grundstueckAnschrift: dueren,
    bewohner: 3,
    rolle: 'eigentuemer',
    vorname: 'Erika',
    nachname: 'Mustermann',
    anschrift: dueren,
    email,
    behaelter: [{ abfallart: 'restmuell', groesse: '120', anzahl: 1 }],
    versicherung: true,
  };
}

/** Dortmund: the special transport service for a wheelchair user (mark aG); card and income proof are files. */
export function fahrdienst(email: string) {
  return {
    antragFuer: 'selbst',
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1950-02-11',
    anschrift: dortmund,
    telefon: '0231 5012345',
    email,
    merkzeichen: ['aG'],
    gdb: 100,
    rollstuhl: 'faltrollstuhl',
    kfz: 'nein',
    fahrtenProMonat: 8,
    fahrtzwecke: ['besuche', 'kultur'],
    leistungsbezug: 'keine',
    nettoeinkommen: 1250.5,
    vermoegen: 4000,
    versicherung: true,
    datenweitergabe: true,
  };
}

/** Dortmund: a simple certificate of registration for oneself, as PDF. */
export function meldebescheinigung(email: string) {
  return {
    art: 'einfach',
    fuerWen: 'selbst',
    verwendungszweck: 'Vorlage beim Arbeitgeber',
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: dortmund,
    email,
    zustellart: 'elektronisch',
    versicherung: true,
  };
}

/** Dortmund: a private, simple information from the population register about a former neighbour. */
export function melderegisterauskunft(email: string) {
  return {
    familienname: 'Schmidt',
    vornamen: 'Max',
    geschlecht: 'm',
    geburtsdatum: '1975-09-03',
    gewerblich: 'nein',
    keineWerbung: true,
    antragstellerArt: 'person',
    vornameAntragsteller: 'Erika',
    nachnameAntragsteller: 'Mustermann',
    anschriftAntragsteller: dortmund,
    email,
  };
}

/** Dortmund: a first riding licence plate for one privately kept horse, for this year. */
export function reitkennzeichen(email: string) {
  return {
    antragsart: 'neu',
    reiterart: 'privat',
    jahr: new Date().getFullYear(),
    pferde: [{ pferdName: 'Fritz', standort: 'Reitstall Hohensyburg' }],
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: dortmund,
    email,
    versicherung: true,
  };
}

/** The parts the three certificates of the Standesamt share: the applicant, by post to their own address. */
const urkunde = (email: string) => ({
  urkundenart: 'urkunde',
  anzahl: 1,
  vornameAntragsteller: 'Erika',
  nachnameAntragsteller: 'Mustermann',
  anschriftAntragsteller: duisburg,
  email,
  versandart: 'eigeneAnschrift',
  versicherung: true,
});

/** Duisburg: a marriage certificate for one of the spouses. */
export function eheurkunde(email: string) {
  return {
    ...urkunde(email),
    zweck: 'persoenlich',
    familiennameEhegatte1: 'Mustermann',
    geburtsnameEhegatte1: 'Gabler',
    vornamenEhegatte1: 'Erika',
    geburtsdatumEhegatte1: '1980-05-17',
    familiennameEhegatte2: 'Mustermann',
    vornamenEhegatte2: 'Max',
    geburtsdatumEhegatte2: '1978-11-02',
    datumEheschliessung: '2008-06-14',
    beziehung: 'selbst',
  };
}

/** Duisburg: one's own birth certificate. */
export function geburtsurkunde(email: string) {
  return {
    ...urkunde(email),
    zweck: 'ausweis',
    familienname: 'Mustermann',
    geburtsname: 'Gabler',
    vornamen: 'Erika',
    geburtsdatum: '1980-05-17',
    geburtsort: 'Duisburg',
    beziehung: 'selbst',
  };
}

/** Duisburg: the death certificate of the applicant's husband, for the estate. */
export function sterbeurkunde(email: string) {
  return {
    ...urkunde(email),
    zweck: 'nachlass',
    familienname: 'Mustermann',
    vornamen: 'Max',
    geburtsdatum: '1938-11-02',
    sterbedatum: '2025-12-03',
    sterbeort: 'Duisburg',
    letzteAnschrift: duisburg,
    beziehung: 'ehegatte',
  };
}

/** Duisburg: an adult registers for piano lessons, paid by direct debit. */
export function musikschule(email: string) {
  return {
    art: 'anmeldung',
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    volljaehrig: 'ja',
    anschrift: duisburg,
    email,
    telefon: '0203 2830',
    fach: 'klavier',
    unterrichtsform: 'einzel30',
    vorkenntnisse: 'keine',
    instrument: 'vorhanden',
    wunschbeginn: daysAhead(30),
    wunschtage: ['di', 'do'],
    kontoinhaber: 'Erika Mustermann',
    iban: 'DE89 3704 0044 0532 0130 00',
    sepaMandat: true,
    entgeltordnung: true,
    versicherung: true,
  };
}

/** Duisburg: a parent asks for the school ticket of a pupil in year 8 who lives far from the school. */
export function schuelerfahrtkosten(email: string) {
  const year = new Date().getFullYear();
  return {
    vorname: 'Lena',
    nachname: 'Mustermann',
    geburtsdatum: '2012-08-21',
    wohnanschrift: duisburg,
    schuljahr: `${year}/${String((year + 1) % 100).padStart(2, '0')}`,
    schule: 'Steinbart-Gymnasium',
    schulanschrift: { street: 'Realschulstraße', houseNumber: '45', postalCode: '47051', city: 'Duisburg' },
    schulform: 'gymnasium',
    klasse: 8,
    naechsteSchule: 'ja',
    entfernung: 4.5,
    leistung: 'ticket',
    geschwister: 0,
    sgbXII: 'nein',
    antragsteller: 'eltern',
    elternVorname: 'Erika',
    elternNachname: 'Mustermann',
    email,
    versicherung: true,
  };
}

/** One reference service as a test applies for it: where, with which answers and files, at which level. */
export interface ReferenceService {
  key: string;
  /** A tenant that offers it: the one that wrote the definition. */
  tenant: string;
  answers(email: string): Record<string, unknown>;
  /** Required file fields, uploaded before the answers are saved. */
  files?: { field: string; filename: string }[];
  /** The identity level the definition needs, where it is more than `basic`. */
  level?: 'substantial' | 'high';
}

/** Every reference service of `tenants/<tenant>/processes`, with complete answers. */
export const REFERENCE_SERVICES: ReferenceService[] = [
  {
    key: 'bewohnerparkausweis',
    tenant: 'gelsenkirchen',
    answers: bewohnerparkausweis,
    files: [{ field: 'zulassung', filename: 'zulassungsbescheinigung.pdf' }],
  },
  { key: 'gewerbeanzeige', tenant: 'recklinghausen', answers: gewerbe },
  { key: 'hundesteuer', tenant: 'dueren', answers: hundesteuer },
  { key: 'abfallbehaelter', tenant: 'dueren', answers: abfallbehaelter },
  {
    key: 'fahrdienst',
    tenant: 'dortmund',
    answers: fahrdienst,
    files: [
      { field: 'ausweis', filename: 'schwerbehindertenausweis.pdf' },
      { field: 'einkommensnachweis', filename: 'rentenbescheid.pdf' },
    ],
    level: 'substantial',
  },
  { key: 'meldebescheinigung', tenant: 'dortmund', answers: meldebescheinigung, level: 'high' },
  { key: 'melderegisterauskunft', tenant: 'dortmund', answers: melderegisterauskunft },
  { key: 'reitkennzeichen', tenant: 'dortmund', answers: reitkennzeichen },
  { key: 'eheurkunde', tenant: 'duisburg', answers: eheurkunde },
  { key: 'geburtsurkunde', tenant: 'duisburg', answers: geburtsurkunde },
  { key: 'sterbeurkunde', tenant: 'duisburg', answers: sterbeurkunde },
  { key: 'musikschule', tenant: 'duisburg', answers: musikschule },
  { key: 'schuelerfahrtkosten', tenant: 'duisburg', answers: schuelerfahrtkosten },
];
