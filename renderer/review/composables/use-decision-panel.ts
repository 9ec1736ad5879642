/**
 * What the referral and the A&G decision panels share in their workings (DecisionPanel.vue
 * is what they share on screen): the choice of form and its focus, the draft behind the
 * forms, the confirm-and-send flow, and the draft going once a decision has gone. The
 * forms, their draft fields and the sentences stay with each panel, because they differ.
 */
import { computed, nextTick, ref, type Ref } from 'vue';
import type { ReferralView } from '../../../contract';
import { useClient } from '../../api/client';
import type { DecisionAction, PreparedDecision } from '../prepared-decision';
import { useDecisionFlow, type Finished } from './use-decision-flow';
import { useDraft, type DraftForm } from './use-draft';

export interface FocusableForm {
  focusFirst: () => void;
}

export interface DecisionPanelOptions<C extends DecisionAction> {
  itemId: string;
  /** Which decisions e-RS allows now; a decision without a form (accept) is in here too. */
  allowed: () => Readonly<Partial<Record<DecisionAction, boolean>>>;
  /** The form of each choice, to take focus when it opens. */
  forms: Record<C, Ref<FocusableForm | null>>;
  snapshot: () => DraftForm;
  /** The draft fields the user writes; a draft with none of them filled in is no draft. */
  contentFields: readonly string[];
  restore: (form: DraftForm, savedAt: string) => void;
  /** Said on the conflict panel when e-RS no longer allows the kept decision. */
  blockedText: string;
  version: () => string;
  onConflict: (referral: ReferralView) => void;
  onFinished: (outcome: Finished, decision: PreparedDecision) => void;
}

export function useDecisionPanel<C extends DecisionAction>(options: DecisionPanelOptions<C>) {
  const client = useClient();
  const choice = ref<C | ''>('') as Ref<C | ''>;
  /** A file named in a restored draft: files are not kept in drafts, so the user chooses it again. */
  const restoredFileName = ref<string | null>(null);
  /** Shown once after a draft was put back: when it was saved, and what to check. */
  const restoredNote = ref<string | null>(null);

  const isAllowed = (action: DecisionAction): boolean => options.allowed()[action] === true;
  const isChoice = (action: string | undefined): action is C => action !== undefined && Object.hasOwn(options.forms, action);

  const draft = useDraft({
    client,
    itemId: options.itemId,
    snapshot: options.snapshot,
    isEmpty: (form) => options.contentFields.every((key) => form[key] === '' || form[key] === undefined),
  });

  const flow = useDecisionFlow({
    client,
    version: options.version,
    onConflict: options.onConflict,
    onFinished: async (outcome, decision) => {
      await draft.discard();
      options.onFinished(outcome, decision);
    },
  });

  const blocked = computed(() => {
    const action = flow.conflict.value?.decision.action;
    if (action === undefined) return null;
    return isAllowed(action) ? null : options.blockedText;
  });

  /** Puts back a saved draft and starts keeping one: once, when the panel is on screen. */
  async function begin(): Promise<void> {
    const saved = await draft.load();
    if (saved) options.restore(saved.form, saved.savedAt);
    draft.start();
  }

  /** Restores a draft's choice only where e-RS still allows it. */
  function restoreChoice(decision: string): void {
    if (isChoice(decision) && isAllowed(decision)) choice.value = decision;
  }

  async function open(which: C): Promise<void> {
    if (!isAllowed(which) || flow.conflict.value) return;
    choice.value = which;
    await nextTick();
    options.forms[which].value?.focusFirst();
  }

  /** After a conflict: back to the form of the kept decision, to change it. */
  async function editDecision(beforeOpen?: () => void): Promise<void> {
    const action = flow.conflict.value?.decision.action;
    flow.dropConflict();
    beforeOpen?.();
    if (isChoice(action)) await open(action);
  }

  /** Drops the decision altogether: the choice, the forms (via `clear`) and the draft. */
  async function discardDecision(clear: () => void): Promise<void> {
    flow.dropConflict();
    choice.value = '';
    clear();
    restoredFileName.value = null;
    restoredNote.value = null;
    await draft.discard();
  }

  return {
    client,
    choice,
    restoredFileName,
    restoredNote,
    draft,
    flow,
    blocked,
    begin,
    restoreChoice,
    open,
    editDecision,
    discardDecision,
  };
}
