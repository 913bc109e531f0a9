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
