/**
 * The patient of the item on screen, from PDS through `patient.get`: asked once the item
 * has loaded (the item never waits for it), kept while the item is on screen, and provided
 * to the confirmation dialog as one line. A failed call is shown as details that could not
 * be checked, with the sentence saying why: never as a patient that looks checked.
 */
import { computed, provide, ref, shallowRef, watch } from 'vue';
import type { PatientLookup } from '../../../contract';
import { useClient, userMessage } from '../../api/client';
import { formatNhsNumber, nhsDigits } from '../../worklist/patient-text';
import { PATIENT_LINE, patientLine } from '../patient-identity';

const CALL_FAILED =
  "The patient's details could not be checked because the app could not ask PDS, so check the patient's name and date of birth against the referral letter before acting.";

export function usePatient(nhsNumber: () => string | null) {
  const client = useClient();
  const lookup = shallowRef<PatientLookup | null>(null);
  const asked = ref<string | null>(null);

  async function check(formatted: string): Promise<void> {
    const digits = nhsDigits(formatted);
    asked.value = formatted;
    lookup.value = null;
    const unchecked = (message: string, problem: 'invalid' | 'unavailable' = 'unavailable'): PatientLookup => ({
      status: 'unchecked',
      requestedNhsNumber: formatNhsNumber(formatted),
      problem,
      message,
      correlationId: null,
    });
    if (digits === null) {
      lookup.value = unchecked(
        'This NHS number is not ten digits, so it was not looked up in PDS: check it with the referrer before acting.',
        'invalid',
      );
      return;
    }
    let answer: PatientLookup;
    try {
      answer = await client.call('patient.get', { nhsNumber: digits });
    } catch (error) {
      answer = unchecked(userMessage(error, CALL_FAILED));
    }
    // Another item (or a reload with another number) may have been asked for meanwhile.
    if (asked.value === formatted) lookup.value = answer;
  }

  watch(
    nhsNumber,
    (formatted) => {
      if (formatted !== null && formatted !== asked.value) void check(formatted);
    },
    { immediate: true },
  );

  provide(
    PATIENT_LINE,
    computed(() => (asked.value === null ? null : patientLine(asked.value, lookup.value))),
  );

  return { lookup, nhsNumber: asked, recheck: () => (asked.value === null ? Promise.resolve() : check(asked.value)) };
}
