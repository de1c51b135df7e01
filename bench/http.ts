import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** A small HTTP/1.1 client for the page bench: keep-alive, a hard time-out per request, the body as text. */

export interface Reply {
  status: number;
  location: string;
  setCookie: string[];
  body: string;
  bytes: number;
  ms: number;
}

export class TimeoutError extends Error {}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A form: sent as application/x-www-form-urlencoded. */
  form?: Record<string, string | string[]>;
  timeoutMs: number;
  agent?: http.Agent;
}

export function encodeForm(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.toString();
}

export function request(base: string, path: string, opts: RequestOptions): Promise<Reply> {
  const url = new URL(path, base);
  const body = opts.form ? Buffer.from(encodeForm(opts.form)) : null;
  const headers: Record<string, string | number> = { ...opts.headers };
  if (body) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = body.length;
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const cookies = res.headers['set-cookie'];
        resolve({
          status: res.statusCode ?? 0,
          location: typeof res.headers.location === 'string' ? res.headers.location : '',
          setCookie: cookies ?? [],
          body: buf.toString('utf8'),
          bytes: buf.length,
          ms: performance.now() - started,
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs, () => req.destroy(new TimeoutError(`no answer within ${opts.timeoutMs} ms: ${opts.method ?? 'GET'} ${path}`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const TOKEN = /name="_csrf" value="([^"]+)"/;

/** A browser's view of one visitor: the session cookie and the CSRF token of that session. */
export class Session {
  cookie = '';
  csrf = '';
  constructor(
    readonly base: string,
    readonly timeoutMs: number,
    readonly agent: http.Agent = new http.Agent({ keepAlive: true, maxSockets: 1 }),
  ) {}

  private take(reply: Reply): Reply {
    for (const c of reply.setCookie) if (c.startsWith('congboc.sid=')) this.cookie = c.split(';')[0]!;
    const token = TOKEN.exec(reply.body);
    if (token) this.csrf = token[1]!;
    return reply;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return request(this.base, path, { headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers }, timeoutMs: this.timeoutMs, agent: this.agent }).then((r) => this.take(r));
  }

  post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Reply> {
    return request(this.base, path, { method: 'POST', form: { _csrf: this.csrf, ...form }, headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers }, timeoutMs: this.timeoutMs, agent: this.agent }).then((r) =>
      this.take(r),
    );
  }

  /** Signs in through the login form (a real POST /login), then reads the new session's token from a light page. */
  async login(username: string, password: string): Promise<this> {
    const form = await this.get('/login');
    if (form.status !== 200 || !this.csrf) throw new Error(`GET /login answered ${form.status}`);
    const res = await this.post('/login', { username, password });
    if (res.status !== 302) throw new Error(`login as ${username} answered ${res.status} (expected 302): ${snippet(res.body)}`);
    const page = await this.get('/tra-cuu');
    if (page.status !== 200 || !this.csrf) throw new Error(`no CSRF token after signing in as ${username} (GET /tra-cuu answered ${page.status})`);
    return this;
  }

  /** Opens a public page (report form, kiosk, look-up) to get the session and token a citizen's browser would have. */
  async visit(path: string): Promise<this> {
    const page = await this.get(path);
    if (page.status !== 200 || !this.cookie || !this.csrf) throw new Error(`GET ${path} answered ${page.status} without a session and token`);
    return this;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The start of a body, on one line, for error messages: the page's heading or title when there is one. */
export function snippet(body: string, max = 160): string {
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(body)?.[1] ?? /<title>([\s\S]*?)<\/title>/.exec(body)?.[1];
  const errorText = /class="(?:error|form-error|alert[^"]*)"[^>]*>([\s\S]*?)</.exec(body)?.[1];
  const text = [heading, errorText].filter(Boolean).join(' — ') || body;
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}
