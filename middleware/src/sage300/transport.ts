import http from 'node:http';
import https from 'node:https';
import { setTimeout as pause } from 'node:timers/promises';
import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Sage300Settings } from '../config/env.js';
import { deadlineAt } from '../domain/deadline.js';
import { ConnectorError, isErrorKind, type ErrorKind } from '../domain/errors.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../domain/retry.js';
import { Breakers, DEFAULT_BREAKER, type Admission } from './breaker.js';
import { OutageGate, type GateAdmission, type SageOutage } from './outage.js';
import { ConnectionSlots, perResourceLimit } from './slots.js';

export interface RetryEvent {
  method: string;
  /** The path relative to the company, without the method (`AR/ARCustomers('1200')`). */
  path: string;
  attempt: number;
  delayMs: number;
  error: ConnectorError;
}

/** One HTTP attempt sent to Sage, as it ended: every retry is an attempt of its own. */
export interface SageRequestInfo {
  method: Method;
  /** The resource, one label per collection and never per record: `AR/ARCustomers` for `AR/ARCustomers('1200')`. */
  route: string;
  /** The HTTP status Sage answered with; absent when no answer arrived (timeout, network failure). */
  status?: number;
  /** From sending the request to its answer or failure, not counting the wait for a free connection slot. */
  durationMs: number;
  /** `ok` for a 2xx answer, else the kind of the error the attempt raised. */
  outcome: 'ok' | ErrorKind;
}

export interface TransportOptions {
  retry?: Partial<RetryPolicy>;
  /** Source of jitter; tests may pin it. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logs and metrics). */
  onRetry?: (event: RetryEvent) => void;
  /** Called once per HTTP attempt when it ends, retries included (for metrics). */
  onRequest?: (info: SageRequestInfo) => void;
  /** Called when Sage becomes unreachable (with since when) and when it answers again (undefined). */
  onOutage?: (outage: SageOutage | undefined) => void;
}

export interface RequestOptions {
  params?: Record<string, string>;
  body?: unknown;
  /** Key fields of the request (customer number, order reference) carried by any error it raises. */
  context?: Record<string, unknown>;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What one HTTP attempt ended with: Sage's answer, or the error it becomes (`sent` false when it never left). */
type Attempt<T> =
  | { ok: true; status: number; data: T; durationMs: number; sent: true }
  | { ok: false; status?: number; error: ConnectorError; durationMs: number; sent: boolean };

/** Errors of requests the client turned away without sending: retrying at once would only be turned away again. */
const TURNED_AWAY = new Set(['CircuitOpen', 'SageUnreachable']);

/** Answers that mean Sage itself is not there (IIS or a gateway answering for it), as no answer at all does. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Less time than this left before the deadline: the attempt is not worth sending. */
const MIN_ATTEMPT_MS = 50;

/** Network failures that happen before a request can reach the server: safe to retry even for a POST. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface SageErrorBody {
  error?: { code?: unknown; message?: { value?: unknown } | string };
}

/** Removes the trailing spaces Sage pads fixed-width columns with, throughout a response. */
export function trimSagePadding<T>(value: T): T {
  if (typeof value === 'string') return value.trimEnd() as T;
  if (Array.isArray(value)) return value.map((item: unknown) => trimSagePadding(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = trimSagePadding(item);
    return out as T;
  }
  return value;
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), if it has one. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Query strings with `%20` for spaces: OData servers do not all read `+` as a space inside `$filter`. */
function serializeParams(params: Record<string, string>): string {
  return Object.entries(params)
    .map(
      ([name, value]) =>
        `${name.startsWith('$') ? `$${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}=${encodeURIComponent(value)}`,
    )
    .join('&');
}

/**
 * The one way the middleware talks HTTP to Sage 300: Basic auth, `Content-Type: application/json` on every request
 * (Sage answers 500 without it, GET included), timeouts, bounded concurrency, retries of transient failures, and
 * every failure turned into a ConnectorError of the right kind. An error answer's envelope also lands in the error's
 * context as data: Sage's `code` as `sageCode`, its `message.value` as `sageMessage` (each when Sage sent one).
 */
export class Sage300Transport {
  readonly companyRoot: string;
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly slots: ConnectionSlots;
  private readonly breakers: Breakers;
  private readonly gate: OutageGate;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    readonly settings: Sage300Settings,
    private readonly options: TransportOptions = {},
  ) {
    this.companyRoot = `${settings.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(settings.company)}/`;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? pause;
    this.slots = new ConnectionSlots({
      server: settings.maxConcurrency,
      perResource: perResourceLimit(settings.maxConcurrency),
    });
    this.breakers = new Breakers(settings.breaker ?? DEFAULT_BREAKER);
    this.gate = new OutageGate(settings.breaker ?? DEFAULT_BREAKER, options.onOutage);
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: settings.maxConcurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: settings.maxConcurrency }),
    };
    this.http = axios.create({
      baseURL: this.companyRoot,
      auth: { username: settings.user, password: settings.password },
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      timeout: settings.timeoutMs,
      maxRedirects: 0,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      validateStatus: () => true,
      paramsSerializer: { serialize: serializeParams },
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
    });
  }

  /** Since when Sage has not answered, while it does not; undefined when it answers. */
  outage(): SageOutage | undefined {
    return this.gate.current();
  }

  /** Releases pooled connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', path, options)).data;
  }

  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...options, body })).data;
  }

  async patch(path: string, body: unknown, options: RequestOptions = {}): Promise<void> {
    await this.request('PATCH', path, { ...options, body });
  }

  async put(path: string, body: unknown, options: RequestOptions = {}): Promise<void> {
    await this.request('PUT', path, { ...options, body });
  }

  async delete(path: string, options: RequestOptions = {}): Promise<void> {
    await this.request('DELETE', path, options);
  }

  /**
   * Sends one request, retrying transient failures. `path` is relative to the company (`AR/ARCustomers`) or an
   * absolute `@odata.nextLink`, which must point at the same server (credentials never go elsewhere). Under a
   * deadline (an API request's), slot waits, attempts and the pauses between them all end by it.
   */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<{ status: number; data: T }> {
    const url = this.checkedUrl(path);
    const relative = describePath(url, this.companyRoot);
    const label = `${method} ${relative}`;
    const route = sageRoute(relative);
    const context = { request: label, ...options.context };
    const deadline = deadlineAt();
    // While Sage is down, requests are turned away at once, but for one probe per interval (sent once, never retried).
    const admission = this.gate.admit();
    if (!admission.admitted) throw this.unreachableError(label, admission, context);
    const policy = admission.probe ? { ...this.policy, attempts: 1 } : this.policy;
    const startedAt = Date.now();
    let attempts = 0;
    // When a later attempt is turned away, the caller learns about the timeout it saw, not the breaker it caused.
    let timedOut: ConnectorError | undefined;
    try {
      const answer = await withRetries(
        policy,
        async (attempt) => {
          // Another request may have found Sage unreachable while this one waited to retry: it stops asking too.
          const again = attempt > 1 ? this.gate.retryAdmission(admission) : admission;
          if (!again.admitted) throw this.unreachableError(label, again, context);
          attempts++;
          const sent = await this.send<T>(method, url, label, route, deadline, options, context, () =>
            this.gate.retryAdmission(admission),
          );
          if (sent.sent) {
            this.options.onRequest?.({
              method,
              route,
              ...(sent.status === undefined ? {} : { status: sent.status }),
              durationMs: sent.durationMs,
              outcome: sent.ok ? 'ok' : sent.error.kind,
            });
          }
          if (sent.ok) return { status: sent.status, data: sent.data };
          if (sent.error.code === 'Timeout') timedOut = sent.error;
          throw sent.error;
        },
        {
          retryable: (error) => isErrorKind(error, 'transient') && !TURNED_AWAY.has(error.code),
          ...(deadline === undefined ? {} : { deadline }),
          random: this.random,
          sleep: this.sleep,
          onRetry: ({ attempt, delayMs, error }) =>
            this.options.onRetry?.({ method, path: relative, attempt, delayMs, error }),
        },
      );
      this.gate.answered(admission);
      return answer;
    } catch (error) {
      this.settleGate(admission, error, attempts >= policy.attempts, startedAt);
      if (timedOut && error instanceof ConnectorError && error.code === 'CircuitOpen') throw timedOut;
      throw error;
    }
  }

  /** Tells the outage gate what a failed request proved: Sage answered (even with an error), it did not, or nothing. */
  private settleGate(
    admission: Extract<GateAdmission, { admitted: true }>,
    error: unknown,
    exhausted: boolean,
    startedAt: number,
  ): void {
    if (!(error instanceof ConnectorError) || TURNED_AWAY.has(error.code) || error.code === 'UnexpectedLink') {
      this.gate.released(admission);
    } else if (error.status !== undefined && !UNAVAILABLE_STATUSES.has(error.status)) {
      this.gate.answered(admission);
    } else {
      this.gate.unanswered(admission, exhausted, error.message, startedAt);
    }
  }

  private unreachableError(
    label: string,
    admission: Extract<GateAdmission, { admitted: false }>,
    context: Record<string, unknown>,
  ): ConnectorError {
    const since = admission.outage.since.toISOString();
    const seconds = Math.ceil(admission.retryAfterMs / 1000);
    return new ConnectorError(
      'transient',
      `Sage 300 is unreachable since ${since} (${admission.outage.reason}); it is asked again within ${seconds} s, ` +
        `not by every request (${label})`,
      {
        code: 'SageUnreachable',
        system: 'sage300',
        retryAfterMs: admission.retryAfterMs,
        context: { ...context, unreachableSince: since },
      },
    );
  }

  /**
   * One HTTP attempt, timed from the moment a connection slot is free; never throws. The circuit of the resource is
   * asked once the slot is there, so requests that waited for one are not sent after the circuit opened.
   */
  private async send<T>(
    method: Method,
    url: string,
    label: string,
    route: string,
    deadline: number | undefined,
    options: RequestOptions,
    context: Record<string, unknown>,
    stillAdmitted: () => GateAdmission,
  ): Promise<Attempt<T>> {
    const release = await this.slots.take(route, deadline);
    const timeoutMs = Math.min(this.settings.timeoutMs, deadline === undefined ? Infinity : deadline - Date.now());
    if (!release || timeoutMs < MIN_ATTEMPT_MS) {
      release?.();
      return {
        ok: false,
        error: this.deadlineError(label, release !== undefined, context),
        durationMs: 0,
        sent: false,
      };
    }
    // Sage may have become unreachable while this request waited for its slot: only the probe asks it then.
    const gate = stillAdmitted();
    if (!gate.admitted) {
      release();
      return { ok: false, error: this.unreachableError(label, gate, context), durationMs: 0, sent: false };
    }
    const admission = this.breakers.admit(route);
    if (!admission.admitted) {
      release();
      return { ok: false, error: this.circuitOpenError(route, label, admission, context), durationMs: 0, sent: false };
    }
    const sentAt = performance.now();
    try {
      const response = await this.http.request({
        method,
        url,
        timeout: timeoutMs,
        ...(options.params ? { params: options.params } : {}),
        ...(options.body === undefined ? {} : { data: options.body }),
      });
      const durationMs = performance.now() - sentAt;
      this.breakers.settle(route, admission, 'answered');
      if (response.status >= 200 && response.status < 300) {
        return {
          ok: true,
          status: response.status,
          data: trimSagePadding(response.data as T),
          durationMs,
          sent: true,
        };
      }
      const error = this.responseError(method, label, response, context);
      return { ok: false, status: response.status, error, durationMs, sent: true };
    } catch (failure) {
      const durationMs = performance.now() - sentAt;
      const error = this.networkError(method, label, failure, timeoutMs, context);
      this.breakers.settle(route, admission, error.code === 'Timeout' ? 'timed-out' : undefined);
      return { ok: false, error, durationMs, sent: true };
    } finally {
      release();
    }
  }

  /** The caller's deadline came before a connection slot did, or before anything could be sent. */
  private deadlineError(label: string, hadSlot: boolean, context: Record<string, unknown>): ConnectorError {
    const why = hadSlot
      ? 'the request’s time ran out before it could be sent'
      : 'every connection to it is held by slower requests';
    // Nothing reached Sage, so even a POST is safe to repeat: transient, never in doubt.
    return new ConnectorError('transient', `Sage 300 did not answer in time: ${why} (${label})`, {
      code: 'Timeout',
      system: 'sage300',
      context,
    });
  }

  private circuitOpenError(
    route: string,
    label: string,
    admission: Extract<Admission, { admitted: false }>,
    context: Record<string, unknown>,
  ): ConnectorError {
    const seconds = Math.ceil(admission.retryAfterMs / 1000);
    return new ConnectorError(
      'transient',
      `Sage 300 is not answering ${route}: its last ${admission.timeouts} requests timed out, so it is not asked ` +
        `again for ${seconds} s (${label})`,
      { code: 'CircuitOpen', system: 'sage300', retryAfterMs: admission.retryAfterMs, context },
    );
  }

  private checkedUrl(path: string): string {
    if (!/^https?:\/\//i.test(path)) return path.replace(/^\/+/, '');
    const root = new URL(this.companyRoot);
    const target = new URL(path);
    if (target.origin !== root.origin || !target.pathname.startsWith(root.pathname)) {
      throw new ConnectorError('permanent', `Sage 300 returned a link to another server: ${target.origin}`, {
        code: 'UnexpectedLink',
        system: 'sage300',
      });
    }
    return path;
  }

  private responseError(
    method: Method,
    label: string,
    response: AxiosResponse,
    context: Record<string, unknown>,
  ): ConnectorError {
    const status = response.status;
    const body = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as SageErrorBody;
    const rawMessage = body.error?.message;
    const rawText = typeof rawMessage === 'string' ? rawMessage : rawMessage?.value;
    const sageMessage = typeof rawText === 'string' ? rawText.trim() : undefined;
    const sageCode = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const code = sageCode ?? `HTTP${status}`;
    const message = `Sage 300 answered ${status} ${code}${sageMessage === undefined ? '' : `: ${sageMessage}`} (${label})`;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    // Sage's own code and words travel as data, so callers can show them without parsing our message.
    const sageWords = {
      ...(sageCode === undefined ? {} : { sageCode }),
      ...(sageMessage === undefined ? {} : { sageMessage }),
    };
    const base = { code, system: 'sage300' as const, status, context: { ...context, ...sageWords } };
    if (status === 429) {
      return new ConnectorError('transient', message, retryAfterMs === undefined ? base : { ...base, retryAfterMs });
    }
    if (status >= 500) {
      // A POST that got a 5xx may have been committed before the server failed: verify before retrying.
      const kind = method === 'POST' ? 'in-doubt' : 'transient';
      return new ConnectorError(kind, message, retryAfterMs === undefined ? base : { ...base, retryAfterMs });
    }
    return new ConnectorError('permanent', message, base);
  }

  private networkError(
    method: Method,
    label: string,
    failure: unknown,
    timeoutMs: number,
    context: Record<string, unknown>,
  ): ConnectorError {
    if (failure instanceof ConnectorError) return failure;
    const code =
      (axios.isAxiosError(failure) ? failure.code : undefined) ?? (failure as { code?: string }).code ?? 'NetworkError';
    const timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED';
    const what = timedOut ? `no answer within ${Math.round(timeoutMs)} ms` : `network failure ${code}`;
    const notSent = NOT_SENT_CODES.has(code);
    const kind = method === 'POST' && !notSent ? 'in-doubt' : 'transient';
    return new ConnectorError(kind, `Sage 300 ${what} (${label})`, {
      code: timedOut ? 'Timeout' : code,
      system: 'sage300',
      context,
      cause: failure,
    });
  }
}

/** `AR/ARCustomers('1200')` → `AR/ARCustomers`: the module and resource a path addresses, as Sage routes it. */
export function sageRoute(relativePath: string): string {
  return /^([A-Za-z]+\/[A-Za-z]+)(?:[(/?]|$)/.exec(relativePath)?.[1] ?? 'other';
}

function describePath(url: string, companyRoot: string): string {
  const relative = url.startsWith(companyRoot) ? url.slice(companyRoot.length) : url;
  return relative.split('?')[0] ?? relative;
}
