import JSZip from 'jszip';
import type { Agent } from '../helpers/app.js';
import mammoth from 'mammoth';

/** Opens a .docx as Word would: its text through mammoth, and its raw document and header XML. */
export async function readDocx(buffer: Buffer) {
  const { value: text } = await mammoth.extractRawText({ buffer });
  const zip = await JSZip.loadAsync(buffer);
  const documentXml = await zip.file('word/document.xml')!.async('string');
  const stylesXml = (await zip.file('word/styles.xml')?.async('string')) ?? '';
  const headerFiles = Object.keys(zip.files).filter((name) => /^word\/header\d*\.xml$/.test(name));
  const headersXml = await Promise.all(headerFiles.map((name) => zip.file(name)!.async('string')));
  return { text, lines: text.split('\n').map((l) => l.trim()).filter(Boolean), documentXml, stylesXml, headersXml };
}

function binaryParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Downloads a .docx through the app and opens it; also returns the bytes and the response for its headers. */
export async function docxAt(agent: Agent, url: string) {
  const res = await agent.get(url).buffer(true).parse(binaryParser as never);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  const buffer = res.body as Buffer;
  return { ...(await readDocx(buffer)), buffer, res };
}
