/**
 * An in-process stand-in for LinkedIn's Community Management (Pages) APIs, faithful to the behaviour
 * documented in `shared/reference/linkedin-api.md`. Used by the connector's tests, demo and benchmark.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// Public types

/** An organization (LinkedIn Page) the simulator knows, and the authenticated member's ACL on it. */
export interface SimOrganization {
  /** Numeric id as a string, e.g. "2414183". */
  id: string;
  /** `localizedName`. */
  name: string;
  vanityName: string;
  /** The member's role in organizationAcls; default "ADMINISTRATOR". */
  role?: string;
  /** The ACL state; default "APPROVED". */
  state?: string;
  /** Number of posts; default `SimulatorOptions.postsPerOrganization`. */
  postCount?: number;
}

/** Options for {@link LinkedInSimulator.start}. */
export interface SimulatorOptions {
  /** Default: Devtestco (2414183), Acme Analytics (5515715), Showcase Labs (90362860, ANALYST). */
  organizations?: SimOrganization[];
  /** Default 40. */
  postsPerOrganization?: number;
  /** Added before every response; default 0. */
  latencyMs?: number;
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
  /** YYYYMM; default: 12 months before the current UTC month through it, 202512 skipped. */
  activeVersions?: { oldest: string; newest: string; skipped?: string[] };
  /** Answer 429 after this many calls per endpoint per UTC day; default unlimited. */
  dailyLimitPerEndpoint?: number;
  /** Data is deterministic for a seed; default 1. */
  seed?: number;
}

/** One request as the simulator received it, plus the status it answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  endpoint: string;
  headers: Record<string, string>;
  status: number;
  startedAt: number;
  endedAt: number;
}

/** What an injected fault does to a matching request. */
export type FaultAction =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { drop: true }
  | { truncate: true }
  | { html: true; status?: number }
  | { delayMs: number };

/** A fault to inject: which requests it matches and what it does to them. */
export interface Fault {
  endpoint?: string;
  organizationId?: string;
  times?: number;
  skip?: number;
  action: FaultAction;
}

// ---------------------------------------------------------------------------------------------
// Constants

type Json = Record<string, unknown>;
type Granularity = "DAY" | "WEEK" | "MONTH";

const DAY_MS = 86_400_000;
const ACCESS_TOKEN_TTL_S = 5_184_000;
const REFRESH_TOKEN_TTL_S = 31_536_000;
const ADMIN_SCOPE = "rw_organization_admin";
const SOCIAL_SCOPE = "r_organization_social";
const ALL_SCOPES = [ADMIN_SCOPE, SOCIAL_SCOPE];
const ADMIN_ROLES = ["ADMINISTRATOR"];
// The Posts API docs also admit these page roles for reading an organization's posts.
const POST_ROLES = ["ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR"];
const ACL_ROLES = ("ADMINISTRATOR DIRECT_SPONSORED_CONTENT_POSTER RECRUITING_POSTER ANALYST " +
  "LEAD_CAPTURE_ADMINISTRATOR LEAD_GEN_FORMS_MANAGER CURATOR CONTENT_ADMINISTRATOR").split(" ");
const ACL_STATES = ["APPROVED", "REJECTED", "REQUESTED", "REVOKED"];
const EDGE_TYPES = ["COMPANY_FOLLOWED_BY_MEMBER", "CompanyFollowedByMember"];
const DEFAULT_SKIPPED_VERSIONS = ["202512"];
const MAX_POSTS_COUNT = 100;
const DEFAULT_COUNT = 10;
const GRAIN_SCALE: Record<Granularity, number> = { DAY: 1, WEEK: 7, MONTH: 30 };

const DEFAULT_ORGANIZATIONS: SimOrganization[] = [
  { id: "2414183", name: "Devtestco", vanityName: "devtestco", postCount: 120 },
  { id: "5515715", name: "Acme Analytics", vanityName: "acme-analytics", postCount: 30 },
  {
    id: "90362860",
    name: "Showcase Labs",
    vanityName: "showcase-labs",
    role: "ANALYST",
    postCount: 5,
  },
];

const STAFF_RANGES = ("SIZE_1 SIZE_2_TO_10 SIZE_11_TO_50 SIZE_51_TO_200 SIZE_201_TO_500 " +
  "SIZE_501_TO_1000 SIZE_1001_TO_5000 SIZE_5001_TO_10000 SIZE_10001_OR_MORE").split(" ");
const FACET_VALUES = {
  seniority: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `urn:li:seniority:${n}`),
  industry: [4, 6, 43, 80, 96, 104].map((n) => `urn:li:industry:${n}`),
  function: [4, 8, 13, 15, 18, 25].map((n) => `urn:li:function:${n}`),
  staffCountRange: STAFF_RANGES.slice(1, 7),
  country: [103644278, 101165590, 101282230, 102713980, 105015875, 101174742].map((n) =>
    `urn:li:geo:${n}`
  ),
  region: [90000084, 90000070, 90009496, 90009659, 90009790].map((n) => `urn:li:geo:${n}`),
};
const FOLLOWER_FACETS: Array<[field: string, key: string, values: string[]]> = [
  ["followerCountsByAssociationType", "associationType", ["EMPLOYEE"]],
  ["followerCountsBySeniority", "seniority", FACET_VALUES.seniority],
  ["followerCountsByIndustry", "industry", FACET_VALUES.industry],
  ["followerCountsByFunction", "function", FACET_VALUES.function],
  ["followerCountsByStaffCountRange", "staffCountRange", FACET_VALUES.staffCountRange],
  ["followerCountsByGeoCountry", "geo", FACET_VALUES.country],
  ["followerCountsByGeo", "geo", FACET_VALUES.region],
];
const PAGE_FACETS: Array<[field: string, key: string, values: string[]]> = [
  ["pageStatisticsBySeniority", "seniority", FACET_VALUES.seniority],
  ["pageStatisticsByFunction", "function", FACET_VALUES.function],
  ["pageStatisticsByIndustryV2", "industryV2", FACET_VALUES.industry],
  ["pageStatisticsByStaffCountRange", "staffCountRange", FACET_VALUES.staffCountRange],
  ["pageStatisticsByGeoCountry", "geo", FACET_VALUES.country],
  ["pageStatisticsByGeo", "geo", FACET_VALUES.region],
];
const PAGE_SECTIONS = "overview about careers jobs lifeAt people products insights".split(" ");

// Post texts cycle through these so every page carries the characters a connector must escape.
const COMMENTARIES: Array<(n: number, org: string) => string> = [
  (n, org) => `${org} is hiring! Post #${n} — join the team 🚀`,
  (n) => `Quarterly update ${n}:\n• revenue up\n• churn down\n\n#growth #saas`,
  (n) => `He said "ship it" and we did. Release ${n} is live.`,
  (n) => `Line one\u2028line two after a LINE SEPARATOR\u2029and a PARAGRAPH SEPARATOR (${n})`,
  (n) => `Ünïcödé façade, naïve café, 日本語テキスト, emoji 👩‍💻🎉 — post ${n}`,
  (n) => `Plain announcement number ${n}.`,
  (n) => `Backslash \\ and\ttab, plus a {"json": "looking"} snippet (${n})`,
];

// ---------------------------------------------------------------------------------------------
// Errors and responses

/** An HTTP error answer with its JSON body. */
class ApiError extends Error {
  constructor(readonly status: number, readonly body: Json) {
    super(String(body.message ?? body.error_description ?? status));
  }
}

function badRequest(message: string): ApiError {
  return new ApiError(400, { status: 400, message });
}

function paramInvalid(param: string): ApiError {
  return new ApiError(400, {
    errorDetailType: "com.linkedin.common.error.BadRequest",
    message: "Invalid param. Please see errorDetails for more information.",
    errorDetails: {
      inputErrors: [{
        description: "Invalid value for param; wrong type or other syntax error",
        input: { inputPath: { fieldPath: param } },
        code: "PARAM_INVALID",
      }],
    },
    status: 400,
  });
}

/** The newer gateway error shape: `{status, serviceErrorCode?, code, message}`. */
function coded(status: number, code: string, message: string, serviceErrorCode?: number) {
  return new ApiError(status, { status, serviceErrorCode, code, message });
}

function notFound(): ApiError {
  return coded(404, "RESOURCE_NOT_FOUND", "No virtual resource found");
}

function oauthError(status: number, error: string, description: string): ApiError {
  return new ApiError(status, { error, error_description: description });
}

function randomText(bytes: number, alphabet?: string): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  if (alphabet) return Array.from(data, (b) => alphabet[b % alphabet.length]).join("");
  return btoa(String.fromCharCode(...data)).replaceAll("+", "-").replaceAll("/", "_")
    .replaceAll("=", "");
}

function apiHeaders(protocol = "2.0.0"): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-li-uuid": btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16)))),
    "x-restli-protocol-version": protocol,
    "x-li-fabric": "prod-lva1",
    "x-li-pop": "prod-lva1-x",
  };
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  return new Response(text, { status, headers });
}

/** A 200 response that sends half of `text` and then breaks the connection. */
function droppedResponse(text: string, headers: Headers): Response {
  const half = new TextEncoder().encode(text.slice(0, Math.floor(text.length / 2)));
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(half),
    pull: async (controller) => {
      await sleep(10);
      controller.error(new Error("connection dropped by fault injection"));
    },
  });
  return new Response(body, { status: 200, headers });
}

function htmlPage(status: number): string {
  return `<!DOCTYPE html><html><head><title>${status} Error</title></head>` +
    `<body><h1>${status} Bad Gateway</h1><p>The server encountered a temporary error.</p>` +
    `</body></html>`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Deterministic data

type Rand = (label: string, lo: number, hi: number) => number;

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded integer source: the same (seed, scope, label) always gives the same value. */
function randomFor(seed: number, ...scope: Array<string | number>): Rand {
  const base = [seed, ...scope].join("|");
  return (label, lo, hi) => {
    const low = Math.floor(lo);
    return low + (hash32(`${base}|${label}`) % (Math.max(low, Math.floor(hi)) - low + 1));
  };
}

function prefixed(rand: Rand, prefix: string): Rand {
  return (label, lo, hi) => rand(`${prefix}|${label}`, lo, hi);
}

function orgUrn(id: string): string {
  return `urn:li:organization:${id}`;
}

function followerLifetime(rand: Rand, urn: string, total: number): Json {
  const element: Json = {};
  for (const [field, key, values] of FOLLOWER_FACETS) {
    // Facets are rolled into the organic count; the docs say paidFollowerCount is meaningless here.
    element[field] = values.map((value) => ({
      followerCounts: {
        organicFollowerCount: Math.floor((total * rand(`${field}|${value}`, 5, 300)) / 1000),
        paidFollowerCount: 0,
      },
      [key]: value,
    }));
  }
  element.organizationalEntity = urn;
  return element;
}

function followerGains(rand: Rand, scale: number): Json {
  return {
    organicFollowerGain: rand("organic", -3 * scale, 15 * scale),
    paidFollowerGain: rand("paid", 0, scale),
  };
}

function pageViews(rand: Rand, scale: number, unique: boolean): Json {
  const value = (label: string, n: number) =>
    unique
      ? { pageViews: n, uniquePageViews: Math.floor((n * rand(`${label}|u`, 40, 90)) / 100) }
      : { pageViews: n };
  const sections = PAGE_SECTIONS.map((name) => {
    const desktop = rand(`${name}|desktop`, 0, 8 * scale);
    const mobile = rand(`${name}|mobile`, 0, 6 * scale);
    // allPageViews and overview views include traffic the device breakdowns do not.
    return { name, desktop, mobile, total: desktop + mobile + rand(`${name}|other`, 0, scale) };
  });
  const sum = (pick: (s: (typeof sections)[number]) => number) =>
    sections.reduce((acc, s) => acc + pick(s), 0);
  const views: Json = {
    allPageViews: value("all", sum((s) => s.total) + rand("all", 0, 2 * scale)),
    allDesktopPageViews: value("allDesktop", sum((s) => s.desktop)),
    allMobilePageViews: value("allMobile", sum((s) => s.mobile)),
  };
  for (const s of sections) {
    const cap = s.name[0].toUpperCase() + s.name.slice(1);
    views[`${s.name}PageViews`] = value(s.name, s.total);
    views[`desktop${cap}PageViews`] = value(`desktop${cap}`, s.desktop);
    views[`mobile${cap}PageViews`] = value(`mobile${cap}`, s.mobile);
  }
  return views;
}

function pageClicks(rand: Rand, scale: number): Json {
  const c = (label: string) => rand(`clicks|${label}`, 0, 2 * scale);
  return {
    careersPageClicks: {
      careersPageBannerPromoClicks: c("banner"),
      careersPagePromoLinksClicks: c("promo"),
      careersPageJobsClicks: c("jobs"),
      careersPageEmployeesClicks: c("employees"),
    },
    mobileCareersPageClicks: {
      careersPagePromoLinksClicks: c("mobilePromo"),
      careersPageJobsClicks: c("mobileJobs"),
      careersPageEmployeesClicks: c("mobileEmployees"),
    },
    desktopCustomButtonClickCounts: [{ customButtonType: "VISIT_WEBSITE", clicks: c("desktop") }],
    mobileCustomButtonClickCounts: [{ customButtonType: "VISIT_WEBSITE", clicks: c("mobile") }],
  };
}

function pageLifetime(rand: Rand, urn: string): Json {
  const element: Json = {};
  for (const [field, key, values] of PAGE_FACETS) {
    element[field] = values.map((value) => ({
      [key]: value,
      pageStatistics: { views: pageViews(prefixed(rand, `${field}|${value}`), 20, false) },
    }));
  }
  element.totalPageStatistics = {
    views: pageViews(rand, 400, false),
    clicks: pageClicks(rand, 400),
  };
  element.organization = urn;
  return element;
}

function shareTotals(rand: Rand, scale: number): Json {
  const impressionCount = rand("impressions", 40 * scale, 400 * scale);
  const clickCount = rand("clicks", 1, impressionCount / 20);
  const likeCount = rand("likes", 0, impressionCount / 25);
  const commentCount = rand("comments", 0, impressionCount / 200);
  const shareCount = rand("shares", 0, impressionCount / 300);
  return {
    uniqueImpressionsCount: Math.floor((impressionCount * rand("unique", 50, 85)) / 100),
    shareCount,
    engagement: (clickCount + likeCount + commentCount + shareCount) / impressionCount,
    clickCount,
    likeCount,
    impressionCount,
    commentCount,
    shareMentionsCount: rand("shareMentions", 0, scale / 4),
    commentMentionsCount: rand("commentMentions", 0, scale / 4),
  };
}

// ---------------------------------------------------------------------------------------------
// Rest.li query parsing

type RestliValue = string | RestliValue[] | { [key: string]: RestliValue };

function decodeLeaf(raw: string, param: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw paramInvalid(param);
  }
}

/** Parses a Rest.li 2.0 value: structure first (`List(`, `(`, `:`, `,`, `)`), then decodes leaves. */
function parseRestli(raw: string, param: string): RestliValue {
  let pos = 0;
  const fail = (): never => {
    throw paramInvalid(param);
  };
  const leaf = (stops: string): string => {
    const begin = pos;
    while (pos < raw.length && !stops.includes(raw[pos])) pos++;
    return decodeLeaf(raw.slice(begin, pos), param);
  };
  const closeOrComma = (): boolean => {
    const c = raw[pos++];
    if (c === ")") return true;
    return c === "," ? false : fail();
  };
  const value = (stops: string): RestliValue => {
    if (raw.startsWith("List(", pos)) {
      pos += 5;
      const items: RestliValue[] = [];
      if (raw[pos] === ")") return pos++, items;
      do items.push(value(",)")); while (!closeOrComma());
      return items;
    }
    if (raw[pos] !== "(") return leaf(stops);
    pos++;
    const fields: Record<string, RestliValue> = {};
    if (raw[pos] === ")") return pos++, fields;
    do {
      const key = leaf(":,()");
      if (key === "" || raw[pos++] !== ":") fail();
      fields[key] = value(",)");
    } while (!closeOrComma());
    return fields;
  };
  const result = value("");
  return pos === raw.length ? result : fail();
}

/** Query parameters read with both Rest.li 2.0 syntax and the 1.0 dotted form. */
class RestliQuery {
  private readonly params = new Map<string, string>();

  constructor(raw: string) {
    for (const part of raw.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const name = eq < 0 ? part : part.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch { /* keep the raw name */ }
      this.params.set(decoded, eq < 0 ? "" : part.slice(eq + 1));
    }
  }

  scalar(name: string): string | undefined {
    const raw = this.params.get(name);
    return raw === undefined ? undefined : decodeLeaf(raw, name);
  }

  object(name: string): Record<string, RestliValue> | undefined {
    const raw = this.params.get(name);
    if (raw === undefined) return this.dotted(name);
    // Structural characters must be literal; percent-encoded ones make the value a mere string.
    if (!raw.startsWith("(")) throw paramInvalid(name);
    return parseRestli(raw, name) as Record<string, RestliValue>;
  }

  private dotted(name: string): Record<string, RestliValue> | undefined {
    let result: Record<string, RestliValue> | undefined;
    for (const [key, raw] of this.params) {
      if (!key.startsWith(`${name}.`)) continue;
      const path = key.slice(name.length + 1).split(".");
      let node: Record<string, RestliValue> = result ??= {};
      for (const step of path.slice(0, -1)) {
        const next = node[step];
        node = node[step] = typeof next === "object" && !Array.isArray(next) ? next : {};
      }
      node[path[path.length - 1]] = decodeLeaf(raw, key);
    }
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// Time intervals

interface Range {
  start: number;
  end: number;
}

interface TimeIntervals extends Range {
  granularity: Granularity;
}

/** `start` moved by `n` units; MONTH steps are calendar months (day clamped to the month's end). */
function addUnits(start: number, granularity: Granularity, n: number): number {
  if (granularity !== "MONTH") return start + n * GRAIN_SCALE[granularity] * DAY_MS;
  const d = new Date(start);
  const firstOfTarget = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
  const target = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0))
    .getUTCDate();
  return firstOfTarget + (Math.min(d.getUTCDate(), lastDay) - 1) * DAY_MS + (start % DAY_MS);
}

function requireFinder(query: RestliQuery, finder: string): void {
  const q = query.scalar("q");
  if (q === undefined) throw badRequest(`Missing required query parameter 'q' (q=${finder})`);
  if (q !== finder) throw badRequest(`Unsupported finder q=${q}; expected q=${finder}`);
}

function readTimeIntervals(query: RestliQuery): TimeIntervals | undefined {
  const value = query.object("timeIntervals");
  if (value === undefined) return undefined;
  const range = value.timeRange;
  const granularity = value.timeGranularityType;
  const integer = (v: RestliValue | undefined) =>
    typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  if (typeof range !== "object" || Array.isArray(range)) throw paramInvalid("timeIntervals");
  const start = integer(range.start);
  const end = integer(range.end);
  if (start === undefined || end === undefined) throw paramInvalid("timeIntervals");
  if (granularity !== "DAY" && granularity !== "WEEK" && granularity !== "MONTH") {
    throw paramInvalid("timeIntervals");
  }
  return { start, end, granularity };
}

function checkWindow({ start, end, granularity }: TimeIntervals, now: number): void {
  const invalid = (why: string) => badRequest(`Invalid timeIntervals parameter. ${why}`);
  if (end < addUnits(start, granularity, 1)) {
    throw invalid(
      "End time must be greater than start time by at least one multiple of the granularity " +
        `type [${granularity}]`,
    );
  }
  // LinkedIn compares by UTC calendar day: 12 months back from today's midnight.
  if (start < addUnits(now - (now % DAY_MS), "MONTH", -12)) {
    throw invalid("Start time must be at most 12 months before the request date (UTC).");
  }
  if (start > now - 2 * DAY_MS) {
    throw invalid("Start time must be at least 2 days before the request date (UTC).");
  }
}

/** Whole buckets from `start` within `[start, end)` that have ended before `now`. */
function buckets(t: TimeIntervals, now: number): Range[] {
  const out = [];
  for (let k = 0;; k++) {
    const bucketEnd = addUnits(t.start, t.granularity, k + 1);
    if (bucketEnd > t.end || bucketEnd > now) return out;
    out.push({ start: addUnits(t.start, t.granularity, k), end: bucketEnd });
  }
}

// ---------------------------------------------------------------------------------------------
// Posts, generated lazily from (organization, index)

interface PostBatch {
  seq: number; // first sequence number (position in LAST_MODIFIED order, oldest = 0)
  index: number; // first post index
  count: number;
  time: number; // createdAt of the first post
  step: number; // createdAt spacing
  edit?: (k: number) => number; // lastModifiedAt - createdAt for the k-th post
}

/**
 * Tracks post order without materialising posts: each post holds one sequence number, increasing
 * with lastModifiedAt; touching a post moves it to a fresh number and leaves a hole behind.
 */
class PostTimeline {
  size = 0;
  private newest = -Infinity;
  private nextSeq = 0;
  private readonly batches: PostBatch[] = [];
  private readonly touches = new Map<number, { seq: number; time: number }>();
  private readonly touchedSeqs = new Map<number, number>();
  private readonly holes: number[] = []; // descending
  private readonly holeSet = new Set<number>();

  append(count: number, time: number, step: number, edit?: (k: number) => number): void {
    if (count <= 0) return;
    this.batches.push({ seq: this.nextSeq, index: this.size, count, time, step, edit });
    this.nextSeq += count;
    this.size += count;
    this.newest = Math.max(this.newest, this.lastModifiedAt(this.size - 1));
  }

  /** The time a new or touched post gets: now, but strictly newer than any post so far. */
  freshTime(now: number): number {
    return Math.max(now, this.newest + 1);
  }

  touch(index: number, now: number): void {
    const time = this.freshTime(now);
    const old = this.seqOf(index);
    this.holes.push(old);
    this.holes.sort((a, b) => b - a);
    this.holeSet.add(old);
    const seq = this.nextSeq++;
    this.touches.set(index, { seq, time });
    this.touchedSeqs.set(seq, index);
    this.newest = time;
  }

  createdAt(index: number): number {
    const batch = this.batchOfIndex(index);
    return batch.time + (index - batch.index) * batch.step;
  }

  lastModifiedAt(index: number): number {
    const touched = this.touches.get(index);
    if (touched) return touched.time;
    const batch = this.batchOfIndex(index);
    return this.createdAt(index) + (batch.edit?.(index - batch.index) ?? 0);
  }

  /** Post indices newest-first by lastModifiedAt, from position `start`. */
  byLastModified(start: number, count: number): number[] {
    let seq = this.nextSeq - 1 - start;
    for (const hole of this.holes) {
      if (hole < seq) break;
      seq--;
    }
    const out: number[] = [];
    for (; seq >= 0 && out.length < count; seq--) {
      if (!this.holeSet.has(seq)) out.push(this.indexAtSeq(seq));
    }
    return out;
  }

  /** Post indices newest-first by createdAt (creation order never changes). */
  byCreated(start: number, count: number): number[] {
    const out: number[] = [];
    for (let i = this.size - 1 - start; i >= 0 && out.length < count; i--) out.push(i);
    return out;
  }

  private seqOf(index: number): number {
    const batch = this.batchOfIndex(index);
    return this.touches.get(index)?.seq ?? batch.seq + index - batch.index;
  }

  private indexAtSeq(seq: number): number {
    const touched = this.touchedSeqs.get(seq);
    if (touched !== undefined) return touched;
    const batch = this.batches.find((b) => seq >= b.seq && seq < b.seq + b.count)!;
    return batch.index + seq - batch.seq;
  }

  private batchOfIndex(index: number): PostBatch {
    return this.batches.find((b) => index >= b.index && index < b.index + b.count)!;
  }
}

const POST_ID_BASE = 7_100_000_000_000_000_000n;
const POST_ID_ORG_STRIDE = 1_000_000_000_000n;

function postNumber(ordinal: number, index: number): string {
  return (POST_ID_BASE + BigInt(ordinal) * POST_ID_ORG_STRIDE + BigInt(index)).toString();
}

/** (organization ordinal, post index) for a post URN or bare post number, if it is well-formed. */
function parsePostId(id: string): { ordinal: number; index: number } | undefined {
  const m = /^(?:urn:li:(?:share|ugcPost):)?(\d{19})$/.exec(id);
  if (!m) return undefined;
  const offset = BigInt(m[1]) - POST_ID_BASE;
  if (offset < 0n) return undefined;
  return {
    ordinal: Number(offset / POST_ID_ORG_STRIDE),
    index: Number(offset % POST_ID_ORG_STRIDE),
  };
}

// ---------------------------------------------------------------------------------------------
// The simulator

interface OrgState {
  id: string;
  name: string;
  vanityName: string;
  role: string;
  state: string;
  ordinal: number;
  timeline: PostTimeline;
}

interface TokenInfo {
  scopes: string[];
  state: "valid" | "expired" | "revoked";
  createdAt: number;
  expiresAt: number;
}

interface Context {
  query: RestliQuery;
  rawQuery: string;
  base: string; // "/rest" or "/v2"
  resource: string; // raw path after the base
  key?: string; // raw resource key from the path
  internalName: string;
  versionTag: string; // YYYYMMDD, or NO_VERSION on /v2
}

interface Endpoint {
  pattern: RegExp;
  scope: string;
  internalName: string;
}

const ENDPOINTS: Record<string, Endpoint> = Object.fromEntries(
  ([
    ["organizations", /^organizations\/([^/]+)$/, ADMIN_SCOPE, "organizations"],
    ["organizationAcls", /^organizationAcls$/, ADMIN_SCOPE, "organizationAcls"],
    ["followerStatistics", /^organizationalEntityFollowerStatistics$/, ADMIN_SCOPE, ""],
    ["pageStatistics", /^organizationPageStatistics$/, ADMIN_SCOPE, ""],
    ["shareStatistics", /^organizationalEntityShareStatistics$/, ADMIN_SCOPE, ""],
    ["posts", /^posts$/, SOCIAL_SCOPE, "partnerApiPostsExternal"],
    ["networkSizes", /^networkSizes\/([^/]+)$/, ADMIN_SCOPE, "networkSizes"],
  ] as const).map(([name, pattern, scope, internal]) => [
    name,
    { pattern, scope, internalName: internal || pattern.source.slice(1, -1) },
  ]),
);

function endpointOf(path: string): string {
  if (path === "/oauth/v2/accessToken") return "accessToken";
  if (path === "/oauth/v2/introspectToken") return "introspectToken";
  const resource = /^\/(?:rest|v2)\/(.+)$/.exec(path)?.[1];
  if (resource === undefined) return "unknown";
  const match = Object.entries(ENDPOINTS).find(([, e]) => e.pattern.test(resource));
  return match?.[0] ?? "unknown";
}

/** The organization a request is about (path key or query URN), for fault matching. */
function aboutOrganization(path: string, query: string): string | undefined {
  const text = `${path}?${query}`.replace(
    /%([0-9a-f]{2})/gi,
    (_, hex) => String.fromCharCode(parseInt(hex, 16)),
  );
  const m = /\/organizations\/(\d+)|urn:li:organization:(\d+)/.exec(text);
  return m ? m[1] ?? m[2] : undefined;
}

function yearMonth(year: number, month0: number): string {
  const d = new Date(Date.UTC(year, month0, 1));
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** A replica of LinkedIn's Pages APIs on 127.0.0.1, with recording and fault injection. */
export class LinkedInSimulator {
  /** Base URL, used as both the API and the OAuth base. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** A valid access token with all scopes. */
  readonly accessToken: string;
  /** OAuth client id accepted by the token endpoint. */
  readonly clientId = randomText(14, "abcdefghijklmnopqrstuvwxyz0123456789");
  /** OAuth client secret accepted by the token endpoint. */
  readonly clientSecret = randomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  /** The refresh token accepted by the token endpoint. */
  readonly refreshToken = `AQ${randomText(260)}`;

  private readonly server: Deno.HttpServer<Deno.NetAddr>;
  private readonly now: () => number;
  private readonly seed: number;
  private readonly memberUrn: string;
  private readonly orgs = new Map<string, OrgState>();
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly daily = new Map<string, { day: number; calls: number }>();
  private faults: Array<{ fault: Fault; matched: number }> = [];
  private inFlight = 0;
  private highWater = 0;
  private refreshExpiresAt: number;
  private refreshExpired = false;
  private closed?: Promise<void>;

  private constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.seed = options.seed ?? 1;
    this.memberUrn = `urn:li:person:${randomFor(this.seed, "member")("id", 1e8, 9e8).toString(36)}`;
    this.refreshExpiresAt = this.now() + REFRESH_TOKEN_TTL_S * 1000;
    this.accessToken = this.issueAccessToken({});
    const orgs = options.organizations ?? DEFAULT_ORGANIZATIONS;
    orgs.forEach((org, ordinal) => this.orgs.set(org.id, this.createOrg(org, ordinal)));
    this.server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        onListen: () => {},
        onError: () => new Response(null, { status: 500 }),
      },
      (req, info) => this.handle(req, info),
    );
    this.url = `http://127.0.0.1:${this.server.addr.port}`;
  }

  /** Starts a simulator on a free port of 127.0.0.1. */
  static start(options: SimulatorOptions = {}): Promise<LinkedInSimulator> {
    return Promise.resolve(new LinkedInSimulator(options));
  }

  /** Number of requests recorded, in all or for one endpoint name. */
  count(endpoint?: string): number {
    return endpoint === undefined
      ? this.requests.length
      : this.requests.filter((r) => r.endpoint === endpoint).length;
  }

  /** The highest number of requests in flight at once since the last reset. */
  maxConcurrency(): number {
    return this.highWater;
  }

  /** Clears the recorded requests and the concurrency high-water mark. */
  resetRecording(): void {
    this.requests.length = 0;
    this.highWater = 0;
  }

  /** Adds a fault; faults are checked in injection order and the first match wins. */
  inject(fault: Fault): void {
    this.faults.push({ fault, matched: 0 });
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Mints an access token (default: valid, all scopes). */
  issueAccessToken(
    opts: { scopes?: string[]; state?: "valid" | "expired" | "revoked" },
  ): string {
    const token = `AQ${randomText(360)}`;
    const createdAt = this.now();
    this.tokens.set(token, {
      scopes: opts.scopes ?? ALL_SCOPES,
      state: opts.state ?? "valid",
      createdAt,
      expiresAt: createdAt + ACCESS_TOKEN_TTL_S * 1000,
    });
    return token;
  }

  /** From now on the refresh token is rejected as invalid, expired or revoked. */
  expireRefreshToken(): void {
    this.refreshExpired = true;
  }

  /** Revokes every access token issued so far. */
  revokeAccessTokens(): void {
    for (const info of this.tokens.values()) info.state = "revoked";
  }

  /** Adds `n` posts, newer than every existing post. */
  addPosts(organizationId: string, n: number): void {
    const timeline = this.org(organizationId).timeline;
    timeline.append(n, timeline.freshTime(this.now()), 1);
  }

  /** Sets a post's lastModifiedAt to now, moving it to the front of LAST_MODIFIED order. */
  touchPost(organizationId: string, postId: string): void {
    const org = this.org(organizationId);
    const parsed = parsePostId(postId);
    if (!parsed || parsed.ordinal !== org.ordinal || parsed.index >= org.timeline.size) {
      throw new Error(`unknown post ${postId} for organization ${organizationId}`);
    }
    org.timeline.touch(parsed.index, this.now());
  }

  /** The `organizations/{id}` body as served on `/rest`. */
  organization(id: string): Record<string, unknown> {
    return this.organizationBody(this.org(id), true);
  }

  /** All posts of an organization, newest lastModifiedAt first. */
  posts(organizationId: string): Record<string, unknown>[] {
    const org = this.org(organizationId);
    return org.timeline.byLastModified(0, org.timeline.size).map((i) => this.post(org, i));
  }

  /** The organization's total follower count (networkSizes `firstDegreeSize`). */
  followerCount(organizationId: string): number {
    return randomFor(this.seed, "followers", this.org(organizationId).id)("total", 800, 250_000);
  }

  /** Stops the server and waits until it has finished. */
  close(): Promise<void> {
    this.closed ??= this.server.shutdown().then(() => this.server.finished);
    return this.closed;
  }

  // -- request handling ---------------------------------------------------------------------

  private async handle(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const url = new URL(req.url);
    const record: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      endpoint: endpointOf(url.pathname),
      headers: Object.fromEntries(req.headers),
      status: 0,
      startedAt: performance.now(),
      endedAt: 0,
    };
    this.requests.push(record);
    this.highWater = Math.max(this.highWater, ++this.inFlight);
    const finish = () => {
      this.inFlight--;
      record.endedAt = performance.now();
    };
    info.completed.then(finish, finish);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    const response = await this.respondWithFaults(req, url, record);
    record.status = response.status;
    record.endedAt = performance.now(); // refined once the body has been sent
    return response;
  }

  private async respondWithFaults(
    req: Request,
    url: URL,
    record: RecordedRequest,
  ): Promise<Response> {
    const action = this.takeFault(record);
    if (action === undefined) return await this.respond(req, url, record.endpoint);
    if ("delayMs" in action) {
      await sleep(action.delayMs);
      return await this.respond(req, url, record.endpoint);
    }
    if ("html" in action) {
      const status = action.status ?? 502;
      return new Response(htmlPage(status), {
        status,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    }
    if ("status" in action) {
      return jsonResponse(action.status, action.body, { ...apiHeaders(), ...action.headers });
    }
    const normal = await this.respond(req, url, record.endpoint);
    const text = await normal.text();
    if ("drop" in action) return droppedResponse(text, new Headers(normal.headers));
    return new Response(text.slice(0, Math.floor(text.length / 2)), {
      status: 200,
      headers: normal.headers,
    });
  }

  private takeFault(record: RecordedRequest): FaultAction | undefined {
    const org = aboutOrganization(record.path, record.query);
    for (const entry of this.faults) {
      const { endpoint, organizationId, skip = 0, times = Infinity } = entry.fault;
      if (endpoint !== undefined && endpoint !== record.endpoint) continue;
      if (organizationId !== undefined && organizationId !== org) continue;
      entry.matched++;
      if (entry.matched > skip && entry.matched <= skip + times) return entry.fault.action;
    }
    return undefined;
  }

  private async respond(req: Request, url: URL, endpoint: string): Promise<Response> {
    const oauth = endpoint === "accessToken" || endpoint === "introspectToken";
    // networkSizes is still served by a Rest.li 1.0 resource.
    const headers = oauth
      ? { "content-type": "application/json" }
      : apiHeaders(endpoint === "networkSizes" ? "1.0.0" : "2.0.0");
    try {
      const body = oauth ? await this.oauth(req, endpoint) : await this.api(req, url, endpoint);
      return jsonResponse(200, body, headers);
    } catch (error) {
      if (error instanceof ApiError) return jsonResponse(error.status, error.body, headers);
      return jsonResponse(500, { status: 500, message: "Internal Server Error" }, headers);
    }
  }

  /** Checks in LinkedIn's order: version, auth, route, scope/role, then parameters. */
  private async api(req: Request, url: URL, endpoint: string): Promise<unknown> {
    const match = /^\/(rest|v2)\/(.*)$/.exec(url.pathname);
    if (!match) throw notFound();
    const versioned = match[1] === "rest";
    const versionTag = versioned
      ? this.checkVersion(req.headers.get("linkedin-version"))
      : "NO_VERSION";
    const token = this.authenticate(req.headers.get("authorization"));
    this.throttle(endpoint);
    const route = ENDPOINTS[endpoint];
    if (!route) throw notFound();
    let rawQuery = url.search.slice(1);
    if (
      req.method === "POST" && req.headers.get("x-http-method-override")?.toUpperCase() === "GET"
    ) {
      rawQuery = await req.text(); // Rest.li query tunneling
    } else if (req.method !== "GET") {
      throw new ApiError(405, { status: 405, message: `Method ${req.method} not allowed` });
    }
    const ctx: Context = {
      query: new RestliQuery(rawQuery),
      rawQuery,
      base: `/${match[1]}`,
      resource: match[2],
      key: route.pattern.exec(match[2])?.[1],
      internalName: route.internalName,
      versionTag,
    };
    if (!token.scopes.includes(route.scope)) throw this.accessDenied(ctx);
    switch (endpoint) {
      case "organizations":
        return this.organizationBody(
          this.orgFor(ctx, decodeLeaf(ctx.key!, "id"), ADMIN_ROLES),
          versioned,
        );
      case "organizationAcls":
        return this.acls(ctx);
      case "networkSizes":
        return this.networkSize(ctx);
      case "posts":
        return this.postsFinder(ctx);
      default:
        return this.statistics(ctx, endpoint);
    }
  }

  private checkVersion(header: string | null): string {
    if (header === null || header.trim() === "") {
      throw coded(
        400,
        "VERSION_MISSING",
        "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
      );
    }
    const m = /^(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])?$/.exec(header.trim());
    if (!m) {
      const message = `Invalid LinkedIn-Version header '${header}'; expected YYYYMM or YYYYMMDD.`;
      throw coded(400, "INVALID_VERSION", message);
    }
    const version = m[1] + m[2];
    const { oldest, newest, skipped = [] } = this.options.activeVersions ?? this.defaultVersions();
    // The gateway normalises YYYYMM to YYYYMM01, and reports future versions as inactive too.
    if (version < oldest || version > newest || skipped.includes(version)) {
      throw coded(426, "NONEXISTENT_VERSION", `Requested version ${version}01 is not active`);
    }
    return `${version}01`;
  }

  private defaultVersions(): { oldest: string; newest: string; skipped: string[] } {
    const today = new Date(this.now());
    const [year, month] = [today.getUTCFullYear(), today.getUTCMonth()];
    return {
      oldest: yearMonth(year, month - 12),
      newest: yearMonth(year, month),
      skipped: DEFAULT_SKIPPED_VERSIONS,
    };
  }

  private authenticate(header: string | null): TokenInfo {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
    if (!token) {
      throw new ApiError(401, {
        message: "Empty oauth2_access_token",
        serviceErrorCode: 401,
        status: 401,
      });
    }
    const info = this.tokens.get(token);
    if (!info) throw coded(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600);
    if (info.state === "revoked") {
      const message = "The token used in the request has been revoked by the user";
      throw coded(401, "REVOKED_ACCESS_TOKEN", message, 65601);
    }
    if (info.state === "expired" || this.now() >= info.expiresAt) {
      const message = "The token used in the request has expired";
      throw coded(401, "EXPIRED_ACCESS_TOKEN", message, 65602);
    }
    return info;
  }

  // Daily limits reset at midnight UTC; LinkedIn sends no Retry-After.
  private throttle(endpoint: string): void {
    const limit = this.options.dailyLimitPerEndpoint;
    if (limit === undefined) return;
    const day = Math.floor(this.now() / DAY_MS);
    const counter = this.daily.get(endpoint);
    const current = counter?.day === day ? counter : { day, calls: 0 };
    current.calls++;
    this.daily.set(endpoint, current);
    if (current.calls > limit) {
      throw new ApiError(429, {
        serviceErrorCode: 101,
        message: "Resource level throttle limit for calls to this resource is reached.",
        status: 429,
      });
    }
  }

  private accessDenied(ctx: Context): ApiError {
    const message = `Not enough permissions to access: ${ctx.internalName}.GET.${ctx.versionTag}`;
    return coded(403, "ACCESS_DENIED", message, 100);
  }

  /** The organization named by the request, if the member may read it with one of `roles`. */
  private orgFor(ctx: Context, id: string, roles: string[]): OrgState {
    const org = this.orgs.get(id);
    if (!org) throw notFound();
    if (org.state !== "APPROVED" || !roles.includes(org.role)) throw this.accessDenied(ctx);
    return org;
  }

  /** Checks `q=<finder>` and reads the organization URN from the same-named parameter. */
  private finderOrg(ctx: Context, finder: string, roles: string[]): OrgState {
    requireFinder(ctx.query, finder);
    const urn = ctx.query.scalar(finder);
    if (urn === undefined) {
      throw badRequest(`Missing required parameter '${finder}' for finder '${finder}'`);
    }
    const id = /^urn:li:organization:(\d+)$/.exec(urn)?.[1];
    if (!id) throw paramInvalid(finder);
    return this.orgFor(ctx, id, roles);
  }

  private readPaging(query: RestliQuery, max = Infinity): { start: number; count: number } {
    const read = (name: string, fallback: number) => {
      const value = query.scalar(name);
      if (value === undefined) return fallback;
      if (!/^\d{1,9}$/.test(value)) throw paramInvalid(name);
      return Number(value);
    };
    return { start: read("start", 0), count: Math.min(read("count", DEFAULT_COUNT), max) };
  }

  private collection(
    ctx: Context,
    elements: unknown[],
    page: { start: number; count: number },
    total: number,
    showTotal: boolean,
  ): Json {
    const links = [];
    const next = page.start + page.count;
    if (page.count > 0 && next < total) {
      const kept = ctx.rawQuery.split("&").filter((p) => !/^(start|count)=/.test(p) && p !== "");
      const href = `${ctx.base}/${ctx.resource}?${
        [...kept, `start=${next}`, `count=${page.count}`].join("&")
      }`;
      links.push({ type: "application/json", rel: "next", href });
    }
    const paging: Json = { start: page.start, count: page.count, links };
    if (showTotal) paging.total = total;
    return { paging, elements };
  }

  // -- endpoints ---------------------------------------------------------------------------

  private acls(ctx: Context): Json {
    requireFinder(ctx.query, "roleAssignee");
    const role = ctx.query.scalar("role");
    const state = ctx.query.scalar("state");
    if (role !== undefined && !ACL_ROLES.includes(role)) throw paramInvalid("role");
    if (state !== undefined && !ACL_STATES.includes(state)) throw paramInvalid("state");
    const page = this.readPaging(ctx.query);
    const all = [...this.orgs.values()]
      .filter((o) => (role ?? o.role) === o.role && (state ?? o.state) === o.state)
      .map((o) => ({
        roleAssignee: this.memberUrn,
        state: o.state,
        role: o.role,
        organization: orgUrn(o.id),
      }));
    const elements = all.slice(page.start, page.start + page.count);
    // The real organizationAcls paging carries no total.
    return this.collection(ctx, elements, page, all.length, false);
  }

  private networkSize(ctx: Context): Json {
    const id = /^urn:li:organization:(\d+)$/.exec(decodeLeaf(ctx.key!, "key"))?.[1];
    if (!id) throw badRequest(`Invalid resource key '${ctx.key}'`);
    const org = this.orgFor(ctx, id, ADMIN_ROLES);
    const edgeType = ctx.query.scalar("edgeType");
    if (edgeType === undefined) throw badRequest("Missing required query parameter 'edgeType'");
    if (!EDGE_TYPES.includes(edgeType)) throw paramInvalid("edgeType");
    return { firstDegreeSize: this.followerCount(org.id) };
  }

  private postsFinder(ctx: Context): Json {
    const org = this.finderOrg(ctx, "author", POST_ROLES);
    const sortBy = ctx.query.scalar("sortBy") ?? "LAST_MODIFIED";
    if (sortBy !== "LAST_MODIFIED" && sortBy !== "CREATED") throw paramInvalid("sortBy");
    const page = this.readPaging(ctx.query, MAX_POSTS_COUNT);
    const timeline = org.timeline;
    const indices = sortBy === "CREATED"
      ? timeline.byCreated(page.start, page.count)
      : timeline.byLastModified(page.start, page.count);
    const elements = indices.map((i) => this.post(org, i));
    return this.collection(ctx, elements, page, timeline.size, true);
  }

  private statistics(ctx: Context, endpoint: string): Json {
    const finder = endpoint === "pageStatistics" ? "organization" : "organizationalEntity";
    const org = this.finderOrg(ctx, finder, ADMIN_ROLES);
    const intervals = readTimeIntervals(ctx.query);
    const now = this.now();
    if (intervals) checkWindow(intervals, now);
    const elements = intervals
      ? buckets(intervals, now).map((b) =>
        this.bucketElement(endpoint, org, b, intervals.granularity)
      )
      : [this.lifetimeElement(endpoint, org)];
    return { paging: { start: 0, count: DEFAULT_COUNT, links: [] }, elements };
  }

  private lifetimeElement(endpoint: string, org: OrgState): Json {
    const urn = orgUrn(org.id);
    const rand = randomFor(this.seed, endpoint, org.id, "lifetime");
    if (endpoint === "followerStatistics") {
      return followerLifetime(rand, urn, this.followerCount(org.id));
    }
    if (endpoint === "pageStatistics") return pageLifetime(rand, urn);
    return { totalShareStatistics: shareTotals(rand, 300), organizationalEntity: urn };
  }

  /** One time-bound element; values depend only on (seed, organization, bucket, granularity). */
  private bucketElement(
    endpoint: string,
    org: OrgState,
    timeRange: Range,
    grain: Granularity,
  ): Json {
    const urn = orgUrn(org.id);
    const rand = randomFor(this.seed, endpoint, org.id, timeRange.start, grain);
    const scale = GRAIN_SCALE[grain];
    if (endpoint === "followerStatistics") {
      return { timeRange, followerGains: followerGains(rand, scale), organizationalEntity: urn };
    }
    if (endpoint === "pageStatistics") {
      const totalPageStatistics = {
        views: pageViews(rand, scale, true),
        clicks: pageClicks(rand, scale),
      };
      return { timeRange, totalPageStatistics, organization: urn };
    }
    return { timeRange, totalShareStatistics: shareTotals(rand, scale), organizationalEntity: urn };
  }

  // -- OAuth ---------------------------------------------------------------------------------

  private async oauth(req: Request, endpoint: string): Promise<Json> {
    if (req.method !== "POST") {
      throw oauthError(405, "invalid_request", `Method ${req.method} is not supported`);
    }
    const form = new URLSearchParams(await req.text());
    const need = (name: string): string => {
      const value = form.get(name);
      if (!value) {
        throw oauthError(400, "invalid_request", `A required parameter "${name}" is missing`);
      }
      return value;
    };
    return endpoint === "accessToken" ? this.grant(need) : this.introspect(need);
  }

  private grant(need: (name: string) => string): Json {
    const grantType = need("grant_type");
    if (grantType !== "refresh_token") {
      throw oauthError(400, "unsupported_grant_type", `Unsupported grant_type "${grantType}"`);
    }
    const refreshToken = need("refresh_token");
    this.checkClient(need("client_id"), need("client_secret"));
    // Refreshing never extends the refresh token's own lifetime.
    const remaining = Math.floor((this.refreshExpiresAt - this.now()) / 1000);
    if (refreshToken !== this.refreshToken || this.refreshExpired || remaining <= 0) {
      throw oauthError(
        400,
        "invalid_request",
        "The provided authorization grant or refresh token is invalid, expired or revoked",
      );
    }
    return {
      access_token: this.issueAccessToken({}),
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: this.refreshToken,
      refresh_token_expires_in: remaining,
      scope: ALL_SCOPES.join(","),
    };
  }

  private checkClient(clientId: string, clientSecret: string): void {
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      throw oauthError(401, "invalid_client", "Client authentication failed");
    }
  }

  private introspect(need: (name: string) => string): Json {
    const [clientId, clientSecret, token] = ["client_id", "client_secret", "token"].map(need);
    if (clientId !== this.clientId) throw oauthError(400, "invalid_request", "Invalid client_id");
    if (clientSecret !== this.clientSecret) {
      throw oauthError(401, "invalid_client", "Client authentication failed");
    }
    const info = this.tokens.get(token);
    if (!info) throw oauthError(400, "invalid_request", "The provided token is invalid");
    const expired = info.state === "expired" || this.now() >= info.expiresAt;
    const status = info.state === "revoked" ? "revoked" : expired ? "expired" : "active";
    const seconds = (ms: number) => Math.floor(ms / 1000);
    return {
      active: status === "active",
      client_id: this.clientId,
      authorized_at: seconds(info.createdAt),
      created_at: seconds(info.createdAt),
      status,
      expires_at: seconds(info.expiresAt),
      scope: info.scopes.join(","),
      auth_type: "3L",
    };
  }

  // -- data ----------------------------------------------------------------------------------

  private org(id: string): OrgState {
    const org = this.orgs.get(id);
    if (!org) throw new Error(`unknown organization ${id}`);
    return org;
  }

  private createOrg(org: SimOrganization, ordinal: number): OrgState {
    const count = org.postCount ?? this.options.postsPerOrganization ?? 40;
    // Spread the initial posts over up to two years, newest about an hour ago.
    const step = Math.max(60_000, Math.min(6 * 3_600_000, Math.floor((730 * DAY_MS) / count)));
    const base = this.now() - 3_600_000 - (count - 1) * step;
    const rand = randomFor(this.seed, "edits", org.id);
    const timeline = new PostTimeline();
    timeline.append(
      count,
      base,
      step,
      (k) => rand(`${k}`, 0, 3) ? 0 : rand(`${k}|delta`, 1, step / 2),
    );
    return {
      id: org.id,
      name: org.name,
      vanityName: org.vanityName,
      role: org.role ?? "ADMINISTRATOR",
      state: org.state ?? "APPROVED",
      ordinal,
      timeline,
    };
  }

  private organizationBody(org: OrgState, versioned: boolean): Json {
    const rand = randomFor(this.seed, "organization", org.id);
    const locale = { country: "US", language: "en" };
    const localized = (text: string) => ({ localized: { en_US: text }, preferredLocale: locale });
    const description = `${org.name} builds tools for teams who measure what matters.`;
    const website = `https://www.${org.vanityName}.example.com`;
    const staffCountRange = STAFF_RANGES[rand("staff", 1, 6)];
    const created = 1_300_000_000_000 + rand("created", 0, 300_000_000) * 1000;
    const asset = (label: string) =>
      `urn:li:digitalmediaAsset:C4D0BAQ${rand(label, 1e8, 9e8).toString(36).toUpperCase()}`;
    const image = (label: string, width: number, height: number) => ({
      original: asset(label),
      cropped: asset(`${label}Cropped`),
      cropInfo: { x: 0, y: 0, width, height },
    });
    const address = {
      country: "US",
      city: "San Francisco",
      geographicArea: "CA",
      postalCode: "94105",
    };
    const body: Json = {
      vanityName: org.vanityName,
      localizedName: org.name,
      name: localized(org.name),
      localizedDescription: description,
      description: localized(description),
      localizedWebsite: website,
      website: localized(website),
      primaryOrganizationType: "NONE",
      organizationType: "PRIVATELY_HELD",
      staffCountRange,
      industries: [FACET_VALUES.industry[rand("industry", 0, 5)]],
      specialties: [
        { locale: { country: "US", language: "en" }, tags: ["Analytics", "Data pipelines"] },
      ],
      localizedSpecialties: ["Analytics", "Data pipelines"],
      alternativeNames: [],
      groups: [],
      locations: [{
        locationType: "HEADQUARTERS",
        address,
        staffCountRange,
        geoLocation: "urn:li:geo:90000084",
      }],
      foundedOn: { year: rand("founded", 1990, 2020) },
      defaultLocale: locale,
      versionTag: String(rand("versionTag", 1, 40)),
      logoV2: image("logo", 400, 400),
      coverPhotoV2: image("cover", 1536, 768),
      autoCreated: false,
      created: { actor: this.memberUrn, time: created },
      lastModified: { actor: this.memberUrn, time: created + rand("modified", 1, 9e5) * 1000 },
      id: Number(org.id),
    };
    if (versioned) body.$URN = orgUrn(org.id);
    return body;
  }

  private post(org: OrgState, index: number): Json {
    const rand = randomFor(this.seed, "post", org.id, index);
    const number = postNumber(org.ordinal, index);
    const kind = rand("kind", 0, 3) === 0 ? "ugcPost" : "share";
    const createdAt = org.timeline.createdAt(index);
    const lastModifiedAt = org.timeline.lastModifiedAt(index);
    const post: Json = {
      isReshareDisabledByAuthor: rand("reshare", 0, 9) === 0,
      createdAt,
      lifecycleState: "PUBLISHED",
      lastModifiedAt,
      visibility: "PUBLIC",
      publishedAt: createdAt,
      author: orgUrn(org.id),
      id: `urn:li:${kind}:${number}`,
      distribution: {
        feedDistribution: "MAIN_FEED",
        targetEntities: [],
        thirdPartyDistributionChannels: [],
      },
      commentary: COMMENTARIES[index % COMMENTARIES.length](index + 1, org.name),
      lifecycleStateInfo: { isEditedByAuthor: lastModifiedAt !== createdAt },
    };
    const content = this.postContent(rand, number);
    if (content) post.content = content;
    return post;
  }

  private postContent(rand: Rand, number: string): Json | undefined {
    const image = (n: number) => ({
      id: `urn:li:image:D4D22AQ${n}${number.slice(-8)}`,
      altText: `Image ${n} of post ${number}`,
    });
    const article = {
      source: `https://blog.example.com/posts/${number}`,
      title: "What we learned shipping weekly",
      description: "Notes from a year of small releases",
    };
    const variants = [{ media: image(0) }, { article }, {
      multiImage: { images: [image(1), image(2)] },
    }];
    return variants[rand("content", 0, 3)]; // index 3: no content
  }
}
