/**
 * Synthetic patients: invented names, NHS numbers from the 999 test range, and postcodes in
 * areas that do not exist (ZX, ZY), so nothing here can be mistaken for a real person.
 */
import { testNhsNumber } from './identifiers';
import { type Patient } from './model';
import { type Prng } from './prng';

const FEMALE = [
  'Ada',
  'Bethan',
  'Chloe',
  'Dalia',
  'Eilidh',
  'Farah',
  'Grace',
  'Hana',
  'Isla',
  'Joy',
  'Kiran',
  'Leila',
  'Maeve',
  'Nia',
  'Olga',
  'Priya',
  'Rhiannon',
  'Sade',
  'Tamsin',
  'Ursula',
  'Violet',
  'Wren',
  'Yasmin',
  'Zofia',
];
const MALE = [
  'Aled',
  'Bilal',
  'Callum',
  'Dev',
  'Emeka',
  'Finlay',
  'Gareth',
  'Hamza',
  'Ivor',
  'Jonah',
  'Kofi',
  'Luca',
  'Marek',
  'Niall',
  'Oscar',
  'Piotr',
  'Rhys',
  'Sanjay',
  'Tariq',
  'Umar',
  'Vikram',
  'Wilf',
  'Yusuf',
  'Zane',
];
const FAMILY = [
  'Abbott',
  'Bhatt',
  'Calloway',
  'Dunmore',
  'Eastwood',
  'Fenwick',
  'Gallagher',
  'Hargreaves',
  'Iqbal',
  'Jessop',
  'Kowalczyk',
  'Lindley',
  'Mbeki',
  'Nakamura',
  'Okafor',
  'Pemberton',
  'Quayle',
  'Rasmussen',
  'Siddiqui',
  'Thackeray',
  'Underwood',
  'Varga',
  'Whitlock',
  'Yardley',
  'Zielinski',
];

function postcode(prng: Prng): string {
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  const area = prng.pick(['ZX', 'ZY']);
  return `${area}${prng.int(1, 29)} ${prng.int(1, 9)}${prng.pick([...letters])}${prng.pick([...letters])}`;
}

export function generatePatients(prng: Prng, count: number, referenceDate: Date): Patient[] {
  const patients: Patient[] = [];
  const seen = new Set<string>();
  while (patients.length < count) {
    const nhsNumber = testNhsNumber(prng);
    if (seen.has(nhsNumber)) continue;
    seen.add(nhsNumber);
    const gender = prng.bool() ? 'female' : 'male';
    const age = prng.int(18, 92);
    const birth = new Date(Date.UTC(referenceDate.getUTCFullYear() - age, prng.int(0, 11), prng.int(1, 28)));
    patients.push({
      nhsNumber,
      givenName: prng.pick(gender === 'female' ? FEMALE : MALE),
      familyName: prng.pick(FAMILY),
      birthDate: birth.toISOString().slice(0, 10),
      gender,
      postcode: postcode(prng),
    });
  }
  return patients;
}
