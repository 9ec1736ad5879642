import { describe, expect, it } from 'vitest';
import { TriageError } from '../../../renderer/api/client';
import AttachmentViewer from '../../../renderer/viewer/components/AttachmentViewer.vue';
import {
  allByTestId,
  attachment,
  bookedReferral,
  byTestId,
  click,
  fakeReviewClient,
  mountReview,
  need,
  referralScreen,
  until,
  text,
  textFile,
  UBRN,
  cleanUpReviewScreens,
} from './fixtures';

cleanUpReviewScreens();

describe('the referral summary', () => {
  it('shows what e-RS says about the referral', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);

    expect(client.inputs('referral.open')).toEqual([{ ubrn: UBRN }]);
    expect(text('item-heading')).toBe(`Referral ${UBRN}`);
    expect(text('summary-nhs-number')).toBe('999 000 0001');
    expect(text('summary-priority')).toBe('Urgent');
    expect(need('summary-priority').querySelector('.priority-badge')?.getAttribute('data-priority')).toBe('URGENT');
    expect(text('summary-referrer')).toBe('Dr Pat Referrer, organisation A12345');
    expect(text('summary-service')).toBe('Chest Pain Clinic (synthetic)');
    expect(text('summary-specialty')).toBe('Cardiology');
    expect(text('summary-referral-type')).toBe('Booked into a bookable service');
    expect(text('summary-referral-date')).toBe('1 Mar 2025');
    expect(text('summary-days-waiting')).toBe('12 days');
    expect(text('summary-appointment')).toMatch(/^Booked, 10 Apr 2025, \d\d:\d\d, Chest Pain Clinic \(synthetic\)$/);
    expect(text('summary-related')).toBe('1000 0000 0777');
    expect(need('summary-related').querySelector('a')?.getAttribute('href')).toBe('#/referral/100000000777');
  });

  it('says when the referral is shown from the offline copy', async () => {
    const fetchedAt = new Date();
    fetchedAt.setHours(10, 31, 0, 0);
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral(), { stale: true, fetchedAt: fetchedAt.toISOString() }),
    });
    await mountReview(client, `/referral/${UBRN}`);
    expect(text('review-offline')).toContain('Offline: showing the copy saved at 10:31.');
  });

  it('shows the load failure as one sentence, and tries again on request', async () => {
    const client = fakeReviewClient({
      'referral.open': new TriageError({ code: 'ERS_503', message: 'e-RS is not answering. Try again in a few minutes.' }),
    });
    await mountReview(client, `/referral/${UBRN}`);
    expect(text('review-error')).toContain('e-RS is not answering. Try again in a few minutes.');
    expect(need('review-error').getAttribute('role')).toBe('alert');
    expect(byTestId('review-summary')).toBeNull();

    client.handlers['referral.open'] = referralScreen(bookedReferral());
    await click('review-retry');
    expect(byTestId('review-error')).toBeNull();
    expect(text('summary-nhs-number')).toBe('999 000 0001');
  });
});

describe('the attachments and the viewer', () => {
  it('lists the clinical information and every attachment, and shows the letter first', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    const items = allByTestId('attachment-item');
    expect(items.map((i) => i.querySelector('.review-attachment__name')?.textContent)).toEqual([
      'Clinical information summary',
      'Referral letter 1.txt',
      'Blood results.txt',
    ]);
    expect(items[1]?.getAttribute('aria-current')).toBe('true');
    expect(text('viewer-title')).toBe('Referral letter 1.txt');
    await until(() => expect(text('text-content')).toBe('Synthetic letter text for att-1.'));
    expect(client.inputs('referral.attachment')).toEqual([{ ubrn: UBRN, attachmentId: 'att-1' }]);
  });

  it('shows the chosen attachment, and the clinical information summary from A007', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`);
    await click(allByTestId('attachment-item')[2] as HTMLElement);
    expect(text('viewer-title')).toBe('Blood results.txt');
    await until(() => expect(text('text-content')).toBe('Synthetic letter text for att-2.'));

    await click(allByTestId('attachment-item')[0] as HTMLElement);
    expect(client.inputs('referral.clinicalInfo')).toEqual([{ ubrn: UBRN }]);
    await until(() => expect(text('text-content')).toBe('Synthetic clinical information summary.'));

    // Coming back to a letter already fetched does not fetch it again.
    await click(allByTestId('attachment-item')[1] as HTMLElement);
    expect(client.inputs('referral.attachment')).toHaveLength(2);
    await until(() => expect(text('text-content')).toBe('Synthetic letter text for att-1.'));
  });

  it("shows an unavailable or quarantined attachment as such, with e-RS's reason, and never asks for it", async () => {
    const referral = bookedReferral(UBRN, {
      attachments: [
        attachment(1),
        attachment(2, {
          title: 'Scan.pdf',
          contentType: 'application/pdf',
          availability: 'THREATS_FOUND',
          available: false,
          unavailableReason: 'e-RS found a threat in this file and quarantined it.',
        }),
        attachment(3, {
          title: 'New.pdf',
          contentType: 'application/pdf',
          availability: 'PENDING',
          available: false,
          unavailableReason: null,
        }),
      ],
    });
    const client = fakeReviewClient({ 'referral.open': referralScreen(referral) });
    await mountReview(client, `/referral/${UBRN}`);
    const items = allByTestId('attachment-item');
    expect(items[2]?.getAttribute('data-available')).toBe('false');
    expect(items[2]?.querySelector('[data-testid="attachment-status"]')?.textContent).toBe('Quarantined');
    expect(items[3]?.querySelector('[data-testid="attachment-status"]')?.textContent).toBe('Not available yet');

    await click(items[2] as HTMLElement);
    expect(text('viewer-unavailable')).toBe('Quarantined. e-RS found a threat in this file and quarantined it.');
    await click(allByTestId('attachment-item')[3] as HTMLElement);
    expect(text('viewer-unavailable')).toContain('e-RS says this file cannot be opened now.');
    expect(client.inputs('referral.attachment').map((i) => i.attachmentId)).toEqual(['att-1']);
  });

  it('shows a failed file in its place and keeps the rest of the referral usable', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.attachment': ({ attachmentId }) => {
        if (attachmentId === 'att-1')
          throw new TriageError({ code: 'ERS_500', message: 'e-RS could not send this attachment. Try again later.' });
        return textFile('The second file reads fine.');
      },
    });
    await mountReview(client, `/referral/${UBRN}`);
    expect(text('viewer-error')).toContain('e-RS could not send this attachment. Try again later.');
    expect(need('viewer-error').getAttribute('role')).toBe('alert');
    expect(byTestId('decision-accept')).not.toBeNull();
    expect(text('summary-nhs-number')).toBe('999 000 0001');

    await click(allByTestId('attachment-item')[2] as HTMLElement);
    await until(() => expect(text('text-content')).toBe('The second file reads fine.'));
  });

  it('refuses a file whose bytes are not what its type says, in the viewer only', async () => {
    const client = fakeReviewClient({
      'referral.open': referralScreen(bookedReferral()),
      'referral.attachment': {
        kind: 'file',
        contentType: 'image/png',
        fileName: 'photo.png',
        bytes: new TextEncoder().encode('%PDF-1.7 not a picture'),
        stale: false,
      },
    });
    await mountReview(client, `/referral/${UBRN}`);
    expect(text('viewer-failure')).toContain('labelled as a PNG image but its contents are a PDF document');
    expect(byTestId('decision-reject')).not.toBeNull();
  });

  it('shows Word documents converted by the main process, and RTF as text', async () => {
    const referral = bookedReferral(UBRN, {
      attachments: [
        attachment(1, { title: 'Letter.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }),
        attachment(2, { title: 'Notes.rtf', contentType: 'text/rtf' }),
      ],
    });
    const client = fakeReviewClient({
      'referral.open': referralScreen(referral),
      'referral.attachment': ({ attachmentId }) =>
        attachmentId === 'att-1'
          ? {
              kind: 'document',
              contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
              fileName: 'Letter.docx',
              document: {
                blocks: [{ type: 'paragraph', runs: [{ text: 'Converted synthetic letter.', bold: false, italic: false }] }],
                removed: { images: 0, links: 1, objects: 0, truncated: false },
              },
              stale: true,
            }
          : {
              kind: 'text',
              contentType: 'text/rtf',
              fileName: 'Notes.rtf',
              text: 'Plain synthetic notes.',
              removedObjects: 2,
              stale: false,
            },
    });
    await mountReview(client, `/referral/${UBRN}`);
    await until(() => expect(text('rich-document-viewer')).toContain('Converted synthetic letter.'));
    expect(text('viewer-stale')).toBe('Shown from the copy saved for offline use.');

    await click(allByTestId('attachment-item')[2] as HTMLElement);
    await until(() => expect(text('text-content')).toBe('Plain synthetic notes.'));
    expect(text('viewer-removed')).toBe('For safety, this view leaves out 2 embedded objects.');
  });

  it('offers a type the viewer cannot show to another application, only after a warning', async () => {
    const referral = bookedReferral(UBRN, {
      attachments: [attachment(1), attachment(5, { title: 'Echo.dcm', contentType: 'application/dicom' })],
    });
    const client = fakeReviewClient({ 'referral.open': referralScreen(referral), 'attachment.openExternally': { fileName: 'Echo.dcm' } });
    await mountReview(client, `/referral/${UBRN}`);
    await click(allByTestId('attachment-item')[2] as HTMLElement);
    expect(text('viewer-external')).toContain('The app cannot show this type of file (DICOM image).');
    expect(client.inputs('referral.attachment').map((i) => i.attachmentId)).toEqual(['att-1']);

    const button = need('open-externally');
    button.focus();
    await click(button);
    expect(text('external-dialog')).toContain('Files opened outside the app are not checked or controlled by it.');
    expect(client.inputs('attachment.openExternally')).toEqual([]);
    expect(document.activeElement).toBe(need('external-cancel'));

    await click('external-cancel');
    expect(byTestId('external-dialog')).toBeNull();
    expect(document.activeElement).toBe(need('open-externally'));
    expect(client.inputs('attachment.openExternally')).toEqual([]);

    await click('open-externally');
    await click('external-confirm');
    expect(client.inputs('attachment.openExternally')).toEqual([{ source: 'referral', ubrn: UBRN, attachmentId: 'att-5' }]);
    expect(text('external-result')).toBe('Echo.dcm was opened with another application.');
  });
});

describe('a link activated inside a document', () => {
  it('asks first, shows where it goes, copies the address only when asked, and never navigates', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    const mounted = await mountReview(client, `/referral/${UBRN}`);
    const before = window.location.href;
    const viewer = mounted.wrapper.findComponent(AttachmentViewer);
    viewer.vm.$emit('open-link', 'https://example.org/synthetic-leaflet');

    const dialog = await until(() => need('link-dialog'));
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(need<HTMLInputElement>('link-url').value).toBe('https://example.org/synthetic-leaflet');
    await until(() => expect(document.activeElement).toBe(need('link-copy')));

    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (value: string) => void copied.push(value) },
      configurable: true,
    });
    await click('link-copy');
    expect(copied).toEqual(['https://example.org/synthetic-leaflet']);
    expect(text('link-result')).toBe('Address copied. Paste it into your browser only if you trust it.');

    await click('link-cancel');
    expect(byTestId('link-dialog')).toBeNull();
    expect(window.location.href).toBe(before);
  });
});
