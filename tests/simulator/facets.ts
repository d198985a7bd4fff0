/**
 * LinkedIn's demographic facet values (staff ranges, seniorities, industries, functions, geos),
 * shared by organization bodies and the statistics facets.
 *
 * @module
 */

import { taxonomyUrns } from "./taxonomies.ts";

/** The `staffCountRange` enumeration, smallest first. */
export const STAFF_RANGES: string[] =
  ("SIZE_1 SIZE_2_TO_10 SIZE_11_TO_50 SIZE_51_TO_200 SIZE_201_TO_500 " +
    "SIZE_501_TO_1000 SIZE_1001_TO_5000 SIZE_5001_TO_10000 SIZE_10001_OR_MORE").split(" ");

/** The facet values the simulator's statistics are segmented by. */
export const FACET_VALUES = {
  // Drawn from the taxonomies, so that every facet URN resolves through the lookups.
  seniority: taxonomyUrns("seniorities", [1, 2, 3, 4, 5, 6, 7, 8]),
  industry: taxonomyUrns("industries", [4, 6, 43, 80, 96, 104]),
  function: taxonomyUrns("functions", [4, 8, 13, 15, 18, 25]),
  staffCountRange: STAFF_RANGES.slice(1, 7),
  country: [103644278, 101165590, 101282230, 102713980, 105015875, 101174742].map((n) =>
    `urn:li:geo:${n}`
  ),
  region: [90000084, 90000070, 90009496, 90009659, 90009790].map((n) => `urn:li:geo:${n}`),
};
