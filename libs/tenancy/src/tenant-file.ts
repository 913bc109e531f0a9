import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LOCALES } from '@openrathaus/i18n';
import type { Locale } from '@openrathaus/i18n';
import { LocalizedTextInput } from './tenant-text';
import { OfficeCalendar } from './office-calendar';

export { LocalizedTextInput };

export const TENANT_KINDS = ['municipality', 'district', 'region'] as const;
export const TENANT_STATUSES = ['pilot', 'live', 'suspended'] as const;
/** The platform's locales (`de-x-ls` is Leichte Sprache, kept as its own locale). */
export const SUPPORTED_LOCALES = LOCALES;

export type TenantKind = (typeof TENANT_KINDS)[number];
export type TenantStatus = (typeof TENANT_STATUSES)[number];
export type { Locale };

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ASSET = /^assets\/[A-Za-z0-9._-]+\.(svg|png|jpg|jpeg|webp)$/;

export class Branding {
  @Matches(COLOUR, { message: 'colour' })
  primaryColor: string;

  @IsOptional()
  @Matches(COLOUR, { message: 'colour' })
  secondaryColor?: string;

  @IsOptional()
  @Matches(ASSET, { message: 'asset' })
  logo?: string;

  @IsOptional()
  @Matches(ASSET, { message: 'asset' })
  coatOfArms?: string;
}

export class Contact {
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()/-]{5,30}$/, { message: 'phone' })
  phone?: string;

  @IsOptional()
  @IsEmail({}, { message: 'email' })
  email?: string;

  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url' })
  website?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextInput)
  openingHours?: LocalizedTextInput;
}

export class Address {
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'too_long' })
  name?: string;

  @IsString({ message: 'required' })
  @IsNotEmpty({ message: 'required' })
  street: string;

  @Matches(/^\d{5}$/, { message: 'postal_code' })
  postalCode: string;

  @IsString({ message: 'required' })
  @IsNotEmpty({ message: 'required' })
  city: string;
}

/** An office (Amt, Fachbereich) that services name as responsible; referred to by its `id`. */
export class Office {
  @Matches(SLUG, { message: 'slug' })
  id: string;

  @IsString({ message: 'required' })
  @IsNotEmpty({ message: 'required' })
  @MaxLength(200, { message: 'too_long' })
  name: string;

  @ValidateNested()
  @Type(() => Address)
  address: Address;

  @IsOptional()
  @ValidateNested()
  @Type(() => Contact)
  contact?: Contact;

  /** Appointments at this office: services, hours, counters (see docs/appointments.md). */
  @IsOptional()
  @ValidateNested()
  @Type(() => OfficeCalendar)
  appointments?: OfficeCalendar;
}

/**
 * A service the tenant offers by adopting a process definition: `owner/key`, a semver range and
 * values for the parameters the definition declares (checked against the definition by the catalog).
 */
export class ServiceAdoption {
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'definition_ref' })
  definition: string;

  @IsString({ message: 'semver_range' })
  @IsNotEmpty({ message: 'semver_range' })
  version: string;

  @IsOptional()
  @IsObject({ message: 'not_object' })
  parameters?: Record<string, unknown>;
}

/** The kinds of hand-off target a tenant can configure. */
export const DELIVERY_KINDS = ['email', 'webhook', 'fit-connect'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/**
 * One place an application is handed to: an office's mailbox, a specialist software's webhook, a
 * FIT-Connect destination. Secrets are not in the file: they come from the environment variable
 * `DELIVERY_SECRET_<TENANT>_<TARGET>` (upper case, hyphens as underscores).
 */
export class DeliveryTargetConfig {
  @Matches(SLUG, { message: 'slug' })
  id: string;

  @IsIn(DELIVERY_KINDS, { message: 'one_of' })
  kind: DeliveryKind;

  /** email: a fixed address; without it, the responsible office's address, else the tenant's. */
  @IsOptional()
  @IsEmail({}, { message: 'email' })
  email?: string;

  /** webhook: where the signed hand-off is posted. */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'webhook' || t.url !== undefined)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'url' })
  url?: string;

  /** fit-connect: the destination's id (a UUID). */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'fit-connect' || t.destinationId !== undefined)
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'uuid' })
  destinationId?: string;

  /** fit-connect: the Submission API's base URL. */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'fit-connect' || t.submissionUrl !== undefined)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'url' })
  submissionUrl?: string;

  /** fit-connect: the OAuth token endpoint for the client credentials. */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'fit-connect' || t.tokenUrl !== undefined)
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'url' })
  tokenUrl?: string;

  /** fit-connect: the sender's client id (its secret comes from the environment). */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'fit-connect' || t.clientId !== undefined)
  @IsString({ message: 'required' })
  @IsNotEmpty({ message: 'required' })
  @MaxLength(200, { message: 'too_long' })
  clientId?: string;

  /** fit-connect: the certificate authority (PEM file in assets/) that the destination's key must chain to. */
  @ValidateIf((t: DeliveryTargetConfig) => t.kind === 'fit-connect' || t.trustedCa !== undefined)
  @Matches(/^assets\/[A-Za-z0-9._-]+\.(pem|crt)$/, { message: 'ca_file' })
  trustedCa?: string;
}

/**
 * Where applications go after submission: the targets, and which service goes to which
 * (`services: { gewerbeanzeige: gewerbe-software }`). A service not named goes where its
 * definition's `deliver` step says (`email`: to the responsible office).
 */
export class DeliveryConfig {
  @IsOptional()
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => DeliveryTargetConfig)
  targets?: DeliveryTargetConfig[];

  @IsOptional()
  @IsObject({ message: 'not_object' })
  services?: Record<string, string>;
}

/** How far the portal meets BITV 2.0 / WCAG 2.1 AA, as the accessibility statement says. */
export const CONFORMITY = ['full', 'partial', 'none'] as const;
export type Conformity = (typeof CONFORMITY)[number];

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A video in German Sign Language (DGS) on the home page: a file the browser plays, or a page to link. */
export class SignLanguageVideo {
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'url' })
  url: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextInput)
  title?: LocalizedTextInput;
}

/**
 * The tenant's accessibility statement (Erklärung zur Barrierefreiheit) and feedback mechanism;
 * every field has a default, so a portal has a statement from its first day.
 */
export class AccessibilityConfig {
  @IsOptional()
  @IsIn(CONFORMITY, { message: 'one_of' })
  conformity?: Conformity;

  /** When the statement was made or last checked (`YYYY-MM-DD`). */
  @IsOptional()
  @Matches(ISO_DATE, { message: 'date' })
  statementDate?: string;

  /** How it was checked (self-assessment, an external test …). */
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalizedTextInput)
  method?: LocalizedTextInput;

  /** Barriers the tenant knows of, beyond the platform's own. */
  @IsOptional()
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => LocalizedTextInput)
  knownGaps?: LocalizedTextInput[];

  /** Where reports of barriers are mailed; without it, `contact.email`. */
  @IsOptional()
  @IsEmail({}, { message: 'email' })
  feedbackEmail?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SignLanguageVideo)
  signLanguageVideo?: SignLanguageVideo;
}

/** The defaults of {@link Casework}, in days. */
export const CASEWORK_DEFAULTS = { reminderDays: 14, closeDays: 28, overdueDays: 10 } as const;

/**
 * Time limits of the back office, in days: a request for information unanswered after
 * `reminderDays` is reminded of, after `closeDays` closed as rejected; an application waiting in
 * review longer than `overdueDays` is flagged in the inbox.
 */
export class Casework {
  @IsOptional()
  @IsInt({ message: 'days' })
  @Min(1, { message: 'days' })
  @Max(365, { message: 'days' })
  reminderDays?: number;

  @IsOptional()
  @IsInt({ message: 'days' })
  @Min(1, { message: 'days' })
  @Max(365, { message: 'days' })
  closeDays?: number;

  @IsOptional()
  @IsInt({ message: 'days' })
  @Min(1, { message: 'days' })
  @Max(365, { message: 'days' })
  overdueDays?: number;
}

/** The contents of `tenants/<slug>/tenant.yaml`, as `docs/tenant.schema.json` describes them. */
export class TenantFile {
  @Matches(SLUG, { message: 'slug' })
  slug: string;

  @IsIn(TENANT_KINDS, { message: 'one_of' })
  kind: TenantKind;

  @IsString({ message: 'required' })
  @IsNotEmpty({ message: 'required' })
  @MaxLength(200, { message: 'too_long' })
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'too_long' })
  shortName?: string;

  /** Letters before application numbers (`RE-2026-000123`); the vehicle registration code suits. */
  @IsOptional()
  @Matches(/^[A-Z]{1,4}$/, { message: 'number_prefix' })
  numberPrefix?: string;

  @ValidateIf((t: TenantFile) => t.kind !== 'region' || t.ags !== undefined)
  @Matches(/^(0[1-9]|1[0-6])\d{6}$/, { message: 'ags' })
  ags?: string;

  @IsIn(TENANT_STATUSES, { message: 'one_of' })
  status: TenantStatus;

  @IsOptional()
  @Matches(SLUG, { message: 'slug' })
  region?: string;

  @IsOptional()
  @Matches(SLUG, { message: 'slug' })
  district?: string;

  @IsOptional()
  @IsArray({ message: 'list' })
  @ArrayUnique({ message: 'unique' })
  @Matches(DOMAIN, { each: true, message: 'domain' })
  domains?: string[];

  @IsOptional()
  @IsArray({ message: 'list' })
  @ArrayUnique({ message: 'unique' })
  @Matches(/^\d{5}$/, { each: true, message: 'postal_code' })
  postalCodes?: string[];

  @IsArray({ message: 'list' })
  @ArrayMinSize(1, { message: 'required' })
  @ArrayUnique({ message: 'unique' })
  @IsIn(SUPPORTED_LOCALES, { each: true, message: 'one_of' })
  locales: Locale[];

  @ValidateNested()
  @Type(() => Branding)
  branding: Branding;

  @IsOptional()
  @ValidateNested()
  @Type(() => Contact)
  contact?: Contact;

  @IsOptional()
  @ValidateNested()
  @Type(() => Address)
  address?: Address;

  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url' })
  imprintUrl?: string;

  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true }, { message: 'url' })
  privacyUrl?: string;

  @IsOptional()
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => Office)
  offices?: Office[];

  @IsOptional()
  @IsArray({ message: 'list' })
  @ValidateNested({ each: true })
  @Type(() => ServiceAdoption)
  services?: ServiceAdoption[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Casework)
  casework?: Casework;
  @IsOptional()
  @ValidateNested()
  @Type(() => DeliveryConfig)
  delivery?: DeliveryConfig;

  @IsOptional()
  @ValidateNested()
  @Type(() => AccessibilityConfig)
  accessibility?: AccessibilityConfig;
}
