/**
 * The facts one document talks about: what the seed generator passed in the spec's
 * context, completed from the seed where it passed nothing, so a document always has a
 * patient, a referrer and a date. Everything here is invented; names are common British
 * names put together at random, addresses are in fictional towns, and telephone numbers
 * are in Ofcom's range reserved for drama (01632 960xxx).
 */
import type { DocumentMessage, DocumentSpec } from './spec';
import type { Rng } from './prng';

export type Sex = 'female' | 'male' | 'unknown';

export interface DocumentContext {
  title: string;
  ubrn: string;
  nhsNumber: string;
  patientName: string;
  /** Given name and family name, split out of patientName for salutations. */
  patientGiven: string;
  patientFamily: string;
  /** Only known when this module chose the name, or the given name is in its lists. */
  sex: Sex;
  age: number;
  dateOfBirth: Date;
  patientAddress: string[];
  specialty: string;
  referrer: string;
  organisation: string;
  organisationAddress: string[];
  organisationPhone: string;
  /** The date the document was written. */
  date: Date;
  /** The referral's priority as the document states it; null when none was given (then the case decides). */
  urgency: 'routine' | 'urgent' | 'two-week-wait' | null;
  /** A summary's date of the referral or request: the given one, else the document's date. */
  referralDate: Date;
  /** An A&G overview's status and conversation, when given. */
  status: string | null;
  messages: DocumentMessage[] | null;
}

const URGENCY = { ROUTINE: 'routine', URGENT: 'urgent', TWO_WEEK_WAIT: 'two-week-wait' } as const;

/** Whole years from a birth date to a day. */
export function ageOn(birth: Date, on: Date): number {
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  if (on.getUTCMonth() < birth.getUTCMonth() || (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate()))
    age -= 1;
  return age;
}

export const FEMALE_NAMES = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Grace',
  'Freya',
  'Sophie',
  'Emily',
  'Margaret',
  'Susan',
  'Patricia',
  'Janet',
  'Helen',
  'Fatima',
  'Priya',
  'Aisha',
  'Chloe',
  'Hannah',
  'Joan',
  'Eileen',
  'Niamh',
  'Zara',
  'Ruth',
  'Beverley',
] as const;
export const MALE_NAMES = [
  'Oliver',
  'George',
  'Harry',
  'Jack',
  'Noah',
  'Arthur',
  'David',
  'John',
  'Michael',
  'Peter',
  'Robert',
  'Graham',
  'Mohammed',
  'Imran',
  'Rajesh',
  'Kwame',
  'Thomas',
  'Daniel',
  'Ian',
  'Colin',
  'Declan',
  'Owen',
  'Samuel',
  'Trevor',
] as const;
export const FAMILY_NAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'Khan',
  'Hughes',
  'Edwards',
  'Green',
  'Hall',
  'Wood',
  'Harris',
  'Lewis',
  'Martin',
  'Jackson',
  'Clarke',
  'Okafor',
  'Begum',
  'Ahmed',
  'Murphy',
  'Kaur',
  'Singh',
  'Mensah',
  'Fletcher',
  'Hartley',
  'Pemberton',
  'Ashworth',
] as const;
const CLINICIAN_GIVEN = [
  'Sarah',
  'James',
  'Anita',
  'Mark',
  'Helen',
  'Chidi',
  'Laura',
  'Rhys',
  'Sunita',
  'Ben',
  'Catherine',
  'Tomasz',
] as const;
const TOWNS = [
  'Riverside',
  'Northgate',
  'Meadowbridge',
  'Ashford Vale',
  'Kingsmere',
  'Little Haversham',
  'Eastwold',
  'Brackenfield',
] as const;
const STREETS = [
  'Mill Lane',
  'Church Street',
  'Station Road',
  'Orchard Close',
  'Victoria Terrace',
  'The Green',
  'Willow Way',
  'High Street',
  'Park Avenue',
  'Cedar Drive',
] as const;
const PRACTICES = [
  'Meadow Lane Surgery',
  'Riverside Medical Centre',
  'Northgate Health Centre',
  'The Old Forge Practice',
  'Kingsmere Family Practice',
  'Brackenfield Surgery',
] as const;
export const SPECIALTIES = [
  'Cardiology',
  'Dermatology',
  'Gastroenterology',
  'Respiratory Medicine',
  'Neurology',
  'Rheumatology',
  'Urology',
  'Gynaecology',
  'Ear, Nose and Throat',
  'Trauma and Orthopaedics',
  'Endocrinology',
  'Ophthalmology',
  'General Surgery',
  'Breast Surgery',
] as const;

/** A valid NHS number (modulus 11) in the 999 range that NHS England keeps for testing. */
export function syntheticNhsNumber(rng: Rng): string {
  for (;;) {
    const digits = [9, 9, 9, ...Array.from({ length: 6 }, () => rng.int(0, 9))];
    const sum = digits.reduce((total, digit, index) => total + digit * (10 - index), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue; // no valid check digit for this stem: draw again
    return [...digits, check === 11 ? 0 : check].join('');
  }
}

/** Shown with spaces the way NHS letters print it: 999 123 4567. */
export function formatNhsNumber(nhsNumber: string): string {
  return /^\d{10}$/.test(nhsNumber) ? `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}` : nhsNumber;
}

/** UBRNs are printed in groups of four, as the e-RS screens show them. */
export function formatUbrn(ubrn: string): string {
  return /^\d{12}$/.test(ubrn) ? `${ubrn.slice(0, 4)} ${ubrn.slice(4, 8)} ${ubrn.slice(8)}` : ubrn;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** 14 March 2025 */
export function longDate(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** 14-Mar-2025, the way e-RS prints dates. */
export function shortDate(date: Date): string {
  return `${String(date.getUTCDate()).padStart(2, '0')}-${MONTHS_SHORT[date.getUTCMonth()]}-${date.getUTCFullYear()}`;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function inferSex(given: string): Sex {
  if ((FEMALE_NAMES as readonly string[]).includes(given)) return 'female';
  if ((MALE_NAMES as readonly string[]).includes(given)) return 'male';
  return 'unknown';
}

/** Splits "Jane SMITH", "SMITH, Jane" or "Mrs Jane Smith" into given and family names. */
function splitName(name: string): { given: string; family: string } {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.includes(',')) {
    const [family = '', given = ''] = trimmed.split(',').map((part) => part.trim());
    return { given: given.split(' ')[0] ?? given, family: titleCase(family) };
  }
  const words = trimmed.split(' ').filter((word) => !/^(mr|mrs|ms|miss|mx|dr)\.?$/i.test(word));
  if (words.length <= 1) return { given: words[0] ?? trimmed, family: words[0] ?? trimmed };
  return { given: words[0] ?? '', family: titleCase(words[words.length - 1] ?? '') };
}

function titleCase(word: string): string {
  return word === word.toUpperCase() ? word.charAt(0) + word.slice(1).toLowerCase() : word;
}

export function syntheticAddress(rng: Rng): string[] {
  const town = rng.pick(TOWNS);
  const postcode = `${town.slice(0, 2).toUpperCase()}${rng.int(1, 19)} ${rng.int(1, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}`;
  return [`${rng.int(1, 148)} ${rng.pick(STREETS)}`, town, postcode];
}

export function syntheticClinician(rng: Rng): string {
  return `Dr ${rng.pick(CLINICIAN_GIVEN)} ${rng.pick(FAMILY_NAMES)}`;
}

export function resolveContext(spec: DocumentSpec, rng: Rng): DocumentContext {
  const given = spec.context ?? {};
  const specialty = given.specialty?.trim() || rng.fork('specialty').pick(SPECIALTIES);
  const people = rng.fork('people');
  // An invented patient fits the specialty: gynaecology letters are not about men.
  const femaleShare = /gyn|obstet|breast|women/i.test(specialty) ? 1 : /urolog|prostat|men's/i.test(specialty) ? 0.2 : 0.5;
  const chosenSex: Sex = people.next() < femaleShare ? 'female' : 'male';
  const chosenName = `${people.pick(chosenSex === 'female' ? FEMALE_NAMES : MALE_NAMES)} ${people.pick(FAMILY_NAMES)}`;
  const patientName = given.patientName?.trim() || chosenName;
  const split = splitName(patientName);
  const sex = given.sex ?? (given.patientName?.trim() ? inferSex(split.given) : chosenSex);

  // The random draws are made whether or not a fact was given, so giving one fact never
  // changes the others a document invents.
  const dates = rng.fork('dates');
  // Letters fall in the eighteen months from June 2024, unless the referral gives the date.
  const inventedDate = addDays(new Date(Date.UTC(2024, 5, 3, 9, 0, 0)), dates.int(0, 540));
  const inventedAge = dates.int(19, 88);
  const inventedBirthOffset = dates.int(10, 350);
  const date = given.date ? new Date(given.date) : inventedDate;
  const dateOfBirth = given.dateOfBirth
    ? new Date(`${given.dateOfBirth.slice(0, 10)}T00:00:00Z`)
    : addDays(date, -(inventedAge * 365.25 + inventedBirthOffset));
  const age = given.dateOfBirth ? ageOn(dateOfBirth, date) : inventedAge;

  const places = rng.fork('places');
  const organisation = given.organisation?.trim() || `${places.pick(PRACTICES)} (synthetic)`;
  const patientAddress = syntheticAddress(places);
  if (given.postcode?.trim()) patientAddress[patientAddress.length - 1] = given.postcode.trim();
  return {
    title: spec.title,
    ubrn: given.ubrn?.trim() || `0000${String(rng.fork('ubrn').int(10_000_000, 99_999_999))}`,
    nhsNumber: given.nhsNumber?.trim() || syntheticNhsNumber(rng.fork('nhs-number')),
    patientName,
    patientGiven: split.given,
    patientFamily: split.family,
    sex,
    age,
    dateOfBirth,
    patientAddress,
    specialty,
    referrer: given.referrer?.trim() || syntheticClinician(people),
    organisation,
    organisationAddress: syntheticAddress(places),
    organisationPhone: `01632 960${String(places.int(0, 999)).padStart(3, '0')}`,
    date,
    urgency: given.priority ? URGENCY[given.priority] : null,
    referralDate: given.referralDate ? new Date(given.referralDate) : date,
    status: given.status?.trim() || null,
    messages: given.messages ?? null,
  };
}
