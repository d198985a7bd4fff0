/**
 * The demographic taxonomies that resolve facet URNs to names: `functions`, `seniorities` and
 * `industryTaxonomyVersions/DEFAULT/industries` (GET_ALL, `start`/`count` paging). LinkedIn's
 * English names and ids; the industries are a subset of taxonomy V2 that covers every industry
 * the simulator serves, with some parents and children.
 *
 * @module
 */

import type { RequestContext } from "./context.ts";
import { collection, readPaging } from "./paging.ts";
import type { Json, TaxonomyName } from "./types.ts";

const MAX_COUNT = 100;

/** The 26 job functions. */
const FUNCTIONS: string[] = [
  "Accounting",
  "Administrative",
  "Arts and Design",
  "Business Development",
  "Community and Social Services",
  "Consulting",
  "Education",
  "Engineering",
  "Entrepreneurship",
  "Finance",
  "Healthcare Services",
  "Human Resources",
  "Information Technology",
  "Legal",
  "Marketing",
  "Media and Communication",
  "Military and Protective Services",
  "Operations",
  "Product Management",
  "Program and Project Management",
  "Purchasing",
  "Quality Assurance",
  "Real Estate",
  "Research",
  "Sales",
  "Customer Success and Support",
];

/** The 10 seniorities. */
const SENIORITIES: string[] = [
  "Unpaid",
  "Training",
  "Entry",
  "Senior",
  "Manager",
  "Director",
  "VP",
  "CXO",
  "Partner",
  "Owner",
];

/** Industries of taxonomy V2: id, English name, and parent id for those that have one. */
const INDUSTRIES: Array<[id: number, name: string, parent?: number]> = [
  [1594, "Technology, Information and Media"],
  [6, "Technology, Information and Internet", 1594],
  [4, "Software Development", 6],
  [109, "Computer Games", 4],
  [3100, "Mobile Computing Software Products", 4],
  [3101, "Desktop Computing Software Products", 4],
  [3130, "Data Security Software Products", 4],
  [84, "Information Services", 6],
  [1285, "Internet Marketplace Platforms", 6],
  [2458, "Data Infrastructure and Analytics", 6],
  [3128, "Business Intelligence Platforms", 2458],
  [3127, "Social Networking Platforms", 6],
  [1810, "Professional Services"],
  [96, "IT Services and IT Consulting", 1810],
  [118, "Computer and Network Security", 96],
  [1855, "IT System Design Services", 96],
  [3102, "IT System Custom Software Development", 96],
  [3106, "IT System Data Services", 96],
  [80, "Advertising Services", 1810],
  [97, "Market Research", 80],
  [98, "Public Relations and Communications Services", 80],
  [11, "Business Consulting and Services", 1810],
  [137, "Human Resources Services", 11],
  [1862, "Marketing Services", 11],
  [47, "Accounting", 1810],
  [10, "Legal Services", 1810],
  [43, "Financial Services"],
  [1673, "Credit Intermediation", 43],
  [41, "Banking", 1673],
  [129, "Capital Markets", 43],
  [45, "Investment Banking", 129],
  [106, "Venture Capital and Private Equity Principals", 129],
  [42, "Insurance", 43],
  [1912, "Administrative and Support Services"],
  [104, "Staffing and Recruiting", 1912],
  [1923, "Executive Search Services", 104],
  [1925, "Temporary Help Services", 104],
];

/** Each taxonomy's URN type. */
const URN_TYPES: Record<TaxonomyName, string> = {
  functions: "function",
  seniorities: "seniority",
  industries: "industry",
};

/** The URNs of codes of a taxonomy; a code it does not have is an error in the simulator. */
export function taxonomyUrns(name: TaxonomyName, ids: number[]): string[] {
  const known = new Set(taxonomyElements(name, false).map((element) => element.id));
  return ids.map((id) => {
    if (!known.has(id)) throw new Error(`${name} has no code ${id}`);
    return `urn:li:${URN_TYPES[name]}:${id}`;
  });
}

/** A route handler serving one page of `name`. */
export function taxonomyRoute(name: TaxonomyName): (ctx: RequestContext) => Json {
  return (ctx) => {
    const all = taxonomyElements(name, ctx.versioned);
    const page = readPaging(ctx.query, MAX_COUNT);
    return collection(ctx, all.slice(page.start, page.start + page.count), page, all.length, true);
  };
}

/** Every element of `name` in id order; `versioned` (/rest) adds `$URN`. */
export function taxonomyElements(name: TaxonomyName, versioned: boolean): Json[] {
  const entries: Array<[id: number, name: string]> = name === "industries"
    ? INDUSTRIES.map(([id, text]) => [id, text])
    : (name === "functions" ? FUNCTIONS : SENIORITIES).map((text, i) => [i + 1, text]);
  return entries.sort((a, b) => a[0] - b[0]).map(([id, text]) => {
    const element: Json = versioned ? { $URN: `urn:li:${URN_TYPES[name]}:${id}` } : {};
    element.id = id;
    element.name = { localized: { en_US: text } };
    if (name === "industries") {
      element.childrenIndustries = INDUSTRIES.filter(([, , parent]) => parent === id)
        .map(([child]) => child).sort((a, b) => a - b);
    }
    return element;
  });
}
