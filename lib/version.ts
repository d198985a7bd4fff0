/** The connector's version; the Docker image's `io.airbyte.version` label matches it. */
export const VERSION = "0.1.0";
