import type { Express } from 'express';
import { agentFor, csrfFrom, type Agent } from '../helpers/app.js';
import * as handling from '../../src/incidents/handling.js';
import { saveLetter } from '../../src/incidents/letter.js';
import { IncidentReportModel, type RemedyKind, type ReportStatus } from '../../src/incidents/model.js';
import { recordExplanation } from '../../src/incidents/due-process.js';
import { vietnamDay } from '../../src/shared/dates.js';
import { asActor, settings, type World } from './world.js';

/** What handlers write that the reporter must never read. */
export const HIDDEN = {
  stepNote: 'Giao công chức Tư pháp xác minh, xem camera',
  findingNote: 'Nội bộ: đã đối chiếu camera, chị Lan thừa nhận',
  remedyNote: 'Nhắc nhở tại cuộc họp giao ban ngày thứ Hai',
  internalNote: 'Ghi chú nội bộ: người phản ánh hay khiếu nại',
  explanation: 'Giải trình: hôm đó tôi bị ốm nên mệt mỏi',
  handlerName: 'Lò Văn Phích',
};

/** A browser that opened the case with its tracking code (POST /tra-cuu), as the citizen does. */
export async function openedByCode(app: Express, code: string): Promise<Agent> {
  const agent = agentFor(app);
  const _csrf = await csrfFrom(agent, '/tra-cuu');
  const res = await agent.post('/tra-cuu').type('form').send({ _csrf, code });
  if (res.status !== 302) throw new Error(`look-up failed: ${res.status}`);
  return agent;
}

export interface Settlement {
  finding?: Extract<ReportStatus, 'SUBSTANTIATED' | 'PARTLY_SUBSTANTIATED' | 'NOT_SUBSTANTIATED'>;
  confirmed?: string[];
  remedies?: RemedyKind[];
  /** For an apology: who the letter is written to, and whether it went out. */
  letter?: { recipientName: string; recipientAddress?: string; sent?: boolean };
  /** The person concerned explains first (the report must be about Lan). */
  explanation?: string;
  /** Stop at the finding (no remedies, not settled). */
  findingOnly?: boolean;
}

/** Walks a case through review, finding and remedies to its settlement, as the head of Thanh Nưa. */
export async function settle(w: World, id: string, s: Settlement = {}): Promise<void> {
  const head = await asActor(w.headA._id);
  const finding = s.finding ?? 'SUBSTANTIATED';
  await handling.transition(head, id, { to: 'UNDER_REVIEW', note: HIDDEN.stepNote }, settings);
  if (s.explanation) await handling.submitExplanation(await asActor(w.lanUser._id), id, s.explanation);
  // A person concerned who did not explain here: the handler records that they declined, so the finding may follow.
  else if ((await IncidentReportModel.findById(id).lean())?.staffId) await recordExplanation(head, id, { channel: 'DECLINED', receivedOn: vietnamDay(), text: '' });
  await handling.transition(head, id, { to: finding, note: HIDDEN.findingNote, confirmedCodes: s.confirmed }, settings);
  if (s.findingOnly) return;
  if (finding === 'NOT_SUBSTANTIATED') return handling.transition(head, id, { to: 'CLOSED', note: HIDDEN.stepNote }, settings);
  for (const kind of s.remedies ?? ['REMINDER_TRAINING']) await handling.addRemedy(head, id, { kind, note: HIDDEN.remedyNote });
  if (s.letter) {
    await saveLetter(head, id, {
      documentNumber: '15/TXL-UBND',
      date: new Date(Date.UTC(2026, 1, 5)),
      salutation: 'Ông',
      recipientName: s.letter.recipientName,
      recipientAddress: s.letter.recipientAddress,
      body: 'Thay mặt UBND xã, chúng tôi thành thật xin lỗi Ông/Bà.',
      signerTitle: 'Chủ tịch',
      signerName: HIDDEN.handlerName,
    });
    if (s.letter.sent === false) return;
    await handling.markLetterSent(head, id, new Date(Date.UTC(2026, 1, 6)));
  }
  await handling.transition(head, id, { to: 'RESOLVED', note: HIDDEN.stepNote }, settings);
}

/** The part of a page inside the section marked with this data attribute. */
export function sectionOf(html: string, marker: string): string {
  const start = html.indexOf(marker);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</section>', start));
}
