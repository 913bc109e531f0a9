import { applicantAddress, applicantName } from './applicant';

describe("the applicant's name", () => {
  it('comes from the fields the definition names', () => {
    const definition = { applicant: { givenName: 'rufname', familyName: 'familienname' } };
    expect(applicantName(definition, { rufname: ' Erika ', familyname: 'x', familienname: 'Mustermann' })).toBe(
      'Erika Mustermann',
    );
  });

  it('comes from one field where the form does not split it', () => {
    expect(applicantName({ applicant: { name: 'antragsteller' } }, { antragsteller: 'Firma Muster GmbH' })).toBe(
      'Firma Muster GmbH',
    );
  });

  it('falls back to vorname, nachname and name when the definition names nothing', () => {
    expect(applicantName({}, { vorname: 'Max', nachname: 'Muster' })).toBe('Max Muster');
    expect(applicantName({}, { nachname: 'Muster' })).toBe('Muster');
    expect(applicantName({}, { name: 'Max Muster' })).toBe('Max Muster');
  });

  it('does not fall back when the definition names its fields', () => {
    expect(applicantName({ applicant: { givenName: 'rufname' } }, { vorname: 'Max' })).toBe('');
  });

  it('takes texts only', () => {
    expect(applicantName({}, { vorname: ['Max'], nachname: 7 })).toBe('');
  });
});

describe("the applicant's address", () => {
  const definition = { applicant: { address: 'anschrift' } };

  it('is an address field as lines of its parts', () => {
    const anschrift = { street: 'Rathausplatz 1', postalCode: '45657', city: 'Recklinghausen', extra: '' };
    expect(applicantAddress(definition, { anschrift })).toBe('Rathausplatz 1\n45657\nRecklinghausen');
  });

  it('is a text field as it is', () => {
    expect(applicantAddress(definition, { anschrift: ' Markt 2, 46236 Bottrop ' })).toBe('Markt 2, 46236 Bottrop');
  });

  it('is unknown when the definition names no field or the answer is empty', () => {
    expect(applicantAddress({}, { anschrift: 'Markt 2' })).toBeUndefined();
    expect(applicantAddress(definition, { anschrift: '' })).toBeUndefined();
  });
});
