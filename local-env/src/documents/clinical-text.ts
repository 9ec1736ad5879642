/**
 * Synthetic clinical writing: the sentences of a GP referral letter, a hospital clinic
 * letter, consultation notes and an advice and guidance conversation, put together from
 * phrase banks by the seed. The aim is text a consultant could triage in a demo (a
 * presenting complaint, its history, medication, examination, results and a clear
 * request), about nobody: every fact is drawn at random.
 */
import { addDays, shortDate, type DocumentContext } from './document-context';
import type { Rng } from './prng';

export interface ResultRow {
  test: string;
  value: string;
  unit: string;
  range: string;
  date: string;
  abnormal: boolean;
}

export interface CaseNotes {
  /** A short phrase for headings and titles: "palpitations". */
  complaint: string;
  /** Routine, urgent or a suspected-cancer (two week wait) referral. */
  urgency: 'routine' | 'urgent' | 'two-week-wait';
  reason: string;
  history: string[];
  pastHistory: string[];
  medication: string[];
  allergies: string[];
  social: string;
  examination: string;
  investigations: string;
  results: ResultRow[];
  impression: string;
  request: string;
}

export interface ConsultationNote {
  date: Date;
  heading: string;
  text: string;
}

export interface AdviceMessage {
  author: string;
  role: 'requester' | 'provider';
  date: Date;
  text: string;
}

interface LabTest {
  name: string;
  unit: string;
  low: number;
  high: number;
  decimals: number;
}

const TESTS = {
  hb: { name: 'Haemoglobin', unit: 'g/L', low: 120, high: 160, decimals: 0 },
  wcc: { name: 'White cell count', unit: '10^9/L', low: 4, high: 11, decimals: 1 },
  plt: { name: 'Platelets', unit: '10^9/L', low: 150, high: 400, decimals: 0 },
  mcv: { name: 'MCV', unit: 'fL', low: 80, high: 100, decimals: 0 },
  na: { name: 'Sodium', unit: 'mmol/L', low: 133, high: 146, decimals: 0 },
  k: { name: 'Potassium', unit: 'mmol/L', low: 3.5, high: 5.3, decimals: 1 },
  creat: { name: 'Creatinine', unit: 'µmol/L', low: 49, high: 90, decimals: 0 },
  egfr: { name: 'eGFR', unit: 'mL/min/1.73m2', low: 60, high: 90, decimals: 0 },
  alt: { name: 'ALT', unit: 'U/L', low: 7, high: 40, decimals: 0 },
  alp: { name: 'Alkaline phosphatase', unit: 'U/L', low: 30, high: 130, decimals: 0 },
  bili: { name: 'Bilirubin', unit: 'µmol/L', low: 0, high: 21, decimals: 0 },
  crp: { name: 'CRP', unit: 'mg/L', low: 0, high: 5, decimals: 0 },
  esr: { name: 'ESR', unit: 'mm/h', low: 1, high: 20, decimals: 0 },
  hba1c: { name: 'HbA1c', unit: 'mmol/mol', low: 20, high: 41, decimals: 0 },
  tsh: { name: 'TSH', unit: 'mU/L', low: 0.3, high: 4.2, decimals: 2 },
  ferritin: { name: 'Ferritin', unit: 'µg/L', low: 30, high: 300, decimals: 0 },
  chol: { name: 'Total cholesterol', unit: 'mmol/L', low: 2.5, high: 5, decimals: 1 },
  psa: { name: 'PSA', unit: 'µg/L', low: 0, high: 4, decimals: 1 },
  ca: { name: 'Adjusted calcium', unit: 'mmol/L', low: 2.2, high: 2.6, decimals: 2 },
  ggt: { name: 'GGT', unit: 'U/L', low: 0, high: 50, decimals: 0 },
  bnp: { name: 'NT-proBNP', unit: 'ng/L', low: 0, high: 400, decimals: 0 },
  rf: { name: 'Rheumatoid factor', unit: 'IU/mL', low: 0, high: 14, decimals: 0 },
  fit: { name: 'FIT (faecal haemoglobin)', unit: 'µg Hb/g', low: 0, high: 10, decimals: 0 },
} as const satisfies Record<string, LabTest>;

type TestKey = keyof typeof TESTS;

interface Presentation {
  specialty: RegExp;
  sex?: 'female' | 'male';
  minAge?: number;
  urgency: CaseNotes['urgency'];
  complaint: string;
  /** Tests on the results table; a range given here makes the result abnormal. */
  results: Partial<Record<TestKey, [number, number] | null>>;
  history: readonly string[];
  negatives: readonly string[];
  examination: readonly string[];
  investigations: readonly string[];
  impression: readonly string[];
  request: readonly string[];
}

/*
 * Placeholders: {he} {He} {his} {His} {him} {noun} {age} {name} {duration} (six-month)
 * {durationWords} (six months) {bp} {hr} {bmi} {sats} {temp} {year} and {r:test} for a
 * value from the results table, so the prose and the table agree.
 */
const PRESENTATIONS: readonly Presentation[] = [
  {
    specialty: /cardio/i,
    urgency: 'routine',
    complaint: 'palpitations',
    results: { hb: null, na: null, k: null, tsh: null, creat: null },
    history: [
      '{He} describes episodes of a fast, irregular heartbeat lasting from a few minutes to about an hour, occurring two or three times a week.',
      'The episodes start suddenly, sometimes at rest in the evening, and settle on their own; {he} has once felt light-headed during one.',
      '{He} has cut down on caffeine without much change in how often the episodes happen.',
      'There has been no syncope, and {he} is able to walk briskly uphill without chest pain.',
      'A recent episode was captured on a smartwatch, which suggested an irregular rhythm at around 140 beats per minute.',
    ],
    negatives: [
      'There is no family history of sudden cardiac death.',
      'There is no history of thyroid disease.',
      'Alcohol intake is modest.',
    ],
    examination: [
      'Pulse {hr} and regular at the time of examination, blood pressure {bp}.',
      'Heart sounds were normal with no murmurs, and the chest was clear.',
      'There was no peripheral oedema.',
    ],
    investigations: [
      'A 12-lead ECG in the surgery showed sinus rhythm with a normal QT interval.',
      'Thyroid function is normal (TSH {r:tsh} mU/L) and the potassium is {r:k} mmol/L.',
    ],
    impression: ['I suspect paroxysmal atrial fibrillation, although a supraventricular tachycardia remains possible.'],
    request: [
      'I would be grateful for your assessment, including ambulatory rhythm monitoring and advice on anticoagulation if atrial fibrillation is confirmed.',
      'Could you advise on the most appropriate rhythm monitoring and whether an echocardiogram is needed before any treatment is started?',
    ],
  },
  {
    specialty: /cardio/i,
    minAge: 35,
    urgency: 'urgent',
    complaint: 'exertional chest pain',
    results: { hb: null, chol: [5.6, 7.8], hba1c: null, creat: null, egfr: null },
    history: [
      '{He} gives a {duration} history of central chest tightness brought on by walking uphill or in the cold, relieved within five minutes by rest.',
      'The discomfort sometimes radiates into the left arm and jaw; it has never occurred at rest.',
      'Glyceryl trinitrate spray relieves the pain within a couple of minutes.',
      '{He} has reduced how far {he} walks because of the symptoms, which worry {him}.',
      '{He} is an ex-smoker of about twenty pack-years and has a father who had a myocardial infarction in his fifties.',
    ],
    negatives: ['There has been no pain at rest or on minimal exertion.', 'There is no orthopnoea or ankle swelling.'],
    examination: ['Blood pressure {bp}, pulse {hr} and regular.', 'Heart sounds normal, no added sounds; chest clear.', 'BMI {bmi}.'],
    investigations: ['The resting ECG is normal.', 'Total cholesterol is raised at {r:chol} mmol/L.'],
    impression: ['The history is typical of stable angina.'],
    request: [
      'I have started aspirin, atorvastatin and a GTN spray, and would be grateful for assessment at the rapid access chest pain clinic.',
      'Please assess for stable angina and advise on further investigation; I have started secondary prevention in the meantime.',
    ],
  },
  {
    specialty: /derm|skin/i,
    urgency: 'two-week-wait',
    complaint: 'a changing pigmented lesion',
    results: {},
    history: [
      '{He} noticed that a mole on the {site} has grown and darkened over the last {durationWords}.',
      'The lesion has become itchy and occasionally bleeds when caught on clothing.',
      '{He} has fair skin, burns easily and had several blistering sunburns as a child.',
      '{His} partner first pointed out the change and took photographs, which show the lesion enlarging.',
    ],
    negatives: ['There is no personal history of skin cancer.', 'There are no other lesions of concern.'],
    examination: [
      'On the {site} there is an asymmetrical pigmented lesion measuring about {lesionSize} mm, with an irregular border and two shades of brown.',
      'Dermoscopy shows an atypical pigment network with irregular dots at the periphery.',
      'No palpable regional lymph nodes.',
    ],
    investigations: ['Photographs of the lesion are attached to this referral.'],
    impression: ['This scores 5 on the weighted seven-point checklist and I am concerned about melanoma.'],
    request: ['I am referring under the suspected skin cancer pathway for assessment and excision.'],
  },
  {
    specialty: /derm|skin/i,
    urgency: 'routine',
    complaint: 'psoriasis not responding to topical treatment',
    results: { alt: null, creat: null, hb: null },
    history: [
      '{He} has had plaque psoriasis since {his} twenties, affecting the elbows, knees and scalp.',
      'Over the last {durationWords} the plaques have spread to the trunk, now covering roughly {bsa}% of the body surface.',
      'Potent topical steroids combined with calcipotriol have helped only briefly.',
      'The rash is affecting {his} sleep and confidence, and {he} now avoids swimming.',
    ],
    negatives: ['{He} has no joint pain or swelling to suggest psoriatic arthritis.'],
    examination: ['Well-demarcated erythematous scaly plaques on the trunk, elbows and knees; nail pitting on several fingers.'],
    investigations: ['Liver function and renal function are normal.'],
    impression: ['Moderate to severe chronic plaque psoriasis that has failed topical treatment.'],
    request: ['I would be grateful for your assessment for phototherapy or systemic treatment.'],
  },
  {
    specialty: /gastro|hepat|bowel/i,
    minAge: 40,
    urgency: 'two-week-wait',
    complaint: 'iron deficiency anaemia with a change in bowel habit',
    results: { hb: [88, 109], mcv: [68, 77], ferritin: [3, 12], fit: [25, 160], plt: null, crp: null },
    history: [
      '{He} reports {durationWords} of looser, more frequent stools, now three or four times a day.',
      '{He} has been increasingly tired and breathless on climbing stairs.',
      'There has been some dark blood mixed with the stool on a few occasions.',
      '{He} thinks {he} has lost about {weightLoss} kg in weight without trying.',
    ],
    negatives: ['There is no family history of bowel cancer.', 'There is no dysphagia or upper abdominal pain.'],
    examination: ['{He} looked pale. The abdomen was soft and non-tender with no masses.', 'Rectal examination was normal.'],
    investigations: [
      'Haemoglobin is {r:hb} g/L with an MCV of {r:mcv} fL and a ferritin of {r:ferritin} µg/L.',
      'The FIT result was {r:fit} µg Hb/g.',
    ],
    impression: ['I am concerned about colorectal cancer given the iron deficiency, the positive FIT and the change in bowel habit.'],
    request: ['I am referring under the suspected lower gastrointestinal cancer pathway. I have started oral iron.'],
  },
  {
    specialty: /gastro|hepat|bowel/i,
    urgency: 'routine',
    complaint: 'abnormal liver function tests',
    results: { alt: [78, 190], alp: null, bili: null, ggt: [90, 240], plt: null },
    history: [
      'Routine bloods at {his} annual review showed a raised ALT, which remained raised on repeat three months later.',
      '{He} feels well in {himself} and has no abdominal pain.',
      '{He} drinks around {units} units of alcohol a week and has a BMI of {bmi}.',
      'A liver ultrasound reported a bright, fatty liver with no focal lesion.',
    ],
    negatives: ['{He} has no history of jaundice.', 'There are no risk factors for viral hepatitis.'],
    examination: ['No stigmata of chronic liver disease; the liver edge was not palpable.'],
    investigations: ['ALT {r:alt} U/L and GGT {r:ggt} U/L.', 'Hepatitis B and C serology and a liver autoantibody screen were negative.'],
    impression: ['Probable metabolic dysfunction-associated fatty liver disease; the FIB-4 score is indeterminate.'],
    request: ['Could you advise whether an elastography assessment is needed and on further management?'],
  },
  {
    specialty: /resp|chest|lung|thorac/i,
    urgency: 'routine',
    complaint: 'a persistent cough',
    results: { hb: null, wcc: null, crp: null },
    history: [
      '{He} has had a dry cough for {durationWords}, worse at night and on talking.',
      'A course of inhaled steroids for possible asthma made little difference.',
      'The cough began after a viral illness and has not settled.',
      '{He} has never smoked and has no occupational exposure to dust.',
    ],
    negatives: ['There has been no haemoptysis or weight loss.', 'There is no reflux or nasal drip.'],
    examination: ['Chest clear with good air entry; oxygen saturation {sats}% on air.', 'No clubbing or lymphadenopathy.'],
    investigations: ['A chest X-ray last month was reported as normal.', 'Spirometry was normal with no significant reversibility.'],
    impression: ['A chronic cough with a normal chest X-ray and spirometry.'],
    request: ['I would value your assessment, as the cough is affecting sleep and work.'],
  },
  {
    specialty: /resp|chest|lung|thorac/i,
    minAge: 40,
    urgency: 'urgent',
    complaint: 'increasing breathlessness',
    results: { hb: null, bnp: null, crp: null },
    history: [
      '{He} has become more breathless over {durationWords} and now stops after about a hundred metres on the flat.',
      '{He} smoked twenty cigarettes a day for thirty years and stopped two years ago.',
      'There have been two chest infections treated with antibiotics and prednisolone this winter.',
      '{He} has a morning cough productive of white sputum.',
    ],
    negatives: ['There is no orthopnoea or ankle swelling.', 'There has been no haemoptysis.'],
    examination: ['Prolonged expiration with scattered wheeze; oxygen saturation {sats}% on air.', 'BMI {bmi}.'],
    investigations: [
      'Spirometry: FEV1/FVC ratio 0.58, FEV1 54% predicted, without significant reversibility.',
      'NT-proBNP is {r:bnp} ng/L.',
    ],
    impression: ['COPD with frequent exacerbations despite triple inhaled therapy.'],
    request: ['I would be grateful for your review and advice on pulmonary rehabilitation and further treatment.'],
  },
  {
    specialty: /neuro/i,
    urgency: 'routine',
    complaint: 'headaches',
    results: { hb: null, esr: null, crp: null },
    history: [
      '{He} has had headaches for {durationWords}, now on most days.',
      'They are bilateral, pressing in nature and build through the day; some are accompanied by nausea and sensitivity to light.',
      '{He} has been taking paracetamol or ibuprofen on about fifteen days a month.',
      'A headache diary is attached; it shows headaches on 18 of the last 28 days.',
    ],
    negatives: ['There are no visual symptoms, weakness or numbness.', 'The headaches do not wake {him} from sleep.'],
    examination: ['Neurological examination was normal, including fundoscopy.', 'Blood pressure {bp}.'],
    investigations: ['Routine bloods are normal.'],
    impression: ['Chronic migraine with probable medication overuse headache.'],
    request: ['Could you advise on preventive treatment after two failed preventives, and whether imaging is indicated?'],
  },
  {
    specialty: /neuro/i,
    minAge: 45,
    urgency: 'routine',
    complaint: 'a tremor',
    results: { tsh: null, ca: null },
    history: [
      '{He} has noticed a tremor of the right hand over {durationWords}, most obvious at rest.',
      '{His} handwriting has become smaller and {he} is slower at doing up buttons.',
      '{His} partner says {he} has started to act out {his} dreams at night.',
    ],
    negatives: ['There is no family history of tremor.', 'There have been no falls.'],
    examination: ['A pill-rolling rest tremor of the right hand with mild cogwheel rigidity and reduced arm swing on the right.'],
    investigations: ['Thyroid function is normal (TSH {r:tsh} mU/L).'],
    impression: ["I suspect early Parkinson's disease."],
    request: ['I would be grateful for your assessment and diagnosis; I have not started any treatment.'],
  },
  {
    specialty: /rheum/i,
    urgency: 'urgent',
    complaint: 'an inflammatory polyarthritis',
    results: { crp: [18, 62], esr: [32, 70], rf: [28, 120], hb: null, alt: null, creat: null },
    history: [
      '{He} has had pain and swelling of the small joints of both hands and feet for {durationWords}.',
      'Morning stiffness lasts about two hours.',
      '{He} is finding it hard to grip and has had time off work.',
      'Naproxen has given partial relief.',
    ],
    negatives: ['There is no rash, mouth ulcers or eye symptoms.', 'There is no history of psoriasis.'],
    examination: ['Synovitis of the second and third MCP joints of both hands, with a positive squeeze test across the MTP joints.'],
    investigations: ['CRP {r:crp} mg/L and ESR {r:esr} mm/h; rheumatoid factor is positive at {r:rf} IU/mL.'],
    impression: ['A symmetrical inflammatory polyarthritis, likely rheumatoid arthritis.'],
    request: ['I would be grateful for an early assessment in the inflammatory arthritis clinic.'],
  },
  {
    specialty: /\burolog/i,
    sex: 'male',
    minAge: 50,
    urgency: 'two-week-wait',
    complaint: 'a raised PSA',
    results: { psa: [6.2, 14.5], creat: null, egfr: null },
    history: [
      '{He} has had increasing urinary frequency and nocturia for {durationWords}.',
      'A PSA checked at {his} request was raised and remained raised on repeat.',
      '{His} father was diagnosed with prostate cancer in his seventies.',
    ],
    negatives: ['There is no visible haematuria.', 'There has been no bone pain or weight loss.'],
    examination: ['On digital rectal examination the prostate is moderately enlarged and firm, with a possible nodule on the left.'],
    investigations: ['PSA {r:psa} µg/L (repeat after six weeks).', 'Renal function is normal.'],
    impression: ['A raised PSA with an abnormal prostate on examination.'],
    request: ['I am referring under the suspected urological cancer pathway.'],
  },
  {
    specialty: /\burolog/i,
    urgency: 'routine',
    complaint: 'recurrent urinary tract infections',
    results: { creat: null, egfr: null, wcc: null },
    history: [
      '{He} has had five urine infections in the last year, each confirmed on culture and treated with antibiotics.',
      'Between infections {he} is well, with no incontinence.',
      'A renal ultrasound showed normal kidneys with complete bladder emptying.',
    ],
    negatives: ['There has been no visible haematuria.', 'There are no stones on imaging.'],
    examination: ['The abdomen is soft and non-tender; no palpable bladder.'],
    investigations: ['Renal function is normal (eGFR {r:egfr}).'],
    impression: ['Recurrent lower urinary tract infections with no structural cause found so far.'],
    request: ['Could you advise on prophylaxis and whether cystoscopy is needed?'],
  },
  {
    specialty: /gyn|obstet|women/i,
    sex: 'female',
    minAge: 50,
    urgency: 'two-week-wait',
    complaint: 'postmenopausal bleeding',
    results: { hb: null },
    history: [
      '{He} reached the menopause at 51 and has had two episodes of vaginal bleeding in the last month.',
      '{He} is not taking hormone replacement therapy.',
      'The bleeding was light and painless.',
    ],
    negatives: ['There is no postcoital bleeding.', '{His} cervical screening is up to date and was normal.'],
    examination: ['Speculum examination showed a healthy-looking cervix; no adnexal masses on bimanual examination.'],
    investigations: ['Haemoglobin is {r:hb} g/L.'],
    impression: ['Postmenopausal bleeding requiring assessment.'],
    request: ['I am referring under the suspected gynaecological cancer pathway for ultrasound and assessment.'],
  },
  {
    specialty: /gyn|obstet|women/i,
    sex: 'female',
    urgency: 'routine',
    complaint: 'heavy menstrual bleeding',
    results: { hb: [98, 116], ferritin: [5, 14], tsh: null },
    history: [
      '{He} has very heavy periods with flooding and clots for {durationWords}, needing to change protection every hour on the heaviest days.',
      'The levonorgestrel intrauterine system and tranexamic acid have not helped enough.',
      '{He} has taken time off work because of the bleeding.',
    ],
    negatives: ['There is no intermenstrual or postcoital bleeding.'],
    examination: ['The uterus feels bulky, around twelve weeks in size.'],
    investigations: ['Haemoglobin {r:hb} g/L and ferritin {r:ferritin} µg/L.', 'A pelvic ultrasound suggested two intramural fibroids.'],
    impression: ['Heavy menstrual bleeding, probably due to fibroids, despite first-line treatment.'],
    request: ['I would be grateful for your assessment and discussion of further treatment options.'],
  },
  {
    specialty: /\bent\b|\bear\b|nose|throat|otolaryng/i,
    urgency: 'routine',
    complaint: 'unilateral hearing loss',
    results: {},
    history: [
      '{He} has noticed gradually worsening hearing in the left ear over {durationWords}, with tinnitus on the same side.',
      '{He} has no vertigo and no ear discharge.',
      'The hearing loss came to light when {he} found it hard to use the telephone with the left ear.',
    ],
    negatives: ['There is no facial weakness.', 'There is no history of noise exposure.'],
    examination: ['Both tympanic membranes look normal. Rinne positive on both sides, Weber lateralises to the right.'],
    investigations: ['An audiogram is attached showing an asymmetrical sensorineural loss on the left.'],
    impression: ['Asymmetrical sensorineural hearing loss.'],
    request: ['I would be grateful for your assessment, including whether an MRI of the internal auditory meatus is needed.'],
  },
  {
    specialty: /\bent\b|\bear\b|nose|throat|otolaryng/i,
    minAge: 40,
    urgency: 'two-week-wait',
    complaint: 'persistent hoarseness',
    results: { hb: null },
    history: [
      '{He} has had a hoarse voice for {durationWords} with no improvement.',
      '{He} is a current smoker of fifteen cigarettes a day.',
      '{He} has occasional discomfort on swallowing.',
    ],
    negatives: ['There is no stridor.', 'There is no neck lump.'],
    examination: ['No palpable cervical lymphadenopathy; the oropharynx looks normal.'],
    investigations: ['A chest X-ray was normal.'],
    impression: ['Unexplained persistent hoarseness in a smoker.'],
    request: ['I am referring under the suspected head and neck cancer pathway.'],
  },
  {
    specialty: /orthop|trauma|\bmsk\b|musculo/i,
    minAge: 45,
    urgency: 'routine',
    complaint: 'knee pain',
    results: { crp: null },
    history: [
      '{He} has had pain in the right knee for {durationWords}, worse on stairs and after walking for more than twenty minutes.',
      'The knee swells after activity and {he} has episodes of it giving way.',
      'Physiotherapy, weight loss and regular analgesia have not controlled the pain.',
      'The pain now wakes {him} at night.',
    ],
    negatives: ['There is no history of injury.', 'There are no symptoms in other joints.'],
    examination: ['Small effusion, crepitus and fixed flexion of 10 degrees; medial joint line tenderness.', 'BMI {bmi}.'],
    investigations: ['Weight-bearing X-rays show severe medial compartment osteoarthritis with loss of joint space.'],
    impression: ['Severe osteoarthritis of the right knee, failing conservative management.'],
    request: ['I would be grateful for your assessment with a view to knee replacement; the patient is keen to consider surgery.'],
  },
  {
    specialty: /orthop|trauma|\bmsk\b|musculo/i,
    urgency: 'routine',
    complaint: 'shoulder pain',
    results: {},
    history: [
      '{He} has had pain in the left shoulder for {durationWords}, worse on reaching overhead and lying on that side.',
      'Two steroid injections gave relief for only a few weeks each.',
      'A six-week course of physiotherapy has been completed.',
    ],
    negatives: ['There has been no trauma.', 'There is no neck pain or arm weakness.'],
    examination: ['Painful arc between 70 and 120 degrees with a positive Hawkins test; rotator cuff strength is preserved.'],
    investigations: ['An ultrasound showed subacromial bursitis with a partial-thickness supraspinatus tear.'],
    impression: ['Subacromial pain that has not settled with injections and physiotherapy.'],
    request: ['Could you assess whether a surgical option is appropriate?'],
  },
  {
    specialty: /endo|diabet|metabol|thyroid/i,
    urgency: 'routine',
    complaint: 'poorly controlled type 2 diabetes',
    results: { hba1c: [78, 104], egfr: [48, 75], creat: null, chol: null, alt: null },
    history: [
      '{He} was diagnosed with type 2 diabetes in {year}.',
      'Despite metformin, gliclazide and empagliflozin, {his} HbA1c has risen over the last year.',
      '{He} reports thirst and passing urine at night.',
      '{He} has seen the practice dietitian and has been attending the structured education programme.',
    ],
    negatives: ['There have been no hypoglycaemic episodes.', 'There is no retinopathy on the last screening.'],
    examination: ['BMI {bmi}, blood pressure {bp}.', 'Foot pulses are present with normal sensation.'],
    investigations: ['HbA1c {r:hba1c} mmol/mol, eGFR {r:egfr}.'],
    impression: ['Type 2 diabetes with worsening control on three oral agents.'],
    request: ['Could you advise on starting injectable therapy, and whether a GLP-1 receptor agonist or insulin would be better?'],
  },
  {
    specialty: /endo|diabet|metabol|thyroid/i,
    urgency: 'routine',
    complaint: 'hypercalcaemia',
    results: { ca: [2.71, 2.95], creat: null, egfr: null, alp: null },
    history: [
      'A raised calcium was found on bloods taken for tiredness.',
      '{He} has mild constipation and some aches in the joints.',
      '{He} had a kidney stone in {year}.',
    ],
    negatives: ['There is no weight loss.', '{He} is not taking calcium or vitamin D supplements.'],
    examination: ['Examination was unremarkable.'],
    investigations: ['Adjusted calcium {r:ca} mmol/L, with an inappropriately normal parathyroid hormone.'],
    impression: ['Probable primary hyperparathyroidism.'],
    request: ['I would be grateful for your assessment and advice on imaging and whether surgery is indicated.'],
  },
  {
    specialty: /ophth|\beyes?\b/i,
    minAge: 55,
    urgency: 'routine',
    complaint: 'gradual loss of vision',
    results: {},
    history: [
      '{He} has noticed blurred vision in both eyes over {durationWords}, worse on the right.',
      '{He} struggles with glare when driving at night.',
      'The optometrist found cataracts in both eyes, visual acuity 6/18 on the right and 6/12 on the left.',
    ],
    negatives: ['There is no pain or redness.', 'There is no distortion of straight lines.'],
    examination: ['The optometry report is attached.'],
    investigations: ['No other eye disease was found by the optometrist.'],
    impression: ['Bilateral cataracts affecting daily life.'],
    request: ['I would be grateful for assessment for cataract surgery, starting with the right eye.'],
  },
  {
    specialty: /general surg|surgery general|hernia|colorectal|upper gi/i,
    urgency: 'routine',
    complaint: 'an inguinal hernia',
    results: {},
    history: [
      '{He} has noticed a lump in the right groin for {durationWords}, which appears on standing and goes on lying down.',
      'It aches after a day at work and when lifting.',
      'The lump has never become stuck or painful.',
    ],
    negatives: ['There have been no episodes of vomiting or bowel obstruction.'],
    examination: ['A reducible right inguinal hernia with a cough impulse; no hernia on the left.'],
    investigations: ['No imaging has been done.'],
    impression: ['A symptomatic reducible right inguinal hernia.'],
    request: ['I would be grateful for your assessment with a view to repair.'],
  },
  {
    specialty: /general surg|surgery general|gall|hepatobiliary|upper gi/i,
    urgency: 'routine',
    complaint: 'gallstones',
    results: { alt: null, alp: null, bili: null },
    history: [
      '{He} has had four attacks of severe upper abdominal pain after fatty meals over {durationWords}, each lasting several hours.',
      'An ultrasound confirmed multiple gallstones with a normal common bile duct.',
      'The pain sometimes spreads to the right shoulder.',
    ],
    negatives: ['There has been no jaundice.', 'There have been no fevers.'],
    examination: ['The abdomen is soft and non-tender between attacks.'],
    investigations: ['Liver function tests are normal.'],
    impression: ['Symptomatic gallstones.'],
    request: ['I would be grateful for your assessment for laparoscopic cholecystectomy.'],
  },
  {
    specialty: /breast/i,
    urgency: 'two-week-wait',
    complaint: 'a breast lump',
    results: {},
    history: [
      '{He} found a lump in the left breast {durationWords} ago.',
      'It has not changed with the menstrual cycle.',
      '{His} maternal aunt had breast cancer at 48.',
    ],
    negatives: ['There is no nipple discharge or skin change.', 'There is no axillary lump.'],
    examination: ['A firm, irregular {lesionSize} mm lump in the upper outer quadrant of the left breast, not fixed to skin.'],
    investigations: ['No imaging has been done.'],
    impression: ['A discrete breast lump.'],
    request: ['I am referring under the suspected breast cancer pathway.'],
  },
  {
    // Any specialty: the fallback when a specialty has no presentation of its own.
    specialty: /.*/,
    urgency: 'routine',
    complaint: 'tiredness and weight loss',
    results: { hb: null, crp: null, tsh: null, hba1c: null, ca: null, alt: null },
    history: [
      '{He} has felt tired for {durationWords} and has lost {weightLoss} kg without trying.',
      '{His} appetite is reduced and {he} has night sweats a few times a week.',
      '{He} has had to reduce {his} working hours.',
    ],
    negatives: ['There are no localising symptoms.', 'There is no cough or change in bowel habit.'],
    examination: ['No lymphadenopathy or organomegaly; BMI {bmi}.'],
    investigations: ['A full set of bloods, including thyroid function and HbA1c, is normal.'],
    impression: ['Unexplained weight loss.'],
    request: ['I would be grateful for your assessment.'],
  },
];

const PAST_HISTORY = [
  'Hypertension ({year})',
  'Type 2 diabetes ({year})',
  'Asthma since childhood',
  'Osteoarthritis of both hands',
  'Hypothyroidism ({year})',
  'Depression, in remission',
  'Gastro-oesophageal reflux disease',
  'Hypercholesterolaemia',
  'Migraine',
  'Gout ({year})',
  'Appendicectomy ({year})',
  'Chronic kidney disease stage 3a',
  'Obstructive sleep apnoea on CPAP',
  'Anxiety',
  'Iron deficiency ({year})',
  'Cholecystectomy ({year})',
  'Fractured left wrist ({year})',
  'Carpal tunnel release ({year})',
  'Vitamin D deficiency',
] as const;

const MEDICATION = [
  'Ramipril 5 mg once daily',
  'Amlodipine 5 mg once daily',
  'Atorvastatin 20 mg at night',
  'Metformin 500 mg twice daily',
  'Levothyroxine 75 micrograms once daily',
  'Omeprazole 20 mg once daily',
  'Sertraline 50 mg once daily',
  'Salbutamol 100 micrograms inhaler, two puffs as required',
  'Beclometasone/formoterol 100/6 inhaler, two puffs twice daily',
  'Paracetamol 1 g up to four times daily as required',
  'Bisoprolol 2.5 mg once daily',
  'Lansoprazole 15 mg once daily',
  'Allopurinol 100 mg once daily',
  'Colecalciferol 800 units once daily',
  'Naproxen 500 mg twice daily with food',
  'Sumatriptan 50 mg as required',
  'Mirtazapine 15 mg at night',
  'Indapamide 2.5 mg once daily',
  'Losartan 50 mg once daily',
] as const;

const ALLERGIES = [
  'No known drug allergies',
  'Penicillin (rash)',
  'Codeine (vomiting)',
  'Trimethoprim (rash)',
  'Clarithromycin (diarrhoea)',
  'Elastoplast (skin reaction)',
] as const;
const OCCUPATIONS = [
  'a delivery driver',
  'an accountant',
  'a care worker',
  'a shop manager',
  'a bus driver',
  'a hairdresser',
  'a software developer',
  'a farmer',
  'a school administrator',
  'a nurse',
  'an electrician',
] as const;
const RETIRED = [
  'a retired teacher',
  'a retired engineer',
  'a retired postal worker',
  'a retired nurse',
  'a retired civil servant',
  'a retired builder',
] as const;
const LIVES_WITH = [
  'lives with {his} partner',
  'lives alone',
  'lives with {his} husband',
  'lives with {his} wife',
  'lives with {his} daughter',
  'lives with {his} partner and two teenage children',
] as const;
const SITES = ['upper back', 'left calf', 'right forearm', 'left shoulder', 'right thigh', 'abdomen'] as const;
const DURATIONS: readonly (readonly [string, string])[] = [
  ['six-week', 'six weeks'],
  ['two-month', 'two months'],
  ['three-month', 'three months'],
  ['four-month', 'four months'],
  ['six-month', 'six months'],
  ['nine-month', 'nine months'],
  ['one-year', 'a year'],
  ['eighteen-month', 'eighteen months'],
];
const REASON_OPENERS = [
  'Thank you for seeing {name}, a {age}-year-old {noun}, who presents with {complaint}.',
  'I would be grateful if you could see {name}, a {age}-year-old {noun} with a {duration} history of {complaint}.',
  'Please could you assess {name}, a {age}-year-old {noun} I saw recently with {complaint}.',
  'I am writing to refer {name}, a {age}-year-old {noun}, with {complaint}.',
] as const;
const HISTORY_EXTRAS = [
  '{His} symptoms are affecting {his} work and sleep.',
  '{He} has tried over-the-counter remedies without benefit.',
  '{He} attended with {his} partner, who confirms the history.',
  '{He} is worried about the symptoms and keen to be seen.',
  'I saw {him} twice before deciding to refer, and the symptoms have not settled.',
] as const;
const SOCIAL = [
  '{He} is {occupation} and {livesWith}.',
  '{He} {smoking} and drinks about {units} units of alcohol a week.',
  '{He} drives and is independent with daily activities.',
] as const;
const SMOKING = ['has never smoked', 'is an ex-smoker', 'smokes ten cigarettes a day', 'stopped smoking in {year}'] as const;
const CONSULTATION_KINDS = [
  'Telephone consultation',
  'Face-to-face consultation',
  'Nurse review',
  'Medication review',
  'Online consultation',
] as const;
const CONSULTATION_TEXTS = [
  'Reviewed {complaint}. Symptoms ongoing. Discussed options and safety-netted; to book a follow-up if no better.',
  'Blood pressure {bp}, pulse {hr}. Medication reviewed and continued. Repeat bloods requested.',
  'Chronic disease review. BMI {bmi}. Lifestyle advice given. Annual bloods done.',
  'Seen about {complaint}. Examination as before. Plan: continue current treatment and review in four weeks.',
  'Results discussed by telephone; reassured about normal renal function. Continue current plan.',
  'Vaccination given. No immediate reaction.',
  'Asked for a medication review; no side effects reported. Repeat prescriptions authorised for twelve months.',
  'Attended for a review of {complaint}; not improving. Referral discussed and agreed.',
] as const;

const CLINIC_PLANS = [
  'Repeat blood tests in three months.',
  'Continue current medication.',
  'Review in clinic in four months.',
  'Discharge to GP care if stable.',
  'Request an ultrasound scan.',
  'Refer to the specialist nurse.',
  'Start a trial of the new treatment discussed.',
] as const;

export interface Pronouns {
  he: string;
  his: string;
  him: string;
  himself: string;
  noun: string;
}

export function pronouns(sex: DocumentContext['sex']): Pronouns {
  if (sex === 'female') return { he: 'she', his: 'her', him: 'her', himself: 'herself', noun: 'woman' };
  if (sex === 'male') return { he: 'he', his: 'his', him: 'him', himself: 'himself', noun: 'man' };
  // Singular verbs keep agreeing with "the patient", so one template fits all three.
  return { he: 'the patient', his: 'their', him: 'them', himself: 'themselves', noun: 'adult' };
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function formatValue(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

function choosePresentation(ctx: DocumentContext, rng: Rng): Presentation {
  // e-RS codes and display names both arrive here ("EAR_NOSE_AND_THROAT", "Ear, Nose & Throat").
  const specialty = ctx.specialty.replace(/[^A-Za-z]+/g, ' ');
  const fits = (p: Presentation) =>
    p.specialty.test(specialty) &&
    (p.sex === undefined || ctx.sex === 'unknown' || p.sex === ctx.sex) &&
    (p.minAge === undefined || ctx.age >= p.minAge);
  const own = PRESENTATIONS.filter((p) => fits(p) && p.specialty.source !== '.*');
  // A referral's priority is a fact: its letter tells a story of that urgency where the
  // specialty has one (a two-week wait is a suspected cancer, not a routine complaint).
  const urgent = ctx.urgency;
  const sameUrgency = urgent === null ? [] : own.filter((p) => p.urgency === urgent);
  if (sameUrgency.length > 0) return rng.pick(sameUrgency);
  return own.length > 0 ? rng.pick(own) : (PRESENTATIONS[PRESENTATIONS.length - 1] as Presentation);
}

function buildResults(presentation: Presentation, ctx: DocumentContext, rng: Rng): ResultRow[] {
  const date = shortDate(addDays(ctx.date, -rng.int(5, 40)));
  return (Object.keys(presentation.results) as TestKey[]).map((key) => {
    const test: LabTest = TESTS[key];
    const abnormalRange = presentation.results[key];
    const [low, high] = abnormalRange ?? [test.low + (test.high - test.low) * 0.15, test.high - (test.high - test.low) * 0.15];
    const value = rng.float(low, high);
    return {
      test: test.name,
      value: formatValue(value, test.decimals),
      unit: test.unit,
      range: `${formatValue(test.low, test.decimals)} - ${formatValue(test.high, test.decimals)}`,
      date,
      abnormal: abnormalRange !== undefined && abnormalRange !== null,
    };
  });
}

/** Fills the placeholders of one template; unknown placeholders are left visible so a bad template shows in review. */
export function makeFiller(ctx: DocumentContext, rng: Rng, extra: Record<string, string> = {}): (template: string) => string {
  const p = pronouns(ctx.sex);
  const [duration, durationWords] = rng.pick(DURATIONS);
  const fixed: Record<string, string> = {
    he: p.he,
    He: capitalise(p.he),
    his: p.his,
    His: capitalise(p.his),
    him: p.him,
    himself: p.himself,
    noun: p.noun,
    age: String(ctx.age),
    name: `${ctx.patientGiven} ${ctx.patientFamily}`,
    duration,
    durationWords,
    site: rng.pick(SITES),
    lesionSize: String(rng.int(7, 24)),
    weightLoss: String(rng.int(3, 9)),
    units: String(rng.int(2, 24)),
    bsa: String(rng.int(8, 22)),
    occupation: rng.pick(ctx.age >= 67 ? RETIRED : OCCUPATIONS),
    ...extra,
  };
  const dynamic: Record<string, () => string> = {
    bp: () => `${rng.int(118, 164)}/${rng.int(68, 96)} mmHg`,
    hr: () => String(rng.int(58, 96)),
    bmi: () => rng.float(22, 36).toFixed(1),
    sats: () => String(rng.int(93, 99)),
    temp: () => rng.float(36.2, 37.4).toFixed(1),
    year: () => String(ctx.date.getUTCFullYear() - rng.int(2, 25)),
    livesWith: () => rng.pick(LIVES_WITH),
    smoking: () => rng.pick(SMOKING),
  };
  const fill = (template: string, depth = 0): string =>
    template.replace(/\{([A-Za-z]+(?::[a-z0-9]+)?)\}/g, (whole, key: string) => {
      const value = fixed[key] ?? dynamic[key]?.();
      if (value === undefined) return whole;
      // Some values are templates themselves ("lives with {his} partner").
      return depth < 2 && value.includes('{') ? fill(value, depth + 1) : value;
    });
  return (template) => {
    const filled = fill(template);
    // A sentence that starts with "the patient" needs its capital, and "an 80-year-old" its n.
    return filled
      .replace(/(^|[.!?]\s+)([a-z])/g, (_m, lead: string, letter: string) => lead + letter.toUpperCase())
      .replace(/\b([Aa]) (8\d?|11|18)-year-old/g, '$1n $2-year-old');
  };
}

/** Some of the sentences, kept in the order they were written in, so the story still flows. */
function someInOrder(rng: Rng, items: readonly string[], count: number): string[] {
  const chosen = new Set(rng.sample(items, count));
  return items.filter((item) => chosen.has(item));
}

/** The clinical story of one referral. */
export function composeCase(ctx: DocumentContext, rng: Rng): CaseNotes {
  const presentation = choosePresentation(ctx, rng.fork('presentation'));
  const results = buildResults(presentation, ctx, rng.fork('results'));
  const resultTokens: Record<string, string> = {};
  (Object.keys(presentation.results) as TestKey[]).forEach((key, index) => {
    const row = results[index];
    if (row) resultTokens[`r:${key}`] = row.value;
  });
  const text = rng.fork('text');
  const fill = makeFiller(ctx, text, { complaint: presentation.complaint, ...resultTokens });

  const historyCount = Math.min(presentation.history.length, text.int(2, 4));
  const history = [
    someInOrder(text, presentation.history, historyCount).map(fill).join(' '),
    [...text.sample(presentation.negatives, text.int(1, 2)), ...text.sample(HISTORY_EXTRAS, text.int(0, 1))].map(fill).join(' '),
  ];
  const medicationCount = text.int(1, 6);
  return {
    complaint: presentation.complaint,
    // The referral's own priority where given, whatever story was chosen.
    urgency: ctx.urgency ?? presentation.urgency,
    reason: fill(text.pick(REASON_OPENERS)),
    history,
    pastHistory: text.sample(PAST_HISTORY, text.int(1, 5)).map(fill),
    medication: text.sample(MEDICATION, medicationCount),
    allergies: text.chance(0.6) ? ['No known drug allergies'] : text.sample(ALLERGIES.slice(1), text.int(1, 2)),
    social: SOCIAL.map(fill).join(' '),
    examination: someInOrder(text, presentation.examination, Math.min(presentation.examination.length, text.int(1, 3)))
      .map(fill)
      .join(' '),
    investigations: presentation.investigations.map(fill).join(' '),
    results,
    impression: fill(text.pick(presentation.impression)),
    request: fill(text.pick(presentation.request)),
  };
}

/**
 * An endless run of earlier consultation notes, newest first, for the summary a GP
 * system appends to a referral letter; callers take as many as fill their pages.
 */
export function* consultationHistory(ctx: DocumentContext, notes: CaseNotes, rng: Rng): Generator<ConsultationNote> {
  let date = ctx.date;
  for (let index = 0; ; index++) {
    const stream = rng.fork(`consultation-${index}`);
    date = addDays(date, -stream.int(6, 75));
    const fill = makeFiller(ctx, stream, { complaint: notes.complaint });
    const clinician = stream.chance(0.6)
      ? ctx.referrer
      : stream.pick(['Practice nurse', 'Clinical pharmacist', 'Dr (locum)', 'Advanced nurse practitioner']);
    const sentences = stream.sample(CONSULTATION_TEXTS, stream.int(1, 2)).map(fill);
    yield { date, heading: `${shortDate(date)} - ${stream.pick(CONSULTATION_KINDS)} (${clinician})`, text: sentences.join(' ') };
  }
}

/** The paragraphs of an earlier hospital clinic letter, as found in a scanned enclosure. */
export function clinicLetterParagraphs(ctx: DocumentContext, rng: Rng): string[] {
  const complaint = choosePresentation(ctx, rng).complaint;
  const fill = makeFiller(ctx, rng, { complaint });
  const consultant = `Dr ${rng.pick(['R', 'S', 'A', 'J', 'M', 'K'])} ${rng.pick(['Hartley', 'Osei', 'Nwosu', 'Fraser', 'Lindqvist', 'Bhatt', 'Morgan'])}`;
  const medication = rng.sample(MEDICATION, rng.int(1, 4));
  return [
    `Diagnosis: ${capitalise(complaint)}`,
    `Medication: ${medication.join('; ')}`,
    `Plan: ${rng.sample(CLINIC_PLANS, 2).join(' ')}`,
    `Dear ${ctx.referrer},`,
    fill('I reviewed {name} in the clinic today. {He} was seen about {complaint}.'),
    fill('{He} reports that things are much the same since we last met. Examination today: blood pressure {bp}, pulse {hr}, BMI {bmi}.'),
    fill('I have arranged further blood tests and will write again with the results. I have not made any changes to {his} medication.'),
    fill('I have explained the plan and {he} is happy with it. I will see {him} again in the clinic in about four months.'),
    'Yours sincerely,',
    `${consultant}, Consultant`,
  ];
}

/** The messages of an advice and guidance conversation: a question, the consultant's answer, and sometimes a follow-up. */
export function adviceConversation(ctx: DocumentContext, notes: CaseNotes, rng: Rng): AdviceMessage[] {
  const fill = makeFiller(ctx, rng, { complaint: notes.complaint });
  const consultant = `Dr ${rng.pick(['Rachel', 'Samuel', 'Adaeze', 'Jonathan', 'Meera'])} ${rng.pick(['Hartley', 'Osei', 'Nwosu', 'Fraser', 'Bhatt'])}`;
  let date = ctx.date;
  const later = () => (date = addDays(date, rng.int(1, 6)));
  const messages: AdviceMessage[] = [
    {
      author: ctx.referrer,
      role: 'requester',
      date,
      text: `${fill('I would value your advice about {name}, a {age}-year-old {noun} with {complaint}.')} ${notes.history[0] ?? ''} ${notes.request}`,
    },
    {
      author: consultant,
      role: 'provider',
      date: later(),
      text: fill(
        rng.pick([
          'Thank you for your question. From what you describe this can be managed in primary care for now. I would suggest repeating the bloods in six weeks and reviewing the medication; if things are no better, please convert this request to a referral.',
          'Thank you. I agree with your working diagnosis. Please could you arrange the investigations listed below before we see {him}; I am happy for this to be converted to a referral once the results are back.',
          'Thank you for the clear summary. This needs to be seen in the clinic, and I have asked for it to be converted to a referral. In the meantime please start the treatment we discussed and safety-net {him} for worsening symptoms.',
        ]),
      ),
    },
  ];
  if (rng.chance(0.6)) {
    messages.push({
      author: ctx.referrer,
      role: 'requester',
      date: later(),
      text: fill('Thank you. The repeat bloods are attached; {he} is no better, so I would be grateful if you could see {him}.'),
    });
    messages.push({
      author: consultant,
      role: 'provider',
      date: later(),
      text: 'Thank you, I have reviewed the results and will convert this to a referral for the clinic.',
    });
  }
  return messages;
}

/** A laboratory report's rows: mostly normal values, now and then one flagged high or low. */
export function labPanel(ctx: DocumentContext, rng: Rng): ResultRow[] {
  const date = shortDate(addDays(ctx.date, -rng.int(20, 400)));
  const keys = rng.sample(
    (Object.keys(TESTS) as TestKey[]).filter((key) => key !== 'psa' || ctx.sex !== 'female'),
    rng.int(6, 12),
  );
  return keys.map((key) => {
    const test: LabTest = TESTS[key];
    const span = test.high - test.low;
    const abnormal = rng.chance(0.15);
    const value = abnormal
      ? test.low === 0 || rng.chance(0.5)
        ? test.high + span * rng.float(0.1, 0.6)
        : Math.max(0, test.low - span * rng.float(0.05, 0.3))
      : rng.float(test.low + span * 0.1, test.high - span * 0.1);
    return {
      test: test.name,
      value: formatValue(value, test.decimals),
      unit: test.unit,
      range: `${formatValue(test.low, test.decimals)} - ${formatValue(test.high, test.decimals)}`,
      date,
      abnormal,
    };
  });
}
