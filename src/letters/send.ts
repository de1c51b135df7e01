import type { Response } from 'express';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A Word document as a download under the given name. */
export function sendDocx(res: Response, buffer: Buffer, fileName: string): void {
  res.type(DOCX);
  res.attachment(fileName);
  res.send(buffer);
}
