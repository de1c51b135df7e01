import JSZip from 'jszip';
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
