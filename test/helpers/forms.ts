import { agentFor, login, testApp } from './app.js';

/**
 * The fields a browser would send for the form posting to `action` on a page, as it stands: text, hidden and date
 * inputs, ticked boxes and chosen radios, selected options (or the first), textareas.
 */
export function formFields(html: string, action: string): Record<string, string | string[]> {
  const start = html.search(new RegExp(`<form[^>]*action="${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const old = fields[name];
    fields[name] = old === undefined ? value : Array.isArray(old) ? [...old, value] : [old, value];
  };
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const unescape = (s: string) => s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') ?? 'text';
    if (!name || ['submit', 'button', 'file'].includes(type)) continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    add(name, unescape(attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : '')));
  }
  for (const [, open, body] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(open!, 'name');
    if (!name) continue;
    const options = [...body!.matchAll(/<option\b([^>]*)>/g)].map((m) => m[1]!);
    const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options[0];
    if (chosen !== undefined) add(name, unescape(attr(chosen, 'value') ?? ''));
  }
  for (const [, open, body] of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(open!, 'name');
    if (name) add(name, unescape(body!));
  }
  return fields;
}

/**
 * Ten browsers of one user load a page, then all send its form at once — each from the same version, with its own
 * change to the fields — as colleagues saving the same record do.
 */
export async function tenAtOnce(username: string, page: string, action: string, change: (i: number) => Record<string, string | string[]>) {
  const app = testApp();
  const agents = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const agent = agentFor(app);
      await login(agent, username);
      return agent;
    }),
  );
  const forms = await Promise.all(agents.map(async (agent) => formFields((await agent.get(page)).text, action)));
  return Promise.all(agents.map((agent, i) => agent.post(action).type('form').send({ ...forms[i], ...change(i) })));
}
