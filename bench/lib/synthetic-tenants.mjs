/**
 * Synthetic municipalities for the catalogue benchmark (bench/catalog.mjs): tenant folders that
 * `tenants sync` accepts, each adopting the shared definitions a demo city adopts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { seeded } from './seeded.mjs';

const require = createRequire(join(ROOT, 'package.json'));

/** The demo city whose adoptions every synthetic municipality copies (with parameters of its own). */
export const REFERENCE_CITY = 'recklinghausen';
/** The one office of a synthetic municipality; every adoption names it. */
const OFFICE = 'rathaus';

const channel = (hex, at) => {
  const c = parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex) => 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
/** WCAG contrast against white, as libs/tenancy checks the primary colour. */
const contrastToWhite = (hex) => 1.05 / (luminance(hex) + 0.05);

function hslHex(h, s, l) {
  const k = (n) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return `#${[f(0), f(8), f(4)]
    .map((x) =>
      Math.round(x * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** A colour of any hue, dark enough for white text (contrast of at least 4.5, with a margin). */
function primaryColour(random) {
  const h = random() * 360;
  const s = 0.4 + random() * 0.5;
  for (let l = 0.2 + random() * 0.2; l > 0.05; l -= 0.03) {
    const hex = hslHex(h, s, l);
    if (contrastToWhite(hex) >= 5) return hex;
  }
  return '#1a1a1a';
}

const PREFIXES = ['Alt', 'Neu', 'Ober', 'Nieder', 'Groß', 'Klein', 'Hohen', 'Bad ', 'Sankt ', 'Unter', 'Wald', 'Hoch'];
const STEMS = ['bach', 'berg', 'burg', 'feld', 'hagen', 'heim', 'hof', 'kirch', 'lind', 'mühl', 'rod', 'stein', 'wies'];
const ENDINGS = ['', 'en', 'ingen', 'hausen', 'dorf', 'stadt', 'au', 'rode', 'stedt', 'see'];
const LANDS = ['01', '02', '03', '04', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16'];

function townName(i) {
  const prefix = PREFIXES[i % PREFIXES.length];
  let stem = STEMS[Math.floor(i / PREFIXES.length) % STEMS.length];
  if (prefix.endsWith(' ')) stem = stem[0].toUpperCase() + stem.slice(1);
  return prefix + stem + ENDINGS[Math.floor(i / (PREFIXES.length * STEMS.length)) % ENDINGS.length];
}

/** The parameter declarations of the version a range picks, from `tenants/<owner>/processes/<key>/`. */
function declaredParameters(tenantsDir, ref, range) {
  const { parse } = require('yaml');
  const { maxSatisfying } = require('semver');
  const [owner, key] = ref.split('/');
  const dir = join(tenantsDir, owner, 'processes', key);
  if (!existsSync(dir)) return {};
  const versions = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length));
  const chosen = maxSatisfying(versions, range);
  return chosen ? (parse(readFileSync(join(dir, `${chosen}.yaml`), 'utf8')).parameters ?? {}) : {};
}

/** A parameter value like the reference city's, varied per tenant within what the definition allows. */
function vary(name, reference, declared, random, postalCodes) {
  switch (declared?.type) {
    case 'office':
      return OFFICE;
    case 'money': {
      const base = typeof reference === 'number' ? reference : (declared.default ?? 10);
      const min = declared.min ?? 0;
      const max = declared.max ?? 1_000_000;
      const cents = Math.round(base * (0.8 + 0.4 * random()) * 100);
      return Math.min(max, Math.max(min, cents / 100));
    }
    case 'enum': {
      const choices = declared.options ?? [];
      return choices.length ? choices[Math.floor(random() * choices.length)].value : reference;
    }
    case 'duration':
      return ['P6M', 'P1Y', 'P2Y'][Math.floor(random() * 3)];
    case 'list':
      return /postal/i.test(name)
        ? postalCodes
        : Array.from({ length: 1 + Math.floor(random() * 6) }, (_, z) => `Zone ${String.fromCharCode(65 + z)}`);
    default:
      return reference;
  }
}

/**
 * Writes N synthetic municipalities below `dir`: slug `gemeinde-00001`…, a unique AGS (half in NRW,
 * `05…`, the rest spread over the other Länder), locales, a primary colour with enough contrast,
 * one office, and the adoptions of REFERENCE_CITY with parameters of their own.
 */
export function writeSyntheticTenants(dir, count) {
  const { parse, stringify } = require('yaml');
  const reference = parse(readFileSync(join(dir, REFERENCE_CITY, 'tenant.yaml'), 'utf8'));
  if (!Array.isArray(reference.services) || reference.services.length === 0) {
    throw new Error(`tenants/${REFERENCE_CITY}/tenant.yaml adopts no services: nothing to copy`);
  }
  const declared = reference.services.map((s) => declaredParameters(dir, s.definition, s.version));
  const taken = new Set(
    readdirSync(dir)
      .filter((slug) => existsSync(join(dir, slug, 'tenant.yaml')))
      .map((slug) => parse(readFileSync(join(dir, slug, 'tenant.yaml'), 'utf8')).ags)
      .filter(Boolean),
  );
  const perLand = new Map();
  const slugs = [];
  for (let i = 1; i <= count; i++) {
    const random = seeded(i);
    const slug = `gemeinde-${String(i).padStart(5, '0')}`;
    const town = townName(i);
    // AGS: Land, Regierungsbezirk 9 (then 8, …), a Kreis from 50 on and the municipality; never one of the demo tenants'.
    const land = i % 2 === 1 ? '05' : LANDS[Math.floor(i / 2) % LANDS.length];
    let ags;
    do {
      const n = perLand.get(land) ?? 0;
      perLand.set(land, n + 1);
      // 50 Kreise of 999 per Regierungsbezirk, from 9 down: enough for 100,000 tenants.
      const bezirk = 9 - Math.floor(n / 49_950);
      const kreis = 50 + Math.floor((n % 49_950) / 999);
      ags = `${land}${bezirk}${String(kreis).padStart(2, '0')}${String(1 + (n % 999)).padStart(3, '0')}`;
    } while (taken.has(ags));
    taken.add(ags);
    const postalCodes = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, z) =>
      String(10_000 + ((i * 7 + z * 3_331) % 89_999)).padStart(5, '0'),
    );
    const locales = [['de'], ['de', 'en'], ['de', 'en'], ['de', 'en', 'de-x-ls']][i % 4];
    const address = { street: 'Rathausplatz 1', postalCode: postalCodes[0], city: town };
    const file = {
      slug,
      kind: 'municipality',
      name: `Gemeinde ${town}`,
      shortName: town,
      ags,
      status: 'live',
      domains: [`serviceportal.${slug}.example`],
      postalCodes,
      locales,
      branding: { primaryColor: primaryColour(random), secondaryColor: hslHex(random() * 360, 0.8, 0.55) },
      contact: {
        phone: `+49 ${2000 + (i % 7000)} ${100 + (i % 900)}-0`,
        email: `rathaus@${slug}.example`,
        website: `https://www.${slug}.example`,
      },
      address: { name: `Rathaus ${town}`, ...address },
      offices: [{ id: OFFICE, name: `Bürgerbüro ${town}`, address: { name: `Rathaus ${town}`, ...address } }],
      services: reference.services.map((s, index) => ({
        definition: s.definition,
        version: s.version,
        parameters: Object.fromEntries(
          Object.entries(s.parameters ?? {}).map(([name, value]) => [
            name,
            vary(name, value, declared[index][name], random, postalCodes),
          ]),
        ),
      })),
    };
    mkdirSync(join(dir, slug));
    writeFileSync(join(dir, slug, 'tenant.yaml'), stringify(file));
    slugs.push(slug);
  }
  // The keys a synthetic tenant's list must hold as online services (the key part of each reference).
  return { slugs, keys: reference.services.map((s) => s.definition.split('/')[1]) };
}
