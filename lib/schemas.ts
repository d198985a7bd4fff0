/**
 * The JSON schema of each stream's records, by stream name, as `schemas/` holds them: what
 * `discover` announces. Only `discover` needs them, so no other command loads this module;
 * records are checked by the validators precompiled from the same files (`lib/validators/`).
 *
 * @module
 */
import followerStatistics from "../schemas/follower_statistics.json" with { type: "json" };
import followerStatisticsTimeBound from "../schemas/follower_statistics_time_bound.json" with {
  type: "json",
};
import lookupFunctions from "../schemas/lookup_functions.json" with { type: "json" };
import lookupIndustries from "../schemas/lookup_industries.json" with { type: "json" };
import lookupSeniorities from "../schemas/lookup_seniorities.json" with { type: "json" };
import organizationLookup from "../schemas/organization_lookup.json" with { type: "json" };
import pageStatistics from "../schemas/page_statistics.json" with { type: "json" };
import pageStatisticsTimeBound from "../schemas/page_statistics_time_bound.json" with {
  type: "json",
};
import postSocialMetadata from "../schemas/post_social_metadata.json" with { type: "json" };
import postStatistics from "../schemas/post_statistics.json" with { type: "json" };
import shareStatistics from "../schemas/share_statistics.json" with { type: "json" };
import shareStatisticsTimeBound from "../schemas/share_statistics_time_bound.json" with {
  type: "json",
};
import shares from "../schemas/shares.json" with { type: "json" };
import totalFollowerCount from "../schemas/total_follower_count.json" with { type: "json" };
import ugcPosts from "../schemas/ugc_posts.json" with { type: "json" };
import videoAnalytics from "../schemas/video_analytics.json" with { type: "json" };

/**
 * Each stream's schema, by stream name.
 *
 * @example
 * ```ts
 * STREAM_SCHEMAS.ugc_posts.type; // "object"
 * ```
 */
export const STREAM_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = {
  follower_statistics: followerStatistics,
  follower_statistics_time_bound: followerStatisticsTimeBound,
  lookup_functions: lookupFunctions,
  lookup_industries: lookupIndustries,
  lookup_seniorities: lookupSeniorities,
  organization_lookup: organizationLookup,
  page_statistics: pageStatistics,
  page_statistics_time_bound: pageStatisticsTimeBound,
  post_social_metadata: postSocialMetadata,
  post_statistics: postStatistics,
  share_statistics: shareStatistics,
  share_statistics_time_bound: shareStatisticsTimeBound,
  shares: shares,
  total_follower_count: totalFollowerCount,
  ugc_posts: ugcPosts,
  video_analytics: videoAnalytics,
};
