/**
 * The plumbing every decision form has: its fields written back into the model as a new
 * object (so the draft's deep watch sees each change), the errors of the last check and
 * each field's own, the check before `submit` goes out, and Ctrl+Enter (Cmd+Enter) to
 * check from anywhere in the form.
 */
import { computed, ref, type Ref, type WritableComputedRef } from 'vue';
import type { FieldError } from '../../ui/form-field';
import type { FileChoice, PickedFile } from '../decision-rules';

export function useDecisionForm<F extends object, I>(
  form: Ref<F>,
  ids: I,
  validate: (form: F, ids: I) => FieldError[],
  submitted: () => void,
) {
  const errors = ref<FieldError[]>([]);
  const errorFor = (field: string): string | null => errors.value.find((e) => e.field === field)?.message ?? null;

  function field<K extends keyof F>(key: K): WritableComputedRef<F[K]> {
    return computed({
      get: () => form.value[key],
      set: (value: F[K]) => (form.value = { ...form.value, [key]: value }),
    });
  }

  function submit(): void {
    errors.value = validate(form.value, ids);
    if (errors.value.length === 0) submitted();
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  }

  return { errors, errorFor, field, submit, onKeydown };
}

/** The file and the reason it was refused, as one value for FileField. */
export function fileChoiceOf<F extends { file: PickedFile | null; fileError: string | null }>(
  form: Ref<F>,
): WritableComputedRef<FileChoice> {
  return computed<FileChoice>({
    get: () => ({ file: form.value.file, error: form.value.fileError }),
    set: (choice) => (form.value = { ...form.value, file: choice.file, fileError: choice.error }),
  });
}

/** Focus on a radio group: the chosen option, or the first when none is chosen. */
export function focusRadios(name: string): void {
  document.querySelector<HTMLInputElement>(`input[name="${name}"]:checked, input[name="${name}"]`)?.focus();
}
